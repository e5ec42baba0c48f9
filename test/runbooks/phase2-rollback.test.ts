/**
 * phase2-deploy-proxy --rollback, the cases test/runbooks/phase2-deploy-proxy.test.ts does not cover: what
 * --dry-run says it will undo, a rollback after a real successful run and after a partial failure the
 * operator declined to roll back at once, a second rollback, a refusal, a proxy still in use (refused, or deleted with
 * --force), a failing delete,
 * and no namespace.
 * Same fakes as the forward tests (test/fakes/kubectl.ts): the runbook runs as a subprocess.
 */
import { describe, expect, test, vi } from 'vitest';
import { cluster, deploymentJson, gluetun, probes, secretJson } from '../fakes/kubectl.ts';
import { runRunbook, type FakeCall, type Rule } from '../fakes/run-runbook.ts';
import { BUNDLE_ENV } from '../fakes/runbook-bundle.ts';
import { loadInventory, sharedProxies } from '../../src/lib/inventory/inventory.ts';

vi.setConfig({ testTimeout: 180_000 });

const NAME = 'phase2-deploy-proxy';
// A well-formed WireGuard key made for these tests (32 bytes of 0x09), nobody's real key.
const KEY = Buffer.alloc(32, 9).toString('base64');
const ENV = { PROTONVPN_WG_KEY_ICELAND: KEY };
const OBJECTS = [
  [
    'networkpolicy.networking.k8s.io',
    'vpn-proxy-iceland',
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'vpn-proxy-iceland', namespace: 'vpn-egress' },
    },
  ],
  [
    'service',
    'vpn-proxy-iceland',
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'vpn-proxy-iceland', namespace: 'vpn-egress' } },
  ],
  ['deployment.apps', 'vpn-proxy-iceland', deploymentJson('vpn-proxy-iceland', 'vpn-egress')],
  [
    'secret',
    'vpn-proxy-iceland-wireguard',
    secretJson('vpn-proxy-iceland-wireguard', 'vpn-egress', { wireguard_private_key: KEY }),
  ],
  [
    'secret',
    'vpn-proxy-iceland-control-server',
    secretJson('vpn-proxy-iceland-control-server', 'vpn-egress', { apikey: 'LiveApiKey0123456789abcdefABCDEF' }),
  ],
] as const;
const ALL = OBJECTS.map(([kind, name]) => `${kind}/${name}`);
const SECRETS = ALL.slice(3);

/** The proxy's objects as the API returns them: `present` ones until deleted (then absent), the others absent. */
function live(present: readonly string[]): Rule[] {
  return OBJECTS.map(([kind, name, obj]) => ({
    tool: 'kubectl',
    match: ['get', kind, name],
    responses: present.includes(`${kind}/${name}`) ? [{ stdout: obj }, { stdout: '' }] : [{ stdout: '' }],
  }));
}
const DELETE: Rule = { tool: 'kubectl', match: ['delete'], not: ['pod'], stdout: 'deleted\n' };
const CLIENT = 'avalanche.network/vpn-client=vpn-proxy-iceland';
/** The pods that carry the proxy's client label, as `kubectl get pods -A -l ... -o json` lists them. */
const users = (...pods: Array<[string, string]>): Rule => ({
  tool: 'kubectl',
  match: ['get', 'pods', '--all-namespaces', '-l', CLIENT],
  stdout: {
    apiVersion: 'v1',
    kind: 'List',
    items: pods.map(([namespace, name]) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace, labels: { 'avalanche.network/vpn-client': 'vpn-proxy-iceland' } },
    })),
  },
});
const NO_USERS = users();
const deletes = (calls: FakeCall[]) =>
  calls.filter((c) => c.argv.includes('delete') && !c.argv.includes('pod')).map((c) => `${c.argv[3]}/${c.argv[4]}`);
const rollback = (extra: string[] = ['--yes']) => ['--rollback', '--region', 'iceland', ...extra];

/** A fresh cluster for the forward run (H2's phase2 tests use the same answers). */
function fresh(extra: Rule[] = []): Rule[] {
  return [
    ...extra,
    ...cluster({ namespace: false }),
    {
      tool: 'kubectl',
      match: ['apply', '-f', '-'],
      not: ['--dry-run=server', '--force-conflicts'],
      stdout:
        'namespace/vpn-egress serverside-applied\nsecret/vpn-proxy-iceland-wireguard serverside-applied\nsecret/vpn-proxy-iceland-control-server serverside-applied\n',
    },
    {
      tool: 'kubectl',
      match: ['apply', '-k'],
      not: ['--dry-run=server'],
      stdout: 'deployment.apps/vpn-proxy-iceland serverside-applied\n',
    },
    {
      tool: 'kubectl',
      match: ['rollout', 'status'],
      stdout: 'deployment "vpn-proxy-iceland" successfully rolled out\n',
    },
    DELETE,
    {
      tool: 'kubectl',
      match: ['get', 'deployment.apps', 'vpn-proxy-iceland'],
      stdout: deploymentJson('vpn-proxy-iceland', 'vpn-egress'),
    },
    ...gluetun('deploy/vpn-proxy-iceland'),
    ...probes('iceland'),
  ];
}

