import { describe, expect, test, vi } from 'vitest';
import { loadApp } from '../../src/lib/inventory/manifests.ts';
import type { Report } from '../../src/lib/harness/index.ts';
import {
  cluster,
  deploymentJson,
  gluetun,
  HOME_IP,
  probePods,
  probes,
  secretJson,
  type GluetunState,
} from '../fakes/kubectl.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runRunbook, type FakeCall, type Rule } from '../fakes/run-runbook.ts';
import { regions } from '../../src/lib/inventory/facts.ts';
import { DEFAULT_INVENTORY, loadInventory, sharedProxies } from '../../src/lib/inventory/inventory.ts';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { keyEnvFor, proxyRegions } from '../../src/lib/steps/vpn-proxy.ts';
import { BUNDLE_ENV, BUNDLE_ROOT } from '../fakes/runbook-bundle.ts';

// Each test spawns a runbook and a few dozen fake kubectl processes: allow for a busy machine.
vi.setConfig({ testTimeout: 180_000 });

// A well-formed WireGuard key made for these tests (32 bytes of 0x07), nobody's real key.
const KEY = Buffer.alloc(32, 7).toString('base64');
const KEY_B64 = Buffer.from(KEY).toString('base64');
const ENV = { PROTONVPN_WG_KEY_ICELAND: KEY };
const ARGS = ['--region', 'iceland', '--settle', '0'];
const app = loadApp('vpn-proxy-iceland', BUNDLE_ROOT);
const ref = (o: { kind: string; metadata: { name: string; namespace?: string } }) =>
  `${o.kind}/${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
const SECRETS = ['Secret/vpn-egress/vpn-proxy-iceland-wireguard', 'Secret/vpn-egress/vpn-proxy-iceland-control-server'];
// `kubectl apply -k` gets the folder as an absolute path: the runbook may be started from anywhere.
const KDIR = join(BUNDLE_ROOT, 'manifests/vpn-proxy-iceland');

const APPLY_SECRETS: Rule = {
  tool: 'kubectl',
  match: ['apply', '-f', '-'],
  not: ['--dry-run=server', '--force-conflicts'],
  stdout:
    'secret/vpn-proxy-iceland-wireguard serverside-applied\nsecret/vpn-proxy-iceland-control-server serverside-applied\n',
};
const APPLY_K: Rule = {
  tool: 'kubectl',
  match: ['apply', '-k'],
  not: ['--dry-run=server'],
  stdout:
    'namespace/vpn-egress serverside-applied\nservice/vpn-proxy-iceland serverside-applied\ndeployment.apps/vpn-proxy-iceland serverside-applied\nnetworkpolicy.networking.k8s.io/vpn-proxy-iceland serverside-applied\n',
};
const ROLLOUT: Rule = {
  tool: 'kubectl',
  match: ['rollout', 'status'],
  stdout:
    'Waiting for deployment "vpn-proxy-iceland" rollout to finish: 0 of 1 updated replicas are available...\ndeployment "vpn-proxy-iceland" successfully rolled out\n',
};
const DELETE: Rule = { tool: 'kubectl', match: ['delete'], not: ['pod'], stdout: 'deleted\n' };
const verifyRules = (g?: GluetunState): Rule[] => [
  {
    tool: 'kubectl',
    match: ['get', 'deployment.apps', 'vpn-proxy-iceland'],
    stdout: deploymentJson('vpn-proxy-iceland', 'vpn-egress'),
  },
  ...gluetun('deploy/vpn-proxy-iceland', g),
  ...probes('iceland'),
];

/** A cluster where nothing is deployed yet (the namespace is absent). */
const fresh = (extra: Rule[] = [], g?: GluetunState) => ({
  rules: [...extra, ...cluster({ namespace: false }), APPLY_SECRETS, APPLY_K, ROLLOUT, DELETE, ...verifyRules(g)],
});

/** A cluster where the proxy is deployed exactly as bundled: kubectl diff finds nothing. */
const deployed = (opts: { secretsDiff?: string } = {}) => ({
  rules: [
    ...cluster({ namespace: true }),
    {
      tool: 'kubectl',
      match: ['get', 'service', 'vpn-proxy-iceland'],
      stdout: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'vpn-proxy-iceland', namespace: 'vpn-egress' } },
    },
    {
      tool: 'kubectl',
      match: ['get', 'networkpolicy.networking.k8s.io', 'vpn-proxy-iceland'],
      stdout: {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'vpn-proxy-iceland', namespace: 'vpn-egress' },
      },
    },
    {
      tool: 'kubectl',
      match: ['get', 'secret', 'vpn-proxy-iceland-wireguard'],
      stdout: secretJson('vpn-proxy-iceland-wireguard', 'vpn-egress', { wireguard_private_key: KEY }),
    },
    {
      tool: 'kubectl',
      match: ['get', 'secret', 'vpn-proxy-iceland-control-server'],
      stdout: secretJson('vpn-proxy-iceland-control-server', 'vpn-egress', {
        apikey: 'LiveApiKey0123456789abcdefABCDEF',
      }),
    },
    { tool: 'kubectl', match: ['diff', '-k'], code: 0, stdout: '' },
    opts.secretsDiff
      ? { tool: 'kubectl', match: ['diff', '-f', '-'], code: 1, stdout: opts.secretsDiff }
      : { tool: 'kubectl', match: ['diff', '-f', '-'], code: 0, stdout: '' },
    APPLY_SECRETS,
    APPLY_K,
    ROLLOUT,
    { tool: 'kubectl', match: ['rollout', 'restart'], stdout: 'deployment.apps/vpn-proxy-iceland restarted\n' },
    ...verifyRules(),
  ],
});

// Newer scenarios run against the frozen bundle (test/fixtures/runbook-bundle, whose proxy the fakes answer
// for), so a change to today's inventory cannot break them.
const B_REGION = proxyRegions(loadInventory(BUNDLE_ENV.AVALANCHE_INVENTORY))[0];
const B_ARGS = ['--region', B_REGION, '--settle', '0'];
const B_ENV = { ...BUNDLE_ENV, [keyEnvFor(B_REGION)]: KEY };
const B_APP = loadApp(`vpn-proxy-${B_REGION}`, BUNDLE_ROOT);

/** Every command line that promises its stdin "(shown below)" is followed by that stdin, indented. */
const shownBelowKept = (stdout: string) => {
  const lines = stdout.split('\n');
  const broken = lines.filter((l, i) => l.includes('(shown below)') && !/^ {10}\S/.test(lines[i + 1] ?? ''));
  expect(broken).toEqual([]);
};

const writes = (calls: FakeCall[]) =>
  calls.filter(
    (c) =>
      ['apply', 'delete', 'rollout', 'run'].some((v) => c.argv.includes(v)) &&
      !c.argv.includes('status') &&
      !(c.argv.includes('delete') && c.argv.includes('pod')) &&
      !c.argv.includes('run'),
  );
const argvOf = (c: FakeCall) => c.argv.join(' ');
const noKeyAnywhere = (r: { stdout: string; stderr: string; calls: FakeCall[] }) => {
  for (const text of [r.stdout, r.stderr, JSON.stringify(r.calls.map((c) => c.argv))]) {
    expect(text).not.toContain(KEY);
    expect(text).not.toContain(KEY_B64);
  }
};

describe('phase2-deploy-proxy.mjs', () => {
  test('--help --json declares the contract steps, what the apply step changes and how to undo it, and --rollback', async () => {
    const r = await runRunbook('phase2-deploy-proxy', ['--help', '--json'], { tools: [] });
    expect(r.code).toBe(0);
    const help = JSON.parse(r.stdout);
    expect(help.steps.map((s: { kind: string }) => s.kind)).toEqual([
      'config',
      'preflight',
      'plan',
      'confirm',
      'apply',
      'verify',
      'summary',
    ]);
    expect(help.steps[4].changes).toMatch(/Secrets vpn-proxy-<region>-wireguard and vpn-proxy-<region>-control-server/);
    expect(help.steps[4].undo).toMatch(/--rollback --region <region>/);
    expect(help.rollback.flag).toBe('--rollback');
    expect(help.flags.find((f: { name: string }) => f.name === 'region').choices).toEqual(
      regions(loadInventory(BUNDLE_ENV.AVALANCHE_INVENTORY)),
    );
    expect(help.secrets[0].env).toBe('PROTONVPN_WG_KEY_<REGION>');
  });

  test('--dry-run runs no command, prints every bundled file verbatim and lists exactly the bundled objects plus the Secrets', async () => {
    const r = await runRunbook('phase2-deploy-proxy', ['--dry-run', '--region', 'iceland'], {
      scenario: fresh(),
      env: ENV,
    });
    expect(r.code).toBe(0);
    expect(r.calls).toEqual([]);
    const listed = [...r.stdout.matchAll(/^ {6}\? apply (\S+)$/gm)].map((m) => m[1]);
    expect(listed).toEqual([...app.objects.map(ref), ...SECRETS]);
    // Each file the folder applies, verbatim, indented under its path.
    for (const f of app.files.filter((x) => !x.path.endsWith('runbook-secrets.yaml'))) {
      expect(r.stdout).toContain(
        `      ${f.path}:\n${f.text
          .replace(/\n$/, '')
          .split('\n')
          .map((l) => `        ${l}`)
          .join('\n')}\n`,
      );
    }
    expect(r.stdout).toContain('"wireguard_private_key": "<WireGuard key from $PROTONVPN_WG_KEY_ICELAND, base64>"');
    expect(r.stdout).toContain(
      `$ kubectl --context avalanche apply --server-side --field-manager=avalanche-runbooks -k ${KDIR}`,
    );
    noKeyAnywhere(r);
  });

  test('happy path: applies exactly the bundled folder plus the two Secrets (key on stdin only), rolls out, verifies', async () => {
    const r = await runRunbook('phase2-deploy-proxy', [...ARGS, '--yes', '--json'], { scenario: fresh(), env: ENV });
    expect(r.stderr).not.toContain('✗');
    expect(r.code).toBe(0);
    const w = writes(r.calls);
    expect(w.map(argvOf)).toEqual([
      '--context avalanche apply --server-side --field-manager=avalanche-runbooks -f -',
      `--context avalanche apply --server-side --field-manager=avalanche-runbooks -k ${KDIR}`,
    ]);
    const list = JSON.parse(w[0].stdin);
    expect(list.kind).toBe('List');
    expect(list.items.map(ref)).toEqual(['Namespace/vpn-egress', ...SECRETS]);
    expect(list.items[0]).toEqual(
      Object.fromEntries(Object.entries(app.objects[0]).filter(([k]) => !['file', 'line', 'doc'].includes(k))),
    );
    expect(list.items[1].data).toEqual({ wireguard_private_key: KEY_B64 });
    expect(list.items[1].metadata.labels).toEqual({
      'app.kubernetes.io/name': 'vpn-proxy-iceland',
      'app.kubernetes.io/part-of': 'avalanche-network',
      'app.kubernetes.io/managed-by': 'avalanche-runbooks',
    });
    const apiKey = Buffer.from(list.items[2].data.apikey, 'base64').toString();
    expect(apiKey).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(
      r.calls.some(
        (c) =>
          argvOf(c) === '--context avalanche rollout status deployment/vpn-proxy-iceland -n vpn-egress --timeout=300s',
      ),
    ).toBe(true);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.status).toBe('ok');
    const [ns, ...rest] = app.objects.map(ref);
    expect(report.changes.map((c) => c.summary)).toEqual([
      `created ${ns} (kept by --rollback: it is shared)`,
      ...SECRETS.map((s) => `created ${s}`),
      ...rest.map((o) => `created ${o}`),
    ]);
    noKeyAnywhere(r);
    expect(r.stdout + r.stderr).not.toContain(apiKey);
    expect(r.stdout + r.stderr).not.toContain(HOME_IP);
    const { started, deleted } = probePods(r.calls);
    expect(deleted).toEqual(started);
  });

  test('second run against the deployed proxy changes nothing, says so, and still verifies', async () => {
    const r = await runRunbook('phase2-deploy-proxy', ARGS, { scenario: deployed(), env: ENV });
    expect(r.code).toBe(0);
    expect(writes(r.calls)).toEqual([]);
    expect(r.stdout).toContain('Nothing to change: vpn-proxy-iceland already matches the bundled manifests.');
    expect(r.stdout).toContain('– skipped: nothing to change');
    expect(r.stdout).toContain('✓ exit country is Iceland');
    expect(r.stdout).toContain('Nothing changed.');
    // The diff of the Secrets reused the live API key, so nothing differs.
    const secretsDiff = r.calls.find((c) => c.argv.includes('diff') && c.argv.includes('-f'))!;
    expect(JSON.parse(secretsDiff.stdin).items[1].data.apikey).toBe(
      Buffer.from('LiveApiKey0123456789abcdefABCDEF').toString('base64'),
    );
    noKeyAnywhere(r);
    expect(r.stdout + r.stderr).not.toContain('LiveApiKey0123456789abcdefABCDEF');
  });

  test('a new key (the Secret differs): applies, restarts the Deployment to load it, verifies', async () => {
    const header =
      "diff -u -N /tmp/LIVE-2146837432/v1.Secret.vpn-egress.vpn-proxy-iceland-wireguard /tmp/MERGED-1193447719/v1.Secret.vpn-egress.vpn-proxy-iceland-wireguard\n--- /tmp/LIVE-2146837432/v1.Secret.vpn-egress.vpn-proxy-iceland-wireguard\n+++ /tmp/MERGED-1193447719/v1.Secret.vpn-egress.vpn-proxy-iceland-wireguard\n@@ -1,7 +1,7 @@\n apiVersion: v1\n data:\n-  wireguard_private_key: '***' (before)\n+  wireguard_private_key: '***' (after)\n";
    const r = await runRunbook('phase2-deploy-proxy', [...ARGS, '--yes'], {
      scenario: deployed({ secretsDiff: header }),
      env: ENV,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('~ update Secret/vpn-egress/vpn-proxy-iceland-wireguard');
    expect(writes(r.calls).map(argvOf)).toContain(
      '--context avalanche rollout restart deployment/vpn-proxy-iceland -n vpn-egress',
    );
    noKeyAnywhere(r);
  });

  test('a region added to the inventory before `npm run generate`: exit 2, says to generate, no file:1', async () => {
    // A copy of the bundled inventory with one more region; the bundled manifests have no folder for it.
    const text = readFileSync(DEFAULT_INVENTORY, 'utf8');
    const first = sharedProxies(loadInventory(DEFAULT_INVENTORY))[0];
    const entry = `    - region: ${first.region}\n`;
    expect(text).toContain(entry);
    const dir = mkdtempSync(join(tmpdir(), 'inventory-'));
    try {
      const file = join(dir, 'network.yaml');
      writeFileSync(
        file,
        text.replace(
          entry,
          `    - region: ungenerated\n      country: ${first.country}\n      status: planned\n${entry}`,
        ),
      );
      const r = await runRunbook('phase2-deploy-proxy', ['--region', 'ungenerated', '--dry-run'], {
        scenario: { rules: [] },
        env: { AVALANCHE_INVENTORY: file },
      });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(
        'manifests/vpn-proxy-ungenerated/ does not exist yet: it is generated from the inventory (vpn.proxies region ungenerated',
      );
      expect(r.stderr).toContain('Next: run `npm run generate`, check it with `npm run lint`, then run this again.');
      expect(r.stderr).not.toMatch(/vpn-proxy-ungenerated:\d/);
      expect(r.calls).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('no TTY and no --yes: refuses at the confirmation (exit 2), nothing applied', async () => {
    const r = await runRunbook('phase2-deploy-proxy', ARGS, { scenario: fresh(), env: ENV, subprocess: true });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/step "confirm" \(Confirm\) failed: expected a terminal to confirm in, or --yes/);
    expect(writes(r.calls)).toEqual([]);
  });

  test('on a TTY, the operator confirms with y', async () => {
    const r = await runRunbook('phase2-deploy-proxy', ARGS, { scenario: fresh(), env: ENV, tty: true, input: 'y\n' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Apply 6 change(s) for vpn-proxy-iceland to context "avalanche"? [y/N]');
    expect(writes(r.calls)).toHaveLength(2);
  });

  test.each([
    ['kubectl missing', { tools: ['pass'] }, ENV, /expected kubectl on PATH; found no kubectl/],
    [
      'the wrong context',
      { rules: [...cluster({ current: 'kind-dev' })] },
      ENV,
      /expected current kubectl context "avalanche".*found "kind-dev"/,
    ],
    [
      'the cluster unreachable',
      { rules: [...cluster({ unreachable: true })] },
      ENV,
      /expected the cluster of context "avalanche" to answer/,
    ],
    [
      'the key missing',
      { rules: [...cluster({ namespace: false })] },
      {},
      /ProtonVPN WireGuard key \(iceland\): not found\. Expected it in \$PROTONVPN_WG_KEY_ICELAND, a file named by \$PROTONVPN_WG_KEY_ICELAND_FILE, or a command in \$PROTONVPN_WG_KEY_ICELAND_COMMAND/,
    ],
    [
      'the key malformed',
      { rules: [...cluster({ namespace: false })] },
      { PROTONVPN_WG_KEY_ICELAND: KEY.slice(0, 40) },
      /is not a WireGuard private key: expected 44 base64 characters encoding 32 bytes, received 40 characters/,
    ],
  ])('preflight refuses (exit 2) with %s, before anything is applied', async (_, o, env, message) => {
    const opts = o as { rules?: Rule[]; tools?: string[] };
    const r = await runRunbook('phase2-deploy-proxy', [...ARGS, '--yes'], {
      scenario: { rules: opts.rules ?? [] },
      tools: opts.tools ?? ['kubectl'],
      env,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/step "preflight"/);
    expect(r.stderr.replace(/\n/g, ' ')).toMatch(message);
    expect(writes(r.calls)).toEqual([]);
    expect(r.stderr).not.toContain(KEY.slice(0, 40));
  });

  test('reads the key from a password manager command ($..._COMMAND); it reaches kubectl on stdin only', async () => {
    const s = fresh([
      { tool: 'pass', match: ['show', 'protonvpn/wireguard-iceland'], stdout: `${KEY}\nnote: ProtonVPN IS#10\n` },
    ]);
    const r = await runRunbook('phase2-deploy-proxy', [...ARGS, '--yes'], {
      scenario: s,
      env: { PROTONVPN_WG_KEY_ICELAND_COMMAND: 'pass show protonvpn/wireguard-iceland' },
      subprocess: true,
    });
    expect(r.code).toBe(0);
    expect(r.calls.filter((c) => c.tool === 'pass').map((c) => c.argv)).toEqual([
      ['show', 'protonvpn/wireguard-iceland'],
    ]);
    expect(JSON.parse(writes(r.calls)[0].stdin).items[1].data.wireguard_private_key).toBe(KEY_B64);
    expect(r.stdout).toContain('WireGuard key from the command in $PROTONVPN_WG_KEY_ICELAND_COMMAND is well-formed');
    noKeyAnywhere(r);
  });

  // kubectl apply goes on past an object the server refuses and prints each one it applied
  // (ApplyOptions.Run, https://github.com/kubernetes/kubectl/blob/v0.33.0/pkg/cmd/apply/apply.go).
  const webhookRefusesDeployment: Rule = {
    tool: 'kubectl',
    match: ['apply', '-k'],
    not: ['--dry-run=server'],
    code: 1,
    stdout:
      'namespace/vpn-egress serverside-applied\nservice/vpn-proxy-iceland serverside-applied\nnetworkpolicy.networking.k8s.io/vpn-proxy-iceland serverside-applied\n',
    stderr:
      'Error from server (Forbidden): admission webhook "validation.gatekeeper.sh" denied the request: [psp-privileged-container] Privileged container is not allowed: gluetun\n',
  };
  test('a multi-object apply refused part-way (a webhook refuses the Deployment): every object it may have applied is listed and, with --yes, undone', async () => {
    const r = await runRunbook('phase2-deploy-proxy', [...ARGS, '--yes', '--json'], {
      scenario: fresh([webhookRefusesDeployment]),
      env: ENV,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /step "apply" .* failed: expected the API server to accept manifests\/vpn-proxy-iceland; found .*denied the request.*Next: an admission webhook refused it/,
    );
    const report = JSON.parse(r.stdout) as Report;
    const changes = Object.fromEntries(report.changes.map((c) => [c.summary.replace(/ \(kept.*/, ''), c.status]));
    expect(changes).toEqual({
      'created Namespace/vpn-egress': 'done',
      [`created ${SECRETS[0]}`]: 'done',
      [`created ${SECRETS[1]}`]: 'done',
      'created Service/vpn-egress/vpn-proxy-iceland': 'done',
      'created NetworkPolicy/vpn-egress/vpn-proxy-iceland': 'done',
      // Refused, as far as kubectl's output tells: listed as perhaps applied, and undone all the same.
      'created Deployment/vpn-egress/vpn-proxy-iceland': 'attempted',
    });
    expect(r.stderr).toContain('? may have changed: created Deployment/vpn-egress/vpn-proxy-iceland');
    const deletes = writes(r.calls)
      .filter((c) => c.argv.includes('delete'))
      .map((c) => `${c.argv[3]}/${c.argv[4]}`);
    expect(deletes).toEqual([
      'networkpolicy.networking.k8s.io/vpn-proxy-iceland',
      'service/vpn-proxy-iceland',
      'deployment.apps/vpn-proxy-iceland',
      'secret/vpn-proxy-iceland-control-server',
      'secret/vpn-proxy-iceland-wireguard',
    ]);
    expect(report.changes.filter((c) => c.summary.startsWith('created Namespace')).every((c) => !c.rolledBack)).toBe(
      true,
    );
    noKeyAnywhere(r);
  });

  test('a refused Secret list (first object of a fresh namespace): the Namespace it created is reported, nothing else applied', async () => {
    const refused: Rule = {
      tool: 'kubectl',
      match: ['apply', '-f', '-'],
      not: ['--dry-run=server'],
      code: 1,
      stdout: 'namespace/vpn-egress serverside-applied\n',
      stderr:
        'Error from server (Forbidden): secrets "vpn-proxy-iceland-wireguard" is forbidden: User "operator" cannot patch resource "secrets" in API group "" in the namespace "vpn-egress"\n',
    };
    const r = await runRunbook('phase2-deploy-proxy', [...ARGS, '--yes', '--json'], {
      scenario: fresh([refused]),
      env: ENV,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Next: your kubectl user may not do this/);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.changes.find((c) => c.summary.startsWith('created Namespace/vpn-egress'))?.status).toBe('done');
    expect(writes(r.calls).filter((c) => c.argv.includes('-k'))).toEqual([]);
  });

  test('rollout timeout: exit 1 naming the step and the next command; the rollback deletes what it created, never the namespace', async () => {
    const timeout: Rule = {
      tool: 'kubectl',
      match: ['rollout', 'status'],
      code: 1,
      stdout:
        'Waiting for deployment "vpn-proxy-iceland" rollout to finish: 0 of 1 updated replicas are available...\n',
      stderr: 'error: timed out waiting for the condition\n',
    };
    const r = await runRunbook('phase2-deploy-proxy', [...ARGS, '--yes', '--rollout-timeout', '5'], {
      scenario: fresh([timeout]),
      env: ENV,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /step "apply" .* failed: expected Deployment vpn-proxy-iceland rolled out within 5 s; found .*timed out waiting for the condition\. Next: look at why: kubectl --context avalanche -n vpn-egress describe pods/,
    );
    const deletes = writes(r.calls)
      .filter((c) => c.argv.includes('delete'))
      .map((c) => `${c.argv[3]}/${c.argv[4]}`);
    expect(deletes).toEqual([
      'networkpolicy.networking.k8s.io/vpn-proxy-iceland',
      'service/vpn-proxy-iceland',
      'deployment.apps/vpn-proxy-iceland',
      'secret/vpn-proxy-iceland-control-server',
      'secret/vpn-proxy-iceland-wireguard',
    ]);
  });

  test('a failed verification after deploying (VPN not running): exit 1, and the change is not left silently', async () => {
    const r = await runRunbook('phase2-deploy-proxy', [...ARGS, '--yes'], {
      scenario: fresh([], { status: 'crashed' }),
      env: ENV,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/step "verify" .* failed: expected gluetun reports the VPN running: .*found "crashed"/);
    expect(r.stdout).toContain('Changed before the failure:');
    expect(r.stdout).toContain('↶ rolled back: created Deployment/vpn-egress/vpn-proxy-iceland');
  });

  test("started from another directory: apply -k and diff -k get this repository's folder, as an absolute path", async () => {
    // The fake answers only for the absolute folder: a path relative to the current directory matches nothing.
    const exact: Rule = {
      tool: 'kubectl',
      match: ['apply', '-k', KDIR],
      not: ['--dry-run=server'],
      stdout: 'deployment.apps/vpn-proxy-iceland serverside-applied\n',
    };
    const rules = fresh().rules.filter((x) => x !== APPLY_K);
    const r = await runRunbook('phase2-deploy-proxy', [...ARGS, '--yes'], {
      scenario: { rules: [exact, ...rules] },
      env: ENV,
      subprocess: true,
      cwd: tmpdir(),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.calls.filter((c) => c.argv.includes('-k')).map((c) => c.argv.at(-1))).toEqual([KDIR]);
  });

  test.each([
    // kubectl runs KUBECTL_EXTERNAL_DIFF on its LIVE and MERGED folders; plain `diff -u` names each file without -N.
    [
      'diff -u',
      'diff -u /tmp/LIVE-2650196357/apps.v1.Deployment.vpn-egress.vpn-proxy-iceland /tmp/MERGED-3011429916/apps.v1.Deployment.vpn-egress.vpn-proxy-iceland\n--- /tmp/LIVE-2650196357/apps.v1.Deployment.vpn-egress.vpn-proxy-iceland\t2026-11-30 10:00:00\n+++ /tmp/MERGED-3011429916/apps.v1.Deployment.vpn-egress.vpn-proxy-iceland\t2026-11-30 10:00:00\n@@ -30 +30 @@\n-        image: qmcgaw/gluetun:v3.40.0\n+        image: qmcgaw/gluetun:v3.41.1\n',
      '~ update Deployment/vpn-egress/vpn-proxy-iceland',
    ],
    // dyff between --omit-header names no file at all: only the exit status says something differs.
    [
      'dyff between --omit-header --set-exit-code',
      '\nspec.template.spec.containers.gluetun.image  (apps/v1/Deployment/vpn-proxy-iceland)\n  ± value change\n    - qmcgaw/gluetun:v3.40.0\n    + qmcgaw/gluetun:v3.41.1\n\n',
      '~ update Deployment/vpn-egress/vpn-proxy-iceland',
    ],
  ])(
    'kubectl diff exits 1 with KUBECTL_EXTERNAL_DIFF="%s": the proxy is upgraded, not reported as already bundled',
    async (tool, output, planned) => {
      const s = deployed();
      const diffK: Rule = { tool: 'kubectl', match: ['diff', '-k'], code: 1, stdout: output };
      const r = await runRunbook('phase2-deploy-proxy', [...ARGS, '--yes'], {
        scenario: { rules: [diffK, ...s.rules] },
        env: { ...ENV, KUBECTL_EXTERNAL_DIFF: tool },
      });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(planned);
      expect(r.stdout).not.toMatch(/already match(es)? the bundled manifests/);
      expect(writes(r.calls).map(argvOf)).toContain(
        `--context avalanche apply --server-side --field-manager=avalanche-runbooks -k ${KDIR}`,
      );
    },
  );

  test('--dry-run=server on a first deployment (no namespace yet): validates the Namespace, says why the rest cannot be, exit 0', async () => {
    // A server dry run persists nothing, so a Namespace "created" in it does not exist for the objects after it.
    const notFound = { code: 1, stderr: 'Error from server (NotFound): namespaces "vpn-egress" not found\n' };
    const check: Rule[] = [
      {
        tool: 'kubectl',
        match: ['apply', '--dry-run=server', '-f', '-'],
        stdin: '/"kind":"Secret"|"kind": "Secret"/',
        ...notFound,
      },
      {
        tool: 'kubectl',
        match: ['apply', '--dry-run=server', '-k'],
        stdout: 'namespace/vpn-egress serverside-applied (server dry run)\n',
        ...notFound,
      },
      {
        tool: 'kubectl',
        match: ['apply', '--dry-run=server', '-f', '-'],
        stdout: 'namespace/vpn-egress serverside-applied (server dry run)\n',
      },
    ];
    const r = await runRunbook('phase2-deploy-proxy', [...ARGS, '--dry-run=server'], {
      scenario: fresh(check),
      env: ENV,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /namespace vpn-egress does not exist yet, so the server cannot validate the objects in it/,
    );
    expect(writes(r.calls).map(argvOf)).toEqual([
      '--context avalanche apply --server-side --field-manager=avalanche-runbooks --dry-run=server -f -',
    ]);
    expect(JSON.parse(writes(r.calls)[0].stdin).kind).toBe('Namespace');
  });

  test('--dry-run=server on a first deployment sums up the changes it planned ("Would change (n)"), and shows every stdin it promises', async () => {
    const notFound = { code: 1, stderr: `Error from server (NotFound): namespaces "vpn-egress" not found\n` };
    const check: Rule[] = [
      { tool: 'kubectl', match: ['apply', '--dry-run=server', '-k'], ...notFound },
      {
        tool: 'kubectl',
        match: ['apply', '--dry-run=server', '-f', '-'],
        stdout: 'namespace/vpn-egress serverside-applied (server dry run)\n',
      },
    ];
    const r = await runRunbook('phase2-deploy-proxy', [...B_ARGS, '--dry-run=server'], {
      scenario: fresh(check),
      env: B_ENV,
    });
    expect(r.code, r.stderr).toBe(0);
    const created = [...r.stdout.matchAll(/^ {6}\+ create (\S+)$/gm)].map((m) => m[1]);
    // The folder's objects and the two Secrets the runbook builds.
    expect(created.sort()).toEqual(
      [...B_APP.objects.map(ref), ...B_APP.runbookSecrets.map((s) => `Secret/vpn-egress/${s.name}`)].sort(),
    );
    expect(r.stdout).toContain(`Would change (${created.length}):`);
    expect(r.stdout).not.toContain('Would change nothing');
    for (const c of created) expect(r.stdout).toMatch(new RegExp(`^  ~ created ${c.replace(/[/.]/g, '\\$&')}`, 'm'));
    shownBelowKept(r.stdout);
    noKeyAnywhere(r);
  });

  test('a real run does not promise stdin "(shown below)" it does not show', async () => {
    const r = await runRunbook('phase2-deploy-proxy', [...B_ARGS, '--yes'], { scenario: fresh(), env: B_ENV });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /apply --server-side --field-manager=avalanche-runbooks -f - {2}< stdin \(\d+ lines; --dry-run shows it\)/,
    );
    shownBelowKept(r.stdout);
  });

  test('rollback declined after a failure: the printed way back is the exact command for this run (its region, its --context)', async () => {
    const timeout: Rule = { tool: 'kubectl', match: ['rollout', 'status'], code: 1, stderr: 'error: timed out\n' };
    const r = await runRunbook('phase2-deploy-proxy', [...B_ARGS, '--context', 'avalanche'], {
      scenario: fresh([timeout]),
      env: B_ENV,
      tty: true,
      input: 'y\nn\n',
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `Left as is. To undo later: npx zx runbooks/phase2-deploy-proxy.mjs --rollback --region ${B_REGION} --context avalanche\n`,
    );
    noKeyAnywhere(r);
  });

  test('a key from a _COMMAND that holds the key itself: no line shows the command text, the source is named by its variable', async () => {
    const VAR = `${keyEnvFor(B_REGION)}_COMMAND`;
    const r = await runRunbook('phase2-deploy-proxy', [...B_ARGS, '--yes'], {
      scenario: fresh([{ tool: 'echo', stdout: `${KEY}\n` }]),
      env: { ...BUNDLE_ENV, [VAR]: `echo ${KEY}` },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`key from the command in $${VAR}`);
    expect(r.stdout).toContain(`$ sh -c '<the command in $${VAR}>'`);
    expect(r.stdout + r.stderr).not.toContain(KEY);
  });

  test.each([
    [
      'the variable and its _FILE both set',
      { '': KEY, _FILE: '/dev/null' },
      'config',
      /\$(\w+) and \$\1_FILE are all set: ambiguous/,
    ],
    [
      'the variable and its _COMMAND both set',
      { '': KEY, _COMMAND: 'pass show x' },
      'config',
      /\$(\w+) and \$\1_COMMAND are all set: ambiguous/,
    ],
    ['the variable set but empty', { '': '' }, 'preflight', /: not found\. .*; \$\w+ is set but empty\. Set one/],
    [
      'a failing _COMMAND',
      { _COMMAND: 'pass show protonvpn/wg' },
      'preflight',
      /`sh -c <the command in \$\w+_COMMAND>` exited 1: Error: .* is not in the password store\. Expected the command/,
    ],
  ])('bad key input (%s): exit 2 naming it, nothing run that changes anything', async (_, vars, step, message) => {
    const env = Object.fromEntries(Object.entries(vars).map(([suffix, v]) => [`${keyEnvFor(B_REGION)}${suffix}`, v]));
    const pass: Rule = { tool: 'pass', code: 1, stderr: 'Error: protonvpn/wg is not in the password store.\n' };
    const r = await runRunbook('phase2-deploy-proxy', [...B_ARGS, '--yes'], {
      scenario: fresh([pass]),
      env: { ...BUNDLE_ENV, ...env },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`step "${step}"`);
    expect(r.stderr.replace(/\n/g, ' ')).toMatch(message);
    expect(writes(r.calls)).toEqual([]);
    expect(r.stdout + r.stderr).not.toContain(KEY);
  });

  test('"n" at the confirmation: exit 2 (nothing changed), worded as declined, not as a failure', async () => {
    const r = await runRunbook('phase2-deploy-proxy', B_ARGS, {
      scenario: fresh(),
      env: B_ENV,
      tty: true,
      input: 'n\n',
    });
    expect(r.code).toBe(2);
    expect(writes(r.calls)).toEqual([]);
    expect(r.stderr).toBe(
      'phase2-deploy-proxy: declined at step "confirm" (Confirm): nothing was changed; run it again when ready.\n',
    );
    expect(r.stdout).toMatch(/^Result: declined, nothing changed \(exit 2\) in /m);
    expect(r.stdout + r.stderr).not.toMatch(/✗|FAILED/);
  });

  test('--dry-run lists the kubectl diff commands a real run makes, and runs none', async () => {
    const r = await runRunbook('phase2-deploy-proxy', [...B_ARGS, '--dry-run'], { scenario: fresh(), env: B_ENV });
    expect(r.code).toBe(0);
    expect(r.calls).toEqual([]);
    const diff = `$ kubectl --context avalanche diff --server-side --field-manager=avalanche-runbooks`;
    expect(r.stdout).toContain(`would run kubectl diff for vpn-proxy-${B_REGION}`);
    expect(r.stdout).toContain(`${diff} -k ${join(BUNDLE_ROOT, `manifests/vpn-proxy-${B_REGION}`)}\n`);
    expect(r.stdout).toContain(`${diff} -f -  < stdin (shown below)`);
    shownBelowKept(r.stdout);
    noKeyAnywhere(r);
  });

  test('an unknown region exits 2 before any command runs', async () => {
    const r = await runRunbook('phase2-deploy-proxy', ['--region', 'iceland,narnia'], { scenario: fresh(), env: ENV });
    expect(r.code).toBe(2);
    // The choices are the inventory's regions, whatever they are.
    expect(r.stderr).toContain(
      `--region narnia: unknown value; expected one of ${regions(loadInventory(BUNDLE_ENV.AVALANCHE_INVENTORY)).join(', ')}. Nothing was run.`,
    );
    expect(r.calls).toEqual([]);
  });

  test('--dry-run=server runs the reads, the diffs and apply --dry-run=server, and nothing that writes', async () => {
    const check: Rule[] = [
      {
        tool: 'kubectl',
        match: ['apply', '--dry-run=server', '-f', '-'],
        stdout: 'secret/vpn-proxy-iceland-wireguard serverside-applied (server dry run)\n',
      },
      {
        tool: 'kubectl',
        match: ['apply', '--dry-run=server', '-k'],
        stdout: 'deployment.apps/vpn-proxy-iceland serverside-applied (server dry run)\n',
      },
    ];
    const s = deployed({
      secretsDiff:
        'diff -u -N /tmp/LIVE-1/v1.Secret.vpn-egress.vpn-proxy-iceland-wireguard /tmp/MERGED-2/v1.Secret.vpn-egress.vpn-proxy-iceland-wireguard\n',
    });
    const r = await runRunbook('phase2-deploy-proxy', [...ARGS, '--dry-run=server'], {
      scenario: { rules: [...check, ...s.rules] },
      env: ENV,
    });
    expect(r.code).toBe(0);
    expect(writes(r.calls).map(argvOf)).toEqual([
      '--context avalanche apply --server-side --field-manager=avalanche-runbooks --dry-run=server -f -',
      `--context avalanche apply --server-side --field-manager=avalanche-runbooks --dry-run=server -k ${KDIR}`,
    ]);
    expect(probePods(r.calls).started).toEqual([]);
    noKeyAnywhere(r);
  });

  test('--rollback deletes the proxy objects and both Secrets by name, never the shared namespace', async () => {
    const s = deployed();
    const r = await runRunbook('phase2-deploy-proxy', ['--rollback', '--region', 'iceland', '--yes'], {
      scenario: {
        rules: [
          { tool: 'kubectl', match: ['delete'], stdout: 'deleted\n' },
          { tool: 'kubectl', match: ['get', 'pods', '--all-namespaces'], stdout: { items: [] } },
          ...s.rules.map((x) =>
            x.match?.[0] === 'get' ? { ...x, responses: [{ stdout: x.stdout }, { stdout: '' }] } : x,
          ),
        ],
      },
    });
    expect(r.code).toBe(0);
    expect(writes(r.calls).map((c) => `${c.argv[3]}/${c.argv[4]}`)).toEqual([
      'networkpolicy.networking.k8s.io/vpn-proxy-iceland',
      'service/vpn-proxy-iceland',
      'deployment.apps/vpn-proxy-iceland',
      'secret/vpn-proxy-iceland-wireguard',
      'secret/vpn-proxy-iceland-control-server',
    ]);
    expect(r.stdout).toContain('✓ Deployment/vpn-egress/vpn-proxy-iceland is gone');
    expect(r.calls.some((c) => c.argv.includes('delete') && c.argv.includes('namespace'))).toBe(false);
  });
});
