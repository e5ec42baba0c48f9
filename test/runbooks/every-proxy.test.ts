/**
 * The proxy runbooks over every shared proxy of the bundled inventory at once (their default): the home IP
 * is measured once per run and then masked, so each proxy after the first must still be verified against it.
 * Expectations come from the bundled inventory, whatever regions it lists.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Report } from '../../src/lib/harness/index.ts';
import { BUNDLE_ENV } from '../fakes/runbook-bundle.ts';
import { loadInventory } from '../../src/lib/inventory/inventory.ts';
import { keyEnvFor } from '../../src/lib/steps/vpn-proxy.ts';
import { cluster, deploymentJson, gluetun, HOME_IP, probes } from '../fakes/kubectl.ts';
import { runRunbook, type Rule } from '../fakes/run-runbook.ts';

const inv = loadInventory(BUNDLE_ENV.AVALANCHE_INVENTORY);
const proxies = inv.vpn.deployments
  .filter((d) => d.pattern === 'shared-proxy')
  .map((d) => ({ name: d.name, region: d.region!, country: d.country }));
const ns = inv.kubernetes.namespace;
const KEY = Buffer.alloc(32, 5).toString('base64');

/** Each proxy deployed and working, as kubectl and gluetun answer for it. */
const working = (): Rule[] =>
  proxies.flatMap((p) => [
    { tool: 'kubectl', match: ['get', 'deployment.apps', p.name], stdout: deploymentJson(p.name, ns) },
    ...gluetun(`deploy/${p.name}`, { country: p.country }),
    ...probes(p.region),
  ]);

describe('every shared proxy in one run', () => {
  test('verify-proxy --report-dir (the README example): every proxy verified, one report each', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'every-proxy-'));
    try {
      const r = await runRunbook('verify-proxy', ['--settle', '0', '--json', '--report-dir', dir], {
        scenario: { rules: [...cluster(), ...working()] },
      });
      expect(r.code, r.stderr).toBe(0);
      const report = JSON.parse(r.stdout) as Report;
      const failed = report.steps.flatMap((s) => s.findings).filter((f) => f.ok === false);
      expect(failed).toEqual([]);
      expect(
        report.steps
          .find((s) => s.id === 'verify')!
          .findings.filter((f) => f.check === 'the exit IP is not the home IP' && f.ok),
      ).toHaveLength(proxies.length);
      expect(readdirSync(dir)).toHaveLength(proxies.length);
      expect(r.stdout + r.stderr).not.toContain(HOME_IP);
      // Measured once, then reused: one direct probe pod for the whole run.
      expect(
        r.calls.filter((c) => c.argv.some((a) => /^avalanche-probe-.*-direct-/.test(a)) && c.argv.includes('run')),
      ).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a later proxy whose exit IS the home IP fails its check, though the home IP is masked by then', async () => {
    const last = proxies.at(-1)!;
    const leak: Rule = {
      tool: 'kubectl',
      match: ['run', `/^avalanche-probe-${last.region}-client-[0-9a-f]{6}$/`],
      stdout: HOME_IP,
    };
    const r = await runRunbook('verify-proxy', ['--settle', '0'], {
      scenario: { rules: [leak, ...cluster(), ...working()] },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      "✗ the exit IP is not the home IP: expected the proxy to leave through the VPN, with an IP other than the home IP; found the client's exit IP is [home IP]",
    );
    expect(r.stdout + r.stderr).not.toContain(HOME_IP);
  });

  test('phase2-deploy-proxy --yes with every key (deploys every region, the default): deployed and verified, exit 0', async () => {
    const env = Object.fromEntries(proxies.map((p) => [keyEnvFor(p.region), KEY]));
    const deploy: Rule[] = [
      { tool: 'kubectl', match: ['apply', '-f', '-'], stdout: 'secret/x serverside-applied\n' },
      { tool: 'kubectl', match: ['apply', '-k'], stdout: 'deployment.apps/x serverside-applied\n' },
      { tool: 'kubectl', match: ['rollout', 'status'], stdout: 'successfully rolled out\n' },
      { tool: 'kubectl', match: ['delete'], not: ['pod'], stdout: 'deleted\n' },
    ];
    const r = await runRunbook('phase2-deploy-proxy', ['--settle', '0', '--yes'], {
      scenario: { rules: [...cluster({ namespace: false }), ...deploy, ...working()] },
      env,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`${proxies.map((p) => p.name).join(', ')}: deployed and verified.`);
    expect(r.calls.filter((c) => c.argv.includes('delete') && !c.argv.includes('pod'))).toEqual([]);
  });
});
