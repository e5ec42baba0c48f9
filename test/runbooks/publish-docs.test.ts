/**
 * publish-docs end to end: a real subprocess with fake `tailscale` and `npm` first on PATH, a throwaway built
 * site, and the URL check pointed at a local server on 127.0.0.1 (PUBLISH_DOCS_VERIFY_URL, tests only).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { ROOT, runRunbook, type Rule } from '../fakes/run-runbook.ts';
import { fixture } from '../fakes/tailscale-scenarios.ts';

// Each test spawns the runbook and a fake per command: generous on a shared, loaded machine.
vi.setConfig({ testTimeout: 90_000 });

const HOST = 'calypso.tail1234.ts.net';
const INDEX = '<!doctype html><html><head><title>Avalanche network</title></head><body>docs</body></html>';
let dir: string;
let server: Server | undefined;
let served: { status: number; body: string };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'publish-docs-'));
  writeFileSync(join(dir, 'index.html'), INDEX);
  served = { status: 200, body: INDEX };
});
afterEach(async () => {
  rmSync(dir, { recursive: true, force: true });
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

async function localSite(): Promise<string> {
  server = createServer((_, res) => res.writeHead(served.status, { 'Content-Type': 'text/html' }).end(served.body));
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

const serving = (target: string, extra: Record<string, unknown> = {}) => ({
  TCP: { '443': { HTTPS: true } },
  Web: { [`${HOST}:443`]: { Handlers: { '/': target.startsWith('http') ? { Proxy: target } : { Path: target } } } },
  ...extra,
});

function rules(before: unknown, after: unknown, first: Rule[] = []): Rule[] {
  return [
    ...first,
    { tool: 'tailscale', match: ['serve', 'status', '--json'], responses: [{ stdout: before }, { stdout: after }] },
    { tool: 'tailscale', match: ['status', '--json'], not: ['serve'], stdout: fixture('status-calypso.json') },
    {
      tool: 'tailscale',
      match: ['serve', '--bg', '--https=443'],
      stdout: `Available within your tailnet:\n\nhttps://${HOST}/\n|-- path  ${dir}\n\nServe started and running in the background.\nTo disable the proxy, run: tailscale serve --https=443 off\n`,
    },
    { tool: 'tailscale', match: ['serve', '--https=443', 'off'], stdout: '' },
    {
      tool: 'npm',
      match: ['run', 'build'],
      stdout: '> astro build\n[build] 42 page(s) built in 9.81s\n[build] Complete!\n',
    },
  ];
}

async function run(
  before: unknown,
  after: unknown,
  args: string[] = [],
  first: Rule[] = [],
  subprocess = false,
  yes = ['--yes'],
) {
  const url = await localSite();
  const r = await runRunbook('publish-docs', [...yes, '--dir', dir, '--wait', '0', ...args], {
    scenario: { rules: rules(before, after, first) },
    tools: ['tailscale', 'npm'],
    env: { PUBLISH_DOCS_VERIFY_URL: url },
    timeoutMs: 60_000,
    subprocess,
  });
  const commands = r.calls.map((c) => `${c.tool} ${c.argv.join(' ')}`);
  expect(
    commands.some((c) => /funnel/.test(c)),
    'never Funnel',
  ).toBe(false);
  const writes = commands.filter((c) => !/status --json$/.test(c));
  return { ...r, commands, writes };
}

// The build runs in this repository wherever the runbook was started, into the folder it serves.
const build = () => `npm --prefix ${ROOT} run build -- --outDir ${dir}`;

describe('publish-docs', () => {
  test('builds for its tailnet URL, serves the folder to the tailnet, checks the URL answers and prints it', async () => {
    const r = await run({}, serving(dir), [], [], true);
    expect(r.code, r.stderr).toBe(0);
    expect(r.writes).toEqual([build(), `tailscale serve --bg --https=443 ${dir}`]);
    // canonical and og:url are the served URL, not 127.0.0.1 (astro.config.mjs reads AVALANCHE_SITE_URL).
    expect(r.stdout).toContain(`$ AVALANCHE_SITE_URL=https://${HOST}/ ${build()}`);
    expect(r.calls.find((c) => c.tool === 'npm')!.env).toContain('AVALANCHE_SITE_URL');
    expect(r.stdout).toContain(`✓ https://${HOST}/ answers with the docs ("Avalanche network")`);
    expect(r.stdout).toContain('✓ tailnet only (no Funnel on port 443)');
    expect(r.stdout).toContain(`The docs are served to the tailnet at https://${HOST}/`);
  });

  test('already serving, --no-build: sends nothing and says so', async () => {
    const r = await run(serving(dir), serving(dir), ['--no-build']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.writes).toEqual([]);
    expect(r.stdout).toContain(`– skipped: already serving ${dir}`);
  });

  test('--stop while serving: removes only the port-443 handler (not serve reset)', async () => {
    const r = await run(serving(dir), {}, ['--stop']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.writes).toEqual(['tailscale serve --https=443 off']);
    expect(r.stdout).toContain(`✓ nothing served at https://${HOST}/`);
    expect(r.commands.some((c) => /reset/.test(c))).toBe(false);
  });

  test('--stop when not serving: sends nothing', async () => {
    const r = await run({}, {}, ['--stop']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.writes).toEqual([]);
    expect(r.stdout).toContain('– skipped: the docs are not being served');
  });

  test('no terminal and no --yes: refuses at the confirmation (exit 2), nothing built or served', async () => {
    const r = await run({}, serving(dir), [], [], false, []);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/step "confirm" \(Confirm\) failed: expected a terminal to confirm in, or --yes/);
    expect(r.writes).toEqual([]);
  });

  test('--no-build with a --dir that holds no built site is bad input (exit 2), before any command', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'publish-docs-empty-'));
    try {
      const r = await runRunbook('publish-docs', ['--yes', '--no-build', '--dir', empty], {
        scenario: { rules: rules({}, {}) },
        tools: ['tailscale', 'npm'],
      });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        /step "config" .*expected a built site in .*publish-docs-empty-.* \(its index\.html\); found a folder with no index\.html/,
      );
      expect(r.calls).toEqual([]);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  test('port 443 already serves something else: refuses (exit 2), nothing changed', async () => {
    const other = serving('http://127.0.0.1:3000');
    const r = await run(other, other);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `expected https://${HOST}/ free or serving these docs (${dir}); found it serves a proxy to http://127.0.0.1:3000`,
    );
    expect(r.writes).toEqual([]);
  });

  test('Funnel on for port 443: warns, and serving with tailscale serve makes it tailnet only', async () => {
    const r = await run(serving(dir, { AllowFunnel: { [`${HOST}:443`]: true } }), serving(dir), ['--no-build']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`! Funnel is on for ${HOST}:443`);
    expect(r.writes).toEqual([`tailscale serve --bg --https=443 ${dir}`]);
  });

  test('Funnel still on after serving: the tailnet-only check fails', async () => {
    const open = serving(dir, { AllowFunnel: { [`${HOST}:443`]: true } });
    const r = await run({}, open, ['--no-build']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('✗ tailnet only (no Funnel on port 443)');
  });

  test('the build fails: exit 1, nothing served', async () => {
    const r = await run(
      {},
      {},
      [],
      [{ tool: 'npm', match: ['build'], code: 1, stderr: 'error: Cannot find module astro\n' }],
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('step "build"');
    expect(r.writes).toEqual([build()]);
  });

  test('the URL does not answer with the docs: exit 1 naming the check', async () => {
    served = { status: 502, body: 'bad gateway' };
    const r = await run({}, serving(dir), ['--no-build']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `✗ https://${HOST}/ answers with the docs ("Avalanche network"): expected HTTP 200 with <title>Avalanche network</title>; found HTTP 502`,
    );
  });

  test('logged out: refuses (exit 2) before building', async () => {
    const r = await run(
      {},
      {},
      [],
      [{ tool: 'tailscale', match: ['status', '--json'], not: ['serve'], stdout: fixture('status-logged-out.json') }],
      true,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('tailscale is logged out');
    expect(r.writes).toEqual([]);
  });

  test('--port: proxies to the local server, without building', async () => {
    const r = await run({}, serving('http://127.0.0.1:4321'), ['--port', '4321']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.writes).toEqual(['tailscale serve --bg --https=443 http://127.0.0.1:4321']);
  });

  test.each(['0', '70000', 'http'])('--port %s is bad input: exit 2 before any command', async (port) => {
    const r = await run({}, {}, ['--port', port]);
    expect(r.code).toBe(2);
    expect(r.calls).toEqual([]);
  });

  test('--dry-run: runs nothing, lists the build and serve commands', async () => {
    const r = await run({}, {}, ['--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.calls).toEqual([]);
    expect(r.stdout).toContain(`$ AVALANCHE_SITE_URL='https://<this machine>/' ${build()}`);
    expect(r.stdout).toContain(`$ tailscale serve --bg --https=443 ${dir}`);
  });
});
