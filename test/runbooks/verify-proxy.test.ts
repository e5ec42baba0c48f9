import { describe, expect, test, vi } from 'vitest';
import type { Report } from '../../src/lib/harness/index.ts';
import {
  cluster,
  deploymentJson,
  gluetun,
  HOME_IP,
  probePods,
  probes,
  VPN_IP,
  type GluetunState,
  type ProbeAnswers,
} from '../fakes/kubectl.ts';
import { runRunbook, type Rule } from '../fakes/run-runbook.ts';
import { BUNDLE_ENV } from '../fakes/runbook-bundle.ts';
import { proxyRegions } from '../../src/lib/steps/vpn-proxy.ts';
import { regions } from '../../src/lib/inventory/facts.ts';
import { loadInventory } from '../../src/lib/inventory/inventory.ts';

// Each test spawns a runbook and a dozen fake kubectl processes: allow for a busy machine.
vi.setConfig({ testTimeout: 120_000 });

const ICELAND = ['--region', 'iceland', '--settle', '0'];

function scenario(
  o: { gluetun?: GluetunState; probes?: ProbeAnswers; available?: boolean; namespace?: boolean; extra?: Rule[] } = {},
) {
  return {
    rules: [
      ...(o.extra ?? []),
      ...cluster({ namespace: o.namespace }),
      {
        tool: 'kubectl',
        match: ['get', 'deployment.apps', 'vpn-proxy-iceland'],
        stdout: deploymentJson('vpn-proxy-iceland', 'vpn-egress', o.available ?? true),
      },
      ...gluetun('deploy/vpn-proxy-iceland', o.gluetun),
      ...probes('iceland', o.probes),
    ],
  };
}

