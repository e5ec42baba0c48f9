import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { makeFakeEnv, ROOT, type FakeEnv, type Scenario } from './run-runbook.ts';

const FAKE_SCRIPT = join(ROOT, 'test/fakes/fake-tool.sh');

let fake: FakeEnv | undefined;
afterEach(() => {
  fake?.cleanup();
  fake = undefined;
});

/** Runs a fake (asynchronously: the fake server answers from this very process). */
async function call(scenario: Scenario, tool: string, args: string[], input = '', tools?: string[]) {
  fake ??= makeFakeEnv(scenario, tools);
  const child = spawn(join(fake.bin, tool), args, { env: { ...fake.env, SOME_SECRET: 'value-not-recorded' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.end(input);
  const code = await new Promise<number | null>((r) => child.on('close', r));
  return { code, stdout, stderr };
}

describe('fake-tool.sh with fake-server.ts', () => {
  test('answers the first matching rule; JSON stdout is pretty-printed; records argv, stdin and env names only', async () => {
    const s: Scenario = {
      rules: [
        { tool: 'kubectl', match: ['get', '/^pods?$/'], stdout: { items: [] } },
        { tool: 'kubectl', match: ['get'], stdout: 'other\n' },
      ],
    };
    expect(await call(s, 'kubectl', ['get', 'pod', '-o', 'json'], 'in')).toEqual({
      code: 0,
      stdout: '{\n  "items": []\n}\n',
      stderr: '',
    });
    expect((await call(s, 'kubectl', ['get', 'svc'])).stdout).toBe('other\n');
    const [first] = fake!.calls();
    expect(first).toMatchObject({ tool: 'kubectl', argv: ['get', 'pod', '-o', 'json'], stdin: 'in', rule: 0 });
    expect(first.env).toContain('SOME_SECRET');
    expect(JSON.stringify(fake!.calls())).not.toContain('value-not-recorded');
    expect(readFileSync(fake!.env.FAKE_LOG!, 'utf8')).not.toContain('value-not-recorded');
  });
  test('carries arguments and stdin exactly: spaces, quotes, newlines, empty strings, non-ASCII, trailing newlines', async () => {
    const args = ['a b', "it's", 'line1\nline2', '', '--flag=x y', 'Ísland ✓', '$HOME', '*'];
    const input = 'first\n\n  indented \u00e9\n\n';
    const s: Scenario = { rules: [{ tool: 'ssh', stdout: 'out\n\n', stderr: 'err \u00e9\n' }] };
    expect(await call(s, 'ssh', args, input)).toEqual({ code: 0, stdout: 'out\n\n', stderr: 'err \u00e9\n' });
    expect(await call(s, 'ssh', [])).toEqual({ code: 0, stdout: 'out\n\n', stderr: 'err \u00e9\n' });
    expect(fake!.calls().map((c) => [c.argv, c.stdin])).toEqual([
      [args, input],
      [[], ''],
    ]);
  });
  test('plays `responses` in order, repeating the last (first call fails, then succeeds)', async () => {
    const s: Scenario = {
      rules: [{ tool: 'curl', match: ['-sS'], responses: [{ code: 7, stderr: 'refused' }, { stdout: '1.2.3.4' }] }],
    };
    expect((await call(s, 'curl', ['-sS'])).code).toBe(7);
    expect((await call(s, 'curl', ['-sS'])).stdout).toBe('1.2.3.4');
    expect((await call(s, 'curl', ['-sS'])).stdout).toBe('1.2.3.4');
  });
  test('matches on joined argv, excluded arguments and stdin', async () => {
    const s: Scenario = {
      rules: [
        { tool: 'ssh', argv: '/tailscale set/', not: ['--advertise-exit-node=true'], stdin: '/^$/', stdout: 'ok' },
        { tool: 'ssh', stdout: 'fallback' },
      ],
    };
    expect((await call(s, 'ssh', ['routy', 'tailscale', 'set', '--advertise-exit-node=false'])).stdout).toBe('ok');
    expect((await call(s, 'ssh', ['routy', 'tailscale', 'set', '--advertise-exit-node=true'])).stdout).toBe('fallback');
    expect((await call(s, 'ssh', ['routy', 'tailscale', 'set'], 'x')).stdout).toBe('fallback');
  });
  test('an unmatched call exits 97 naming it, so a test sees the surprise', async () => {
    const r = await call({ rules: [{ tool: 'tailscale', match: ['status'] }] }, 'tailscale', ['up']);
    expect(r.code).toBe(97);
    expect(r.stderr).toBe('fake tailscale: no rule in the scenario matches: tailscale up\n');
  });
  test('honours delayMs', async () => {
    const t0 = Date.now();
    await call({ rules: [{ tool: 'kubectl', delayMs: 300 }] }, 'kubectl', []);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
  });
  test('after cleanup, or outside makeFakeEnv(), a fake says what is wrong (exit 98) instead of answering', async () => {
    fake = makeFakeEnv({ rules: [{ tool: 'kubectl', stdout: 'x' }] });
    const bin = fake.bin;
    const outside = spawnSync(join(bin, 'kubectl'), ['get'], { env: { PATH: '/usr/bin:/bin' }, encoding: 'utf8' });
    expect(outside.status).toBe(98);
    expect(outside.stderr).toMatch(/FAKE_PORT, FAKE_ID and FAKE_DIR are not set/);
    const env = fake.env;
    fake.cleanup();
    fake = undefined;
    mkdirSync(env.FAKE_DIR!, { recursive: true });
    const child = spawn('/bin/bash', [FAKE_SCRIPT, 'get'], { env });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.end();
    expect(await new Promise((r) => child.on('close', r))).toBe(98);
    expect(stderr).toMatch(/^fake fake-tool\.sh: the fake server gave no answer to this call/);
    rmSync(env.FAKE_DIR!, { recursive: true, force: true });
  });
  test('the PATH holds only the fakes asked for and node/bash/sh: no real kubectl, ssh or curl', () => {
    fake = makeFakeEnv({ rules: [] }, ['tailscale']);
    const which = (t: string) =>
      spawnSync('bash', ['-c', `command -v ${t}`], { env: fake!.env, encoding: 'utf8' }).stdout.trim();
    expect(which('tailscale')).toBe(join(fake.bin, 'tailscale'));
    expect(which('node')).not.toBe('');
    for (const t of ['kubectl', 'ssh', 'curl', 'wget']) expect(which(t)).toBe('');
  });
});
