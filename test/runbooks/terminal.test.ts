/**
 * What only a real terminal and a real process show: a prompt answered in a pseudo-terminal after a
 * failure, and Ctrl-C (SIGINT) in the middle of a step. Subprocess tests, kept few.
 */
import { describe, expect, test, vi } from 'vitest';
import { cluster, deploymentJson, gluetun, probes } from '../fakes/kubectl.ts';
import { runInPty } from '../fakes/pty.ts';
import { runRunbook, type Rule } from '../fakes/run-runbook.ts';

vi.setConfig({ testTimeout: 120_000 });

const KEY = Buffer.alloc(32, 3).toString('base64');
const ENV = { PROTONVPN_WG_KEY_ICELAND: KEY };
const ARGS = ['--region', 'iceland', '--settle', '0'];

const fresh = (extra: Rule[]): Rule[] => [
  ...extra,
  ...cluster({ namespace: false }),
  {
    tool: 'kubectl',
    match: ['apply', '-f', '-'],
    stdout:
      'namespace/vpn-egress serverside-applied\nsecret/vpn-proxy-iceland-wireguard serverside-applied\nsecret/vpn-proxy-iceland-control-server serverside-applied\n',
  },
  {
    tool: 'kubectl',
    match: ['apply', '-k'],
    stdout:
      'service/vpn-proxy-iceland serverside-applied\ndeployment.apps/vpn-proxy-iceland serverside-applied\nnetworkpolicy.networking.k8s.io/vpn-proxy-iceland serverside-applied\n',
  },
  { tool: 'kubectl', match: ['delete'], not: ['pod'], stdout: 'deleted\n' },
  {
    tool: 'kubectl',
    match: ['get', 'deployment.apps', 'vpn-proxy-iceland'],
    stdout: deploymentJson('vpn-proxy-iceland', 'vpn-egress'),
  },
  ...gluetun('deploy/vpn-proxy-iceland'),
  ...probes('iceland'),
];
const deletes = (calls: Array<{ argv: string[] }>) =>
  calls.filter((c) => c.argv.includes('delete') && !c.argv.includes('pod')).map((c) => `${c.argv[3]}/${c.argv[4]}`);

describe('in a terminal (a pseudo-terminal from util-linux script)', () => {
  test('the rollout fails; "Roll these changes back now?" answered y: rolled back, exit 1 (never 0)', async () => {
    const timeout: Rule = {
      tool: 'kubectl',
      match: ['rollout', 'status'],
      code: 1,
      stderr: 'error: timed out waiting for the condition\n',
    };
    const r = await runInPty('phase2-deploy-proxy', ARGS, {
      scenario: { rules: fresh([timeout]) },
      env: ENV,
      answers: [
        [/Apply 6 change\(s\) for vpn-proxy-iceland to context "avalanche"\? \[y\/N\]/, 'y\n'],
        [/Roll these changes back now\? \[y\/N\]/, 'y\n'],
      ],
    });
    expect(r.output).toContain('Apply 6 change(s) for vpn-proxy-iceland to context "avalanche"? [y/N]');
    expect(r.output).toContain('Roll these changes back now? [y/N]');
    expect(r.code, r.output).toBe(1);
    expect(deletes(r.calls)).toEqual([
      'networkpolicy.networking.k8s.io/vpn-proxy-iceland',
      'service/vpn-proxy-iceland',
      'deployment.apps/vpn-proxy-iceland',
      'secret/vpn-proxy-iceland-control-server',
      'secret/vpn-proxy-iceland-wireguard',
    ]);
    expect(r.output).toContain('↶ rolled back: created Deployment/vpn-egress/vpn-proxy-iceland');
    expect(r.output).toMatch(/Result: FAILED \(exit 1\)/);
  });

  test('answered n: left as is with the way to undo it, exit 1', async () => {
    const timeout: Rule = {
      tool: 'kubectl',
      match: ['rollout', 'status'],
      code: 1,
      stderr: 'error: timed out waiting for the condition\n',
    };
    const r = await runInPty('phase2-deploy-proxy', ARGS, {
      scenario: { rules: fresh([timeout]) },
      env: ENV,
      answers: [
        [/Apply 6 change\(s\)/, 'y\n'],
        [/Roll these changes back now\?/, 'n\n'],
      ],
    });
    expect(r.code, r.output).toBe(1);
    expect(deletes(r.calls)).toEqual([]);
    expect(r.output).toContain(
      'Left as is. To undo later: npx zx runbooks/phase2-deploy-proxy.mjs --rollback --region iceland',
    );
  });
});

describe('Ctrl-C (SIGINT) in the middle of a step', () => {
  test('phase 2, while waiting for the rollout: the wait is stopped, what was changed is listed with how to undo it, exit 130', async () => {
    const hang: Rule = { tool: 'kubectl', match: ['rollout', 'status'], delayMs: 60_000, stdout: '' };
    const started = Date.now();
    const r = await runRunbook('phase2-deploy-proxy', [...ARGS, '--yes'], {
      scenario: { rules: fresh([hang]) },
      env: ENV,
      subprocess: true,
      interrupt: { when: /\$ kubectl .* rollout status/ },
    });
    expect(r.code, r.stderr).toBe(130);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(r.stderr).toMatch(/✗ phase2-deploy-proxy: step "apply" \(.*\) was interrupted by SIGINT/);
    expect(r.stdout).toContain('Changed before the interruption:\n  + created Namespace/vpn-egress');
    expect(r.stdout).toContain('  + created Deployment/vpn-egress/vpn-proxy-iceland');
    expect(r.stdout).toContain('To undo: npx zx runbooks/phase2-deploy-proxy.mjs --rollback --region iceland\n');
    expect(r.stdout).toMatch(/Result: INTERRUPTED \(exit 130\)/);
    // Ctrl-C means stop: nothing more is sent, not even an undo.
    expect(deletes(r.calls)).toEqual([]);
  });

  test('before anything changed (a hung preflight): exit 130, "Nothing was changed."', async () => {
    const hang: Rule = { tool: 'kubectl', match: ['version', '--request-timeout=10s'], delayMs: 60_000, stdout: '' };
    const r = await runRunbook('phase2-deploy-proxy', [...ARGS, '--yes'], {
      scenario: { rules: fresh([hang]) },
      env: ENV,
      subprocess: true,
      interrupt: { when: /\$ kubectl .*version -o json --request-timeout/ },
    });
    expect(r.code, r.stderr).toBe(130);
    expect(r.stdout).toContain('Nothing was changed.');
  });
});