describe('verify-proxy.mjs', () => {
  test('happy path: every check passes, probe pods carry the right labels and are deleted, the home IP never shown', async () => {
    const r = await runRunbook('verify-proxy', [...ICELAND, '--json'], { scenario: scenario(), subprocess: true });
    expect(r.stderr).not.toMatch(/✗/);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    const checks = report.steps.find((s) => s.id === 'verify')!.findings;
    expect(checks.map((f) => [f.check, f.ok])).toEqual([
      ['Deployment vpn-proxy-iceland is available', true],
      ['gluetun reports the VPN running', true],
      ['exit country is Iceland', true],
      ['a pod labelled avalanche.network/vpn-client=vpn-proxy-iceland gets through the proxy', true],
      ['a pod without the client label is refused', true],
      ['the exit IP is not the home IP', true],
    ]);
    expect(report.facts).toEqual({ 'vpn-proxy-iceland.exitIp': VPN_IP, 'vpn-proxy-iceland.country': 'Iceland' });
    expect(r.stdout + r.stderr).not.toContain(HOME_IP);
    const { started, deleted } = probePods(r.calls);
    expect(started).toHaveLength(3);
    expect(deleted).toEqual(started);
    const client = r.calls.find((c) => c.argv.includes('run') && c.argv.some((a) => a.includes('-client-')))!;
    expect(client.argv).toContain(
      '--labels=avalanche.network/vpn-client=vpn-proxy-iceland,app.kubernetes.io/managed-by=avalanche-runbooks,app.kubernetes.io/part-of=avalanche-network,app.kubernetes.io/component=probe',
    );
    expect(client.argv.slice(client.argv.indexOf('--command'))).toEqual([
      '--command',
      '--',
      'curl',
      '-sS',
      '--max-time',
      '20',
      '--proxy',
      'http://vpn-proxy-iceland.vpn-egress.svc:8888',
      'https://api.ipify.org',
    ]);
    // Every kubectl call that touches the cluster pins the context.
    expect(
      r.calls
        .filter((c) => !c.argv.includes('--client') && c.argv[0] !== 'config')
        .every((c) => c.argv[0] === '--context' && c.argv[1] === 'avalanche'),
    ).toBe(true);
  });

  test('passing checks say what was found, never a failure or its advice (the report is read later, out of context)', async () => {
    // The frozen bundle (test/fixtures/runbook-bundle): its first region, whatever today's inventory holds.
    const region = proxyRegions(loadInventory(BUNDLE_ENV.AVALANCHE_INVENTORY))[0];
    const name = `vpn-proxy-${region}`;
    const rules = [
      ...cluster(),
      { tool: 'kubectl', match: ['get', 'deployment.apps', name], stdout: deploymentJson(name, 'vpn-egress') },
      ...gluetun(`deploy/${name}`),
      ...probes(region),
    ];
    const r = await runRunbook('verify-proxy', ['--region', region, '--settle', '0', '--json'], {
      scenario: { rules },
      env: BUNDLE_ENV,
    });
    expect(r.code, r.stderr).toBe(0);
    const findings = (JSON.parse(r.stdout) as Report).steps.find((s) => s.id === 'verify')!.findings;
    expect(findings.every((f) => f.ok === true)).toBe(true);
    expect(findings.filter((f) => 'next' in f)).toEqual([]);
    expect(findings.find((f) => f.check === 'the exit IP is not the home IP')?.found).toBe(
      `exit IP ${VPN_IP}, not the home IP`,
    );
    expect(findings.map((f) => f.found).join('\n')).not.toMatch(/unprotected|\[home IP\]|failed/);
  });

  test.each([
    [
      'VPN not running',
      { gluetun: { status: 'stopped' } },
      /expected gluetun reports the VPN running: status "running" from \/v1\/vpn\/status; found "stopped"\. Next: read the tunnel's log/,
    ],
    [
      'wrong country',
      { gluetun: { country: 'Netherlands' } },
      /expected exit country is Iceland: country "Iceland" from \/v1\/publicip\/ip \(src\/data\/network\.yaml\); found "Netherlands" \(198\.51\.100\.24\)/,
    ],
    [
      'exit IP equal to the home IP',
      { probes: { client: { stdout: HOME_IP } } },
      /expected the exit IP is not the home IP: .*; found the client's exit IP is \[home IP\]: traffic leaves from home/,
    ],
    [
      'NetworkPolicy not enforced',
      { probes: { unlabelled: { stdout: VPN_IP } } },
      /expected a pod without the client label is refused: .*; found it got through: the NetworkPolicy is not enforced\. Next: the cluster network plugin must enforce NetworkPolicy/,
    ],
    [
      'the labelled client cannot use the proxy',
      {
        probes: {
          client: {
            code: 7,
            stderr: 'curl: (7) Failed to connect to vpn-proxy-iceland.vpn-egress.svc port 8888: Connection refused\n',
          },
        },
      },
      /gets through the proxy: curl through http:\/\/vpn-proxy-iceland\.vpn-egress\.svc:8888 .*; found exit 7: curl: \(7\) Failed to connect/,
    ],
    [
      'the Deployment not available',
      { available: false },
      /expected Deployment vpn-proxy-iceland is available: condition Available=True with at least one available replica; found Available=False \(Deployment does not have minimum availability\.\)/,
    ],
    [
      'the control server refusing the API key',
      { gluetun: { unauthorized: true } },
      /expected verification of vpn-proxy-iceland completed: every check to run; found gluetun control server \/v1\/vpn\/status failed \(exit 6: Username\/Password Authentication Failed\.\); the API key was refused/,
    ],
  ])('%s: exit 1, naming the step, what was expected and found, and what to do', async (_, o, message) => {
    const r = await runRunbook('verify-proxy', ICELAND, { scenario: scenario(o as never) });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/✗ verify-proxy: step "verify" \(Verify each proxy.*\) failed: expected /);
    expect(r.stderr.replace(/\n/g, ' ')).toMatch(message);
    expect(r.stdout + r.stderr).not.toContain(HOME_IP);
    const { started, deleted } = probePods(r.calls);
    expect(deleted).toEqual(started);
  });

  test('probe pods are deleted even when a probe fails outright', async () => {
    const r = await runRunbook('verify-proxy', ICELAND, {
      scenario: scenario({ probes: { direct: { code: 1, stderr: 'error: timed out waiting for the condition\n' } } }),
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/expected a direct probe pod to read the home IP/);
    const { started, deleted } = probePods(r.calls);
    expect(started).toHaveLength(3);
    expect(deleted).toEqual(started);
  });

  test.each([
    ['kubectl missing', { tools: [] }, /expected kubectl on PATH; found no kubectl\. Next: install it/],
    [
      'the wrong current context',
      { rules: cluster({ current: 'kind-dev' }) },
      /expected current kubectl context "avalanche" .*found "kind-dev"\. Next: run `kubectl config use-context avalanche`/,
    ],
    [
      'a context missing from the kubeconfig',
      { rules: cluster({ contexts: ['kind-dev'] }) },
      /expected kubectl context "avalanche" in your kubeconfig; found only "kind-dev"/,
    ],
    [
      'the cluster unreachable',
      { rules: cluster({ unreachable: true }) },
      /expected the cluster of context "avalanche" to answer; found .*was refused/,
    ],
    [
      'nothing deployed',
      { rules: cluster({ namespace: false }) },
      /expected namespace vpn-egress; found it does not exist: nothing is deployed\. Next: deploy first/,
    ],
  ])('preflight refuses (exit 2) for %s, before any probe pod', async (_, o, message) => {
    const r = await runRunbook('verify-proxy', ICELAND, {
      scenario: { rules: (o as { rules?: Rule[] }).rules ?? cluster() },
      tools: (o as { tools?: string[] }).tools ?? ['kubectl'],
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/step "preflight"/);
    expect(r.stderr.replace(/\n/g, ' ')).toMatch(message);
    expect(probePods(r.calls).started).toEqual([]);
  });

  test('--context confirms another context even when it is not the current one', async () => {
    const s = scenario({ extra: cluster({ current: 'kind-dev', contexts: ['kind-dev', 'lab'] }) });
    const r = await runRunbook('verify-proxy', [...ICELAND, '--context', 'lab'], { scenario: s });
    expect(r.code).toBe(0);
    expect(r.calls.filter((c) => c.argv[0] === '--context').every((c) => c.argv[1] === 'lab')).toBe(true);
  });

  test('an unknown region exits 2 before any command runs', async () => {
    const r = await runRunbook('verify-proxy', ['--region', 'atlantis'], { scenario: scenario(), subprocess: true });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `verify-proxy: --region atlantis: unknown value; expected one of ${regions(loadInventory(BUNDLE_ENV.AVALANCHE_INVENTORY)).join(', ')}. Nothing was run.\n`,
    );
    expect(r.calls).toEqual([]);
  });

  test('--dry-run runs no command at all and lists the probes it would start', async () => {
    const r = await runRunbook('verify-proxy', ['--dry-run'], { scenario: scenario() });
    expect(r.code).toBe(0);
    expect(r.calls).toEqual([]);
    expect(r.stdout).toMatch(
      /\$ kubectl --context avalanche run avalanche-probe-netherlands-client-[0-9a-f]{6} -n vpn-egress/,
    );
    expect(r.stdout).toContain('· would check: a pod without the client label is refused');
  });
});