describe('phase2-deploy-proxy --rollback', () => {
  test('--dry-run says what it will undo (every object of the proxy, never the namespace) and runs nothing', async () => {
    const r = await runRunbook(NAME, rollback(['--dry-run']), { scenario: { rules: [] }, tools: ['kubectl'] });
    expect(r.code, r.stderr).toBe(0);
    expect(r.calls).toEqual([]);
    for (const ref of [
      'NetworkPolicy/vpn-egress/vpn-proxy-iceland',
      'Service/vpn-egress/vpn-proxy-iceland',
      'Deployment/vpn-egress/vpn-proxy-iceland',
      'Secret/vpn-egress/vpn-proxy-iceland-wireguard',
      'Secret/vpn-egress/vpn-proxy-iceland-control-server',
    ]) {
      expect(r.stdout).toContain(`~ deleted ${ref}`);
    }
    expect(r.stdout).toContain('Would change (5):');
    expect(r.stdout).not.toMatch(/delete namespace/);
  });

  test('without --region it undoes every proxy, and its question names them all (maintainer trial: it read like one)', async () => {
    const inv = loadInventory(BUNDLE_ENV.AVALANCHE_INVENTORY);
    const names = sharedProxies(inv).map((p) => p.name);
    expect(names.length, 'the bundle has more than one proxy').toBeGreaterThan(1);
    const r = await runRunbook(NAME, ['--rollback', '--dry-run'], { scenario: { rules: [] }, tools: ['kubectl'] });
    expect(r.code, r.stderr).toBe(0);
    expect(r.calls).toEqual([]);
    expect(r.stdout).toContain(`of ${names.length} proxies (${names.join(', ')}) in context "avalanche"?`);
    for (const name of names) expect(r.stdout).toContain(`~ deleted Deployment/vpn-egress/${name}`);
  });

  test('after a successful run: deletes exactly what the run created, verifies it gone; a second rollback changes nothing', async () => {
    const first = await runRunbook(NAME, ['--region', 'iceland', '--settle', '0', '--yes'], {
      scenario: { rules: fresh() },
      env: ENV,
    });
    expect(first.code, first.stderr).toBe(0);
    expect(deletes(first.calls)).toEqual([]);
    // What the successful run left: every object of the proxy (each rule answers "present", then "absent" once
    // deleted).
    const back = await runRunbook(NAME, rollback(), {
      scenario: { rules: [NO_USERS, ...live(ALL), DELETE, ...cluster({ namespace: true })] },
    });
    expect(back.code, back.stderr).toBe(0);
    expect(deletes(back.calls)).toEqual(ALL);
    expect(back.stdout).toContain('✓ Deployment/vpn-egress/vpn-proxy-iceland is gone');
    expect(back.calls.some((c) => c.argv.includes('namespace') && c.argv.includes('delete'))).toBe(false);
    const again = await runRunbook(NAME, rollback(), {
      scenario: { rules: [NO_USERS, ...live([]), DELETE, ...cluster({ namespace: true })] },
    });
    expect(again.code, again.stderr).toBe(0);
    expect(deletes(again.calls)).toEqual([]);
    expect(again.stdout).toContain('Nothing to delete: the proxies are not deployed.');
    expect(again.stdout).toContain('Nothing changed.');
  });

  test('after a partial failure left as is: the rollback deletes only what the failed run created', async () => {
    const reject: Rule = {
      tool: 'kubectl',
      match: ['apply', '-k'],
      not: ['--dry-run=server'],
      code: 1,
      stderr: 'The Deployment "vpn-proxy-iceland" is invalid: spec.template.spec.containers[0].image: Required value\n',
    };
    const first = await runRunbook(NAME, ['--region', 'iceland', '--settle', '0'], {
      scenario: { rules: fresh([reject]) },
      env: ENV,
      tty: true,
      input: 'y\nn\n',
    });
    expect(first.code).toBe(1);
    // The way back is printed as the exact command; it is run here as printed (plus --yes).
    const printed = first.stdout.match(
      /Left as is\. To undo later: npx zx runbooks\/phase2-deploy-proxy\.mjs (.*)$/m,
    )?.[1];
    expect(printed).toBe('--rollback --region iceland');
    expect(deletes(first.calls)).toEqual([]);
    // What the failed run left: the namespace and the two Secrets.
    const back = await runRunbook(NAME, [...printed!.split(' '), '--yes'], {
      scenario: { rules: [NO_USERS, ...live(SECRETS), DELETE, ...cluster({ namespace: true })] },
    });
    expect(back.code, back.stderr).toBe(0);
    expect(deletes(back.calls)).toEqual(SECRETS);
    expect(back.stdout).toContain('= absent Deployment/vpn-egress/vpn-proxy-iceland');
    expect(back.stdout).toContain('Changed (2):');
  });

  test('no TTY and no --yes: exit 2, nothing deleted', async () => {
    const r = await runRunbook(NAME, rollback([]), {
      scenario: { rules: [NO_USERS, ...live(ALL), DELETE, ...cluster({ namespace: true })] },
      subprocess: true,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/expected a terminal to confirm in, or --yes/);
    expect(deletes(r.calls)).toEqual([]);
  });

  test('a delete fails: exit 1 naming the step, listing what was already deleted', async () => {
    const fail: Rule = {
      tool: 'kubectl',
      match: ['delete', 'deployment.apps'],
      code: 1,
      stderr:
        'Error from server (Forbidden): deployments.apps "vpn-proxy-iceland" is forbidden: User "operator" cannot delete resource\n',
    };
    const r = await runRunbook(NAME, rollback(), {
      scenario: { rules: [fail, NO_USERS, ...live(ALL), DELETE, ...cluster({ namespace: true })] },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/step "apply" \(Delete the objects\) failed: .*Forbidden/);
    expect(r.stdout).toContain(
      'Changed before the failure:\n  + deleted NetworkPolicy/vpn-egress/vpn-proxy-iceland\n  + deleted Service/vpn-egress/vpn-proxy-iceland',
    );
  });

  test('a pod still goes out through the proxy (marmithon after phase 3): exit 2 naming it, nothing deleted', async () => {
    const r = await runRunbook(NAME, rollback(), {
      scenario: {
        rules: [users(['vpn-egress', 'marmithon-7d4b9c-x2x9k']), ...live(ALL), DELETE, ...cluster({ namespace: true })],
      },
    });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(
      /expected no pod using vpn-proxy-iceland \(label avalanche\.network\/vpn-client=vpn-proxy-iceland\); found 1 pod\(s\): vpn-egress\/marmithon-7d4b9c-x2x9k/,
    );
    expect(r.stderr).toMatch(/phase3-migrate-marmithon\.mjs --rollback\), or add --force/);
    expect(deletes(r.calls)).toEqual([]);
  });

  test('--force deletes it anyway, with a warning naming the pods', async () => {
    const r = await runRunbook(NAME, rollback(['--yes', '--force']), {
      scenario: {
        rules: [users(['vpn-egress', 'marmithon-7d4b9c-x2x9k']), ...live(ALL), DELETE, ...cluster({ namespace: true })],
      },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toMatch(
      /vpn-proxy-iceland is still used by vpn-egress\/marmithon-7d4b9c-x2x9k: deleting it anyway \(--force\)/,
    );
    expect(deletes(r.calls)).toEqual(ALL);
  });

  test('--force without --rollback is bad input: exit 2 before any command', async () => {
    const r = await runRunbook(NAME, ['--region', 'iceland', '--yes', '--force'], {
      scenario: { rules: [] },
      tools: ['kubectl'],
      env: ENV,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/expected --force only together with --rollback; found --force without --rollback/);
    expect(r.calls).toEqual([]);
  });

  test('an empty --region (REGION unset in `--region="$REGION"`) is bad input: exit 2, nothing read or deleted', async () => {
    const r = await runRunbook(NAME, ['--rollback', '--yes', '--region='], {
      scenario: { rules: [NO_USERS, ...live(ALL), DELETE, ...cluster({ namespace: true })] },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /--region: empty value .*never taken as the default: name the value you mean; leaving --region out means every shared proxy in the inventory\. Nothing was run\./,
    );
    expect(r.calls).toEqual([]);
  });

  test('no namespace (never deployed): nothing to delete, exit 0', async () => {
    const r = await runRunbook(NAME, rollback(), { scenario: { rules: [DELETE, ...cluster({ namespace: false })] } });
    expect(r.code, r.stderr).toBe(0);
    expect(deletes(r.calls)).toEqual([]);
    expect(r.stdout).toContain('Nothing to delete: the proxies are not deployed.');
  });
});
