/**
 * Every external call is bounded: a tool or an API that never answers fails the run naming the step and
 * the call, never hangs it. The runs are in-process with runMain's timeScale, so the harness's real limits
 * (30 s a call, 10 s an API attempt, 30 s an API call with its retries) play out in milliseconds; the
 * messages still name the real seconds. Every in-process scenario also checks that no call was allowed more
 * than 60 s unless it is a declared wait (test/fakes/in-process.ts).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import type { Report } from '../../src/lib/harness/index.ts';
import { cluster, deploymentJson, gluetun, probes } from '../fakes/kubectl.ts';
import { runRunbook, type Rule } from '../fakes/run-runbook.ts';
import { fakeApiKey, fixture } from '../fakes/tailscale-scenarios.ts';

const SCALE = 0.001;
const NEVER = 24 * 3600_000;
const KEY = Buffer.alloc(32, 8).toString('base64');
const ENV = { PROTONVPN_WG_KEY_ICELAND: KEY };
const ARGS = ['--region', 'iceland', '--settle', '0', '--yes', '--json'];

const fresh = (extra: Rule[]): Rule[] => [
  ...extra,
  ...cluster({ namespace: false }),
  { tool: 'kubectl', match: ['apply', '-f', '-'], stdout: 'secret/vpn-proxy-iceland-wireguard serverside-applied\n' },
  { tool: 'kubectl', match: ['apply', '-k'], stdout: 'deployment.apps/vpn-proxy-iceland serverside-applied\n' },
  { tool: 'kubectl', match: ['rollout', 'status'], stdout: 'successfully rolled out\n' },
  { tool: 'kubectl', match: ['delete'], not: ['pod'], stdout: 'deleted\n' },
  {
    tool: 'kubectl',
    match: ['get', 'deployment.apps', 'vpn-proxy-iceland'],
    stdout: deploymentJson('vpn-proxy-iceland', 'vpn-egress'),
  },
  ...gluetun('deploy/vpn-proxy-iceland'),
  ...probes('iceland'),
];

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

describe('a hung tool or API fails the run naming the step', () => {
  test('kubectl apply never returns: the apply step fails after 30 s naming the command; what it did is undone', async () => {
    const hang: Rule = { tool: 'kubectl', match: ['apply', '-k'], delayMs: NEVER };
    const r = await runRunbook('phase2-deploy-proxy', ARGS, {
      scenario: { rules: fresh([hang]) },
      env: ENV,
      timeScale: SCALE,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /step "apply" \(.*\) failed: expected the API server to accept manifests\/vpn-proxy-iceland; found `kubectl .* apply .* -k .*` did not finish within 30 s/,
    );
    const report = JSON.parse(r.stdout) as Report;
    expect(report.changes.filter((c) => c.status === 'attempted').map((c) => c.summary)).toContain(
      'created Deployment/vpn-egress/vpn-proxy-iceland',
    );
    expect(report.changes.filter((c) => !c.summary.startsWith('created Namespace')).every((c) => c.rolledBack)).toBe(
      true,
    );
  });

  test('every rollback delete hangs: each is cut at 30 s and the whole undo at 60 s; the run still ends, exit 1', async () => {
    const rollout: Rule = {
      tool: 'kubectl',
      match: ['rollout', 'status'],
      code: 1,
      stderr: 'error: timed out waiting for the condition\n',
    };
    const hang: Rule = { tool: 'kubectl', match: ['delete'], not: ['pod'], delayMs: NEVER };
    const r = await runRunbook('phase2-deploy-proxy', ARGS, {
      scenario: { rules: fresh([rollout, hang]) },
      env: ENV,
      timeScale: SCALE,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /✗ could not roll back "created Deployment\/vpn-egress\/vpn-proxy-iceland": `kubectl .* delete deployment\.apps vpn-proxy-iceland .*` did not finish within 30 s/,
    );
    expect(r.stderr).toMatch(
      /Not rolled back \(5\); to undo them: npx zx runbooks\/phase2-deploy-proxy\.mjs --rollback/,
    );
    const report = JSON.parse(r.stdout) as Report;
    expect(report.commands.filter((c) => c.step === 'rollback').every((c) => (c.timeoutMs ?? Infinity) <= 30_000)).toBe(
      true,
    );
  });

  test('the Tailscale API accepts the connection and never answers: the step fails within 30 s naming the call', async () => {
    server = createServer(() => undefined); // reads the request, never answers
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const rules: Rule[] = [
      { tool: 'tailscale', match: ['version'], stdout: fixture('version.txt') },
      { tool: 'tailscale', match: ['status', '--json'], stdout: fixture('status-calypso.json') },
      { tool: 'tailscale', match: ['debug', 'prefs'], stdout: fixture('debug-prefs-calypso.json') },
      { tool: 'tailscale', match: ['dns', 'query'], stdout: fixture('dns-query-kanidm.txt') },
      { tool: 'tailscale', match: ['dns', 'status'], stdout: fixture('dns-status.txt') },
      { tool: 'nc', match: ['-z'], code: 0 },
    ];
    const started = Date.now();
    const r = await runRunbook('verify-remote-access', [], {
      scenario: { rules },
      env: { TAILSCALE_API_KEY: fakeApiKey(), TAILSCALE_API_URL: url },
      timeScale: SCALE,
    });
    expect(r.code).toBe(1);
    expect(r.stderr + r.stdout).toMatch(
      /The Tailscale API at http:\/\/127\.0\.0\.1:\d+ did not answer GET \/api\/v2\/tailnet\/-\/dns\/split-dns \(\d attempt\(s\) within 30 s\): no answer within 10 s/,
    );
    expect(r.stderr).toMatch(/step "checks"/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
