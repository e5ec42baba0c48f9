/**
 * phase3-migrate-marmithon end to end: the runbook runs as a real subprocess with a fake `kubectl` first on
 * PATH (test/fakes/kubectl.ts answers as the API server, gluetun and probe pods would), against a copy of the
 * bundled manifests whose image is real-looking (the bundled one is a placeholder the runbook refuses), and
 * a throwaway state directory for the record. Every scenario checks the exit code, the message, exactly
 * what was applied or restored, and that the home IP and the recorded IRC password never show.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
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
import { runRunbook, type Answer, type FakeCall, type Rule, type RunResult } from '../fakes/run-runbook.ts';
import { BUNDLE_ENV, BUNDLE_ROOT } from '../fakes/runbook-bundle.ts';

vi.setConfig({ testTimeout: 180_000 });

const NAME = 'phase3-migrate-marmithon';
const IMAGE = 'ghcr.io/example/marmithon:1.4.2';
const PASSWORD = 'hunter2-irc-nickserv';
let root: string;
let manifest: string;
const dirs: string[] = [];

beforeAll(() => {
  // A checkout whose marmithon image is real: the runbook refuses the bundled placeholder (tested below).
  root = mkdtempSync(join(tmpdir(), 'phase3-root-'));
  // From the frozen bundle whose proxy the fakes below answer for (test/fixtures/runbook-bundle).
  for (const app of ['marmithon', 'vpn-proxy-iceland', 'namespace'])
    cpSync(join(BUNDLE_ROOT, 'manifests', app), join(root, 'manifests', app), { recursive: true });
  const file = join(root, 'manifests/marmithon/deployment.yaml');
  writeFileSync(
    file,
    readFileSync(file, 'utf8')
      .replace(/^\s+annotations:\n\s+avalanche\.network\/placeholder-image: .*\n/m, '\n')
      .replace(/image: registry\.invalid\S+/, `image: ${IMAGE}`),
  );
  // What kubectl apply -k applies: the shared Namespace (included as ../namespace), then the bot's files.
  manifest = ['namespace/namespace.yaml', 'marmithon/deployment.yaml', 'marmithon/networkpolicy.yaml']
    .map((f) => readFileSync(join(root, 'manifests', f), 'utf8').replace(/\n*$/, '\n'))
    .join('---\n');
});
afterAll(() => [root, ...dirs].forEach((d) => rmSync(d, { recursive: true, force: true })));

const stateDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'phase3-state-'));
  dirs.push(d);
  return d;
};

/** marmithon before phase 3: its own image and settings, applied client-side, no proxy, an inline password. */
function oldDeployment() {
  const d = deploymentJson('marmithon', 'vpn-egress');
  return {
    ...d,
    metadata: {
      ...d.metadata,
      labels: { 'app.kubernetes.io/name': 'marmithon' },
      annotations: {
        'deployment.kubernetes.io/revision': '7',
        'kubectl.kubernetes.io/last-applied-configuration': `{"spec":{"template":{"spec":{"containers":[{"env":[{"name":"IRC_PASSWORD","value":"${PASSWORD}"}]}]}}}}`,
      },
      managedFields: [
        {
          manager: 'kubectl-client-side-apply',
          operation: 'Update',
          apiVersion: 'apps/v1',
          time: '2025-06-01T10:00:00Z',
          fieldsType: 'FieldsV1',
          fieldsV1: {},
        },
      ],
    },
    spec: {
      ...d.spec,
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'marmithon' } },
        spec: {
          containers: [
            {
              name: 'marmithon',
              image: IMAGE,
              env: [
                { name: 'IRC_SERVER', value: 'irc.libera.chat' },
                { name: 'IRC_PASSWORD', value: PASSWORD },
              ],
              resources: {},
            },
          ],
        },
      },
    },
  };
}

/** marmithon after phase 3: the bundled Deployment as the API server returns it. */
function newDeployment(available = true) {
  const d = deploymentJson('marmithon', 'vpn-egress', available);
  const proxy = 'http://vpn-proxy-iceland.vpn-egress.svc:8888';
  return {
    ...d,
    spec: {
      ...d.spec,
      template: {
        metadata: {
          labels: { 'app.kubernetes.io/name': 'marmithon', 'avalanche.network/vpn-client': 'vpn-proxy-iceland' },
        },
        spec: {
          containers: [
            {
              name: 'marmithon',
              image: IMAGE,
              env: ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'].map((name) => ({ name, value: proxy })),
            },
          ],
        },
      },
    },
  };
}

const policy = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'marmithon', namespace: 'vpn-egress', uid: 'b3', resourceVersion: '9' },
  spec: { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'marmithon' } }, policyTypes: ['Ingress', 'Egress'] },
};
const DIFF =
  'diff -u -N /tmp/LIVE-1/apps.v1.Deployment.vpn-egress.marmithon /tmp/MERGED-1/apps.v1.Deployment.vpn-egress.marmithon\n+        avalanche.network/vpn-client: vpn-proxy-iceland\n';
const kc = (match: string[], answer: Answer | { responses: Answer[] }, extra: Partial<Rule> = {}): Rule => ({
  tool: 'kubectl',
  match,
  ...answer,
  ...extra,
});
const json = (o: unknown): Answer => ({ stdout: o === null ? '' : o });

interface Setup {
  /** The Deployment and NetworkPolicy the API returns, call after call (the last repeats). */
  deployment?: unknown[];
  policy?: unknown[];
  diff?: Answer;
  apply?: Answer;
  replace?: Answer;
  rollout?: Answer;
  inPod?: { proxy?: Answer; direct?: Answer };
  gluetun?: GluetunState;
  probes?: ProbeAnswers;
  namespace?: boolean;
  current?: string;
  extra?: Rule[];
}

function scenario(o: Setup = {}): { rules: Rule[] } {
  return {
    rules: [
      ...(o.extra ?? []),
      ...cluster({ namespace: o.namespace, current: o.current }),
      kc(['get', 'deployment.apps', 'vpn-proxy-iceland'], json(deploymentJson('vpn-proxy-iceland', 'vpn-egress'))),
      ...gluetun('deploy/vpn-proxy-iceland', o.gluetun),
      ...probes('iceland', o.probes),
      kc(['get', 'deployment.apps', 'marmithon'], {
        responses: (o.deployment ?? [oldDeployment(), newDeployment()]).map(json),
      }),
      kc(['get', 'networkpolicy.networking.k8s.io', 'marmithon'], {
        responses: (o.policy ?? [null, policy]).map(json),
      }),
      kc(['diff', '--server-side'], o.diff ?? { code: 1, stdout: DIFF }),
      kc(
        ['apply', '--server-side'],
        o.apply ?? {
          stdout:
            'namespace/vpn-egress serverside-applied\ndeployment.apps/marmithon serverside-applied\nnetworkpolicy.networking.k8s.io/marmithon serverside-applied\n',
        },
        { not: ['--dry-run=server'] },
      ),
      kc(['replace', '-f', '-'], o.replace ?? { stdout: 'deployment.apps/marmithon replaced\n' }),
      kc(['delete', 'networkpolicy.networking.k8s.io', 'marmithon'], {
        stdout: 'networkpolicy.networking.k8s.io "marmithon" deleted\n',
      }),
      kc(
        ['rollout', 'status', 'deployment/marmithon'],
        o.rollout ?? { stdout: 'deployment "marmithon" successfully rolled out\n' },
      ),
      kc(['exec', 'deploy/marmithon', 'proxy'], o.inPod?.proxy ?? { stdout: VPN_IP }),
      kc(
        ['exec', 'deploy/marmithon', 'direct'],
        o.inPod?.direct ?? {
          code: 28,
          stderr: 'curl: (28) Connection timed out after 10001 milliseconds\ncommand terminated with exit code 28\n',
        },
      ),
    ],
  };
}

interface RunOpts {
  state?: string;
  env?: Record<string, string>;
  tty?: boolean;
  input?: string;
  bundled?: boolean;
  /** A subprocess smoke test (the real entry under zx), not in-process. */
  subprocess?: boolean;
}

async function run(
  args: string[],
  setup: Setup = {},
  o: RunOpts = {},
): Promise<RunResult & { state: string; all: string }> {
  const state = o.state ?? stateDir();
  const env = {
    AVALANCHE_STATE_DIR: state,
    AVALANCHE_INVENTORY: BUNDLE_ENV.AVALANCHE_INVENTORY,
    AVALANCHE_MANIFESTS_ROOT: o.bundled ? BUNDLE_ROOT : root,
    ...o.env,
  };
  const r = await runRunbook(NAME, ['--settle', '0', ...args], {
    scenario: scenario(setup),
    env,
    tty: o.tty,
    input: o.input,
    subprocess: o.subprocess,
  });
  const all = r.stdout + r.stderr;
  expect(all, 'the home IP is never shown').not.toContain(HOME_IP);
  expect(all, 'a recorded private value is never shown').not.toContain(PASSWORD);
  return { ...r, state, all };
}

const RECORD = (state: string) => join(state, `${NAME}.json`);
const readRecord = (state: string) => JSON.parse(readFileSync(RECORD(state), 'utf8'));
const writes = (calls: FakeCall[]) =>
  calls
    .filter((c) => ['apply', 'replace', 'delete', 'rollout'].some((v) => c.argv.includes(v)) && !c.argv.includes('pod'))
    .map((c) =>
      c.argv
        .slice(2)
        .filter((a) => a !== '-f' && a !== '-')
        .join(' '),
    );
const APPLY = 'apply --server-side --field-manager=avalanche-runbooks --force-conflicts';
const ROLLOUT = 'rollout status deployment/marmithon -n vpn-egress --timeout=180s';
const RESTORE = [
  'delete networkpolicy.networking.k8s.io marmithon -n vpn-egress --ignore-not-found --wait=true --timeout=20s',
  'replace',
];

/** A completed phase 3 in `state` (the record of the old configuration written). */
async function migrated(): Promise<string> {
  const r = await run(['--yes']);
  expect(r.code, r.stderr).toBe(0);
  return r.state;
}

describe('phase3-migrate-marmithon: forward', () => {
  test('happy path: records the old configuration, applies exactly the bundle, rolls out, verifies from inside the pod', async () => {
    const r = await run(['--yes', '--json'], {}, { subprocess: true });
    expect(r.code, r.stderr).toBe(0);
    expect(writes(r.calls)).toEqual([APPLY, ROLLOUT]);
    const apply = r.calls.find((c) => c.argv.includes('apply'))!;
    expect(apply.stdin).toBe(manifest);
    expect(r.calls.find((c) => c.argv.includes('diff'))!.stdin).toBe(manifest);
    // The record: the live objects before the change, fit to put back, with the private value kept (0600, never
    // printed).
    const rec = readRecord(r.state);
    expect(rec).toMatchObject({
      schema: 'avalanche-migration-record/v1',
      runbook: NAME,
      status: 'applied',
      data: { context: 'avalanche' },
    });
    const [dep, np] = rec.data.objects;
    expect(dep.live.spec.template.spec.containers[0].env[1]).toEqual({ name: 'IRC_PASSWORD', value: PASSWORD });
    expect(dep.live.metadata).not.toHaveProperty('resourceVersion');
    expect(dep.live.metadata.annotations ?? {}).toEqual({});
    expect(dep.live).not.toHaveProperty('status');
    expect(np).toEqual({
      ref: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', name: 'marmithon', namespace: 'vpn-egress' },
      live: null,
    });
    expect(statSync(RECORD(r.state)).mode & 0o777).toBe(0o600);
    // The plan showed the recorded configuration, the password hidden.
    expect(r.stderr).toContain('"value": "(recorded, not shown)"');
    expect(r.stderr).toContain(`"image": "${IMAGE}"`);
    const report = JSON.parse(r.stdout) as Report;
    const verify = report.steps.find((s) => s.id === 'verify')!.findings;
    expect(verify.map((f) => [f.check, f.ok])).toEqual([
      ['Deployment marmithon is available', true],
      ['from inside the marmithon pod, traffic through vpn-proxy-iceland gets out', true],
      ['from inside the marmithon pod, a direct connection (no proxy) is blocked', true],
      ['vpn-proxy-iceland leaves in Iceland', true],
      ["marmithon's exit IP is not the home IP", true],
    ]);
    expect(report.facts).toMatchObject({
      'marmithon.exitIp': VPN_IP,
      'marmithon.country': 'Iceland',
      'marmithon.proxy': 'vpn-proxy-iceland',
    });
    const exec = r.calls.find((c) => c.argv.includes('exec') && c.argv.includes('deploy/marmithon'))!;
    expect(exec.argv.slice(0, 10)).toEqual([
      '--context',
      'avalanche',
      'exec',
      '-n',
      'vpn-egress',
      'deploy/marmithon',
      '-c',
      'marmithon',
      '--',
      'sh',
    ]);
    expect(exec.argv.slice(-3)).toEqual([
      'proxy',
      'http://vpn-proxy-iceland.vpn-egress.svc:8888',
      'https://api.ipify.org',
    ]);
    const { started, deleted } = probePods(r.calls);
    // the proxy check's three: the home IP is measured once per run and reused after the change
    expect(started).toHaveLength(3);
    expect(deleted).toEqual(started);
    expect(r.stderr).toMatch(/set marmithon's depends_on_exit_node to false/);
  });

  test('second run is a no-op: nothing applied, the record from before phase 3 kept, still verified', async () => {
    const state = await migrated();
    const before = readFileSync(RECORD(state), 'utf8');
    const r = await run(
      ['--yes'],
      { deployment: [newDeployment()], policy: [policy], diff: { code: 0, stdout: '' } },
      { state },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(writes(r.calls)).toEqual([]);
    expect(r.stdout).toContain('marmithon already runs as bundled: nothing to change');
    expect(r.stdout).toContain('Nothing changed.');
    expect(r.stdout).toMatch(/✓ marmithon's exit IP is not the home IP/);
    expect(readFileSync(RECORD(state), 'utf8')).toBe(before);
  });

  test('--dry-run runs no command and shows the manifests and where the record goes', async () => {
    const r = await run(['--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.calls).toEqual([]);
    expect(r.stdout).toContain(`would record the current configuration in ${RECORD(r.state)}`);
    expect(r.stdout).toContain(
      'kubectl --context avalanche apply --server-side --field-manager=avalanche-runbooks --force-conflicts -f -',
    );
    expect(r.stdout).toContain(`image: ${IMAGE}`);
    expect(existsSync(RECORD(r.state))).toBe(false);
  });

  test('--dry-run=server reads and asks the API server to validate, changes nothing, writes no record', async () => {
    const r = await run(['--dry-run=server'], {
      extra: [
        kc(['apply', '--dry-run=server'], {
          stdout: 'deployment.apps/marmithon serverside-applied (server dry run)\n',
        }),
      ],
    });
    expect(r.code, r.stderr).toBe(0);
    expect(writes(r.calls)).toEqual([
      'apply --server-side --field-manager=avalanche-runbooks --dry-run=server --force-conflicts',
    ]);
    expect(existsSync(RECORD(r.state))).toBe(false);
  });
});

describe('phase3-migrate-marmithon: refusals (exit 2, nothing changed)', () => {
  test.each<[string, Setup, RunOpts & { args?: string[] }, RegExp]>([
    [
      'the bundled image is still the placeholder',
      {},
      { bundled: true },
      /expected the bot's real image in manifests\/marmithon\/deployment\.yaml; found the placeholder registry\.invalid\/avalanche\/marmithon:replace-me/,
    ],
    [
      'the proxy is down (verify-proxy fails)',
      { gluetun: { status: 'stopped' } },
      {},
      /step "proxy" .*expected vpn-proxy-iceland to pass every check of verify-proxy before marmithon depends on it; found 1 failed: gluetun reports the VPN running \("stopped"\)\. Next: nothing was changed; see why with `npx zx runbooks\/verify-proxy\.mjs --region iceland`/,
    ],
    [
      'the proxy leaves with the home IP',
      { probes: { client: { stdout: HOME_IP } } },
      {},
      /found 1 failed: the exit IP is not the home IP \(the client's exit IP is \[home IP\]/,
    ],
    [
      'the proxy does not enforce its NetworkPolicy',
      { probes: { unlabelled: { stdout: VPN_IP } } },
      {},
      /found 1 failed: a pod without the client label is refused/,
    ],
    [
      'phase 2 not done (no namespace)',
      { namespace: false },
      {},
      /expected namespace vpn-egress with vpn-proxy-iceland in it; found no such namespace: phase 2 is not done\. Next: deploy the proxy first: npx zx runbooks\/phase2-deploy-proxy\.mjs --region iceland/,
    ],
    [
      'the wrong kubectl context',
      { current: 'kind-dev' },
      {},
      /found "kind-dev"\. Next: run `kubectl config use-context avalanche`/,
    ],
    ['no TTY and no --yes', {}, { args: [] }, /expected a terminal to confirm in, or --yes/],
    [
      'the live Deployment selects other pods',
      {
        deployment: [
          { ...oldDeployment(), spec: { ...oldDeployment().spec, selector: { matchLabels: { app: 'marmithon' } } } },
        ],
      },
      {},
      /spec\.selector cannot change in place/,
    ],
    [
      'a bad --rollout-timeout',
      {},
      { args: ['--yes', '--rollout-timeout', 'soon'] },
      /expected --rollout-timeout in whole seconds \(1 or more\); found soon/,
    ],
    [
      'a record file that is not a record',
      {},
      { env: { AVALANCHE_STATE_DIR: '' } },
      /not a valid migration record: schema: /,
    ],
  ])('%s', async (_, setup, o, message) => {
    let state = o.state;
    if (o.env?.AVALANCHE_STATE_DIR === '') {
      state = stateDir();
      writeFileSync(RECORD(state), '{"schema":"something else"}');
    }
    const r = await run(o.args ?? ['--yes'], setup, { ...o, state, env: undefined });
    expect(r.code, r.all).toBe(2);
    expect(r.stderr.replace(/\n/g, ' ')).toMatch(message);
    expect(writes(r.calls)).toEqual([]);
    const { started, deleted } = probePods(r.calls);
    expect(deleted).toEqual(started);
  });

  test('the placeholder under --dry-run: exit 0 with the plan, warning that a real run refuses', async () => {
    const r = await run(['--dry-run'], {}, { bundled: true });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/! a real run refuses here: the placeholder registry\.invalid/);
  });

  test('kubectl missing', async () => {
    const r = await runRunbook(NAME, ['--yes'], {
      tools: [],
      env: {
        AVALANCHE_STATE_DIR: stateDir(),
        AVALANCHE_INVENTORY: BUNDLE_ENV.AVALANCHE_INVENTORY,
        AVALANCHE_MANIFESTS_ROOT: root,
      },
      subprocess: true,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/expected kubectl on PATH; found no kubectl/);
  });
});

describe('phase3-migrate-marmithon: failures after the record (exit 1), with the rollback offered', () => {
  test('the record cannot be written: nothing is applied', async () => {
    const blocker = join(stateDir(), 'file');
    writeFileSync(blocker, '');
    const r = await run(['--yes'], {}, { state: join(blocker, 'sub') });
    expect(r.code).toBe(1);
    // The record is written before the change it records, inside the apply step: no record, no apply.
    expect(r.stderr).toMatch(/step "apply" .*failed/);
    expect(writes(r.calls)).toEqual([]);
  });

  test('kubectl diff errors: the plan step fails, nothing applied', async () => {
    const r = await run(['--yes'], {
      diff: { code: 2, stderr: 'error: unable to recognize "STDIN": no matches for kind "NetworkPolicy"\n' },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/step "plan" .*failed/);
    expect(writes(r.calls)).toEqual([]);
  });

  test('the apply is rejected: --yes rolls back what may be applied, from the record', async () => {
    const r = await run(['--yes'], {
      apply: {
        code: 1,
        stderr: 'Error from server (Invalid): error when applying patch: Deployment.apps "marmithon" is invalid\n',
      },
      deployment: [oldDeployment(), newDeployment()],
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/step "apply" .*expected the API server to accept manifests\/marmithon/);
    expect(writes(r.calls)).toEqual([APPLY, ...RESTORE]);
    expect(r.stdout).toMatch(/↶ rolled back: applied manifests\/marmithon/);
    expect(readRecord(r.state).status).toBe('rolled-back');
  });

  test.each<[string, Setup, RegExp]>([
    [
      'the rollout times out',
      { rollout: { code: 1, stderr: 'error: timed out waiting for the condition\n' } },
      /step "rollout" .*expected Deployment marmithon rolled out within 180 s; found .*timed out waiting for the condition/,
    ],
    [
      'marmithon leaves with the home IP',
      { inPod: { proxy: { stdout: HOME_IP } } },
      /expected marmithon's exit IP is not the home IP: the VPN's IP; found \[home IP\]: marmithon leaves from home/,
    ],
    [
      'the pod cannot get through the proxy',
      {
        inPod: {
          proxy: {
            code: 56,
            stderr: 'curl: (56) CONNECT tunnel failed, response 403\ncommand terminated with exit code 56\n',
          },
        },
      },
      /expected from inside the marmithon pod, traffic through vpn-proxy-iceland gets out: .*found exit 56/,
    ],
    [
      'a direct connection gets out (egress policy not enforced)',
      { inPod: { direct: { stdout: HOME_IP } } },
      /expected from inside the marmithon pod, a direct connection \(no proxy\) is blocked: NetworkPolicy marmithon to block everything but the proxy and DNS; found it got out directly/,
    ],
    [
      'the bot image has neither curl nor wget',
      { inPod: { proxy: { code: 127, stderr: 'neither curl nor wget in this container\n' }, direct: { code: 127 } } },
      /expected the marmithon pod can run the egress check: sh with curl or wget in the bot's image/,
    ],
    [
      'the new pod is not available',
      { deployment: [oldDeployment(), newDeployment(false)] },
      /expected Deployment marmithon is available: Available=True with a ready replica; found Available=False/,
    ],
  ])('%s: --yes puts the recorded configuration back', async (_, setup, message) => {
    const r = await run(['--yes'], setup);
    expect(r.code).toBe(1);
    expect(r.stderr.replace(/\n/g, ' ')).toMatch(message);
    expect(writes(r.calls).slice(0, 2)).toEqual([APPLY, ROLLOUT]);
    expect(writes(r.calls).slice(-2)).toEqual(RESTORE);
    const replace = r.calls.find((c) => c.argv.includes('replace'))!;
    expect(JSON.parse(replace.stdin)).toEqual(readRecord(r.state).data.objects[0].live);
    expect(readRecord(r.state).status).toBe('rolled-back');
  });

  test('a failure in a terminal, rollback declined: left as is, then --rollback restores it', async () => {
    const first = await run(
      [],
      { rollout: { code: 1, stderr: 'error: timed out waiting for the condition\n' } },
      { tty: true, input: 'y\nn\n' },
    );
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(
      /Left as is\. To undo later: npx zx runbooks\/phase3-migrate-marmithon\.mjs --rollback/,
    );
    expect(writes(first.calls)).toEqual([APPLY, ROLLOUT]);
    expect(readRecord(first.state).status).toBe('applied');
    const back = await run(
      ['--rollback', '--yes'],
      { deployment: [newDeployment(false), oldDeployment()], policy: [policy, null] },
      { state: first.state },
    );
    expect(back.code, back.stderr).toBe(0);
    expect(writes(back.calls)).toEqual([...RESTORE, ROLLOUT]);
    expect(readRecord(first.state).status).toBe('rolled-back');
  });
});

describe('phase3-migrate-marmithon --rollback', () => {
  test('after success: shows, then puts back exactly the recorded Deployment and deletes the NetworkPolicy phase 3 created', async () => {
    const state = await migrated();
    const r = await run(
      ['--rollback', '--yes'],
      { deployment: [newDeployment(), oldDeployment()], policy: [policy, null] },
      { state },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(writes(r.calls)).toEqual([...RESTORE, ROLLOUT]);
    const sent = JSON.parse(r.calls.find((c) => c.argv.includes('replace'))!.stdin);
    expect(sent.spec.template.spec.containers[0]).toEqual({
      name: 'marmithon',
      image: IMAGE,
      env: [
        { name: 'IRC_SERVER', value: 'irc.libera.chat' },
        { name: 'IRC_PASSWORD', value: PASSWORD },
      ],
      resources: {},
    });
    expect(sent.spec.template.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'marmithon' });
    expect(r.stdout).toMatch(/✓ Deployment\/vpn-egress\/marmithon is as recorded/);
    expect(r.stdout).toMatch(/✓ NetworkPolicy\/vpn-egress\/marmithon is absent, as before phase 3/);
    expect(readRecord(state).status).toBe('rolled-back');
  });

  test('--rollback --dry-run says what it will undo and runs nothing', async () => {
    const state = await migrated();
    const r = await run(['--rollback', '--dry-run'], {}, { state });
    expect(r.code, r.stderr).toBe(0);
    expect(r.calls).toEqual([]);
    expect(r.stdout).toMatch(/↶ put back Deployment\/vpn-egress\/marmithon as recorded/);
    expect(r.stdout).toMatch(/- delete NetworkPolicy\/vpn-egress\/marmithon \(it did not exist before phase 3\)/);
    expect(r.stdout).toContain(`"image": "${IMAGE}"`);
    expect(r.stdout).toContain('"value": "(recorded, not shown)"');
    expect(readRecord(state).status).toBe('applied');
  });

  test('a second --rollback changes nothing', async () => {
    const state = await migrated();
    const rolled = { deployment: [newDeployment(), oldDeployment()], policy: [policy, null] };
    expect((await run(['--rollback', '--yes'], rolled, { state })).code).toBe(0);
    const r = await run(['--rollback', '--yes'], { deployment: [oldDeployment()], policy: [null] }, { state });
    expect(r.code, r.stderr).toBe(0);
    expect(writes(r.calls)).toEqual([]);
    expect(r.stdout).toMatch(/already rolled back .*nothing to change/);
  });

  test('no record: exit 2, nothing to roll back', async () => {
    const r = await run(['--rollback', '--yes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /expected a record of marmithon's configuration before phase 3 at .*phase3-migrate-marmithon\.json; found none/,
    );
    expect(r.calls).toEqual([]);
  });

  test('refused while phase 4 has retired the exit nodes: the old configuration would leave from home', async () => {
    const state = await migrated();
    writeFileSync(join(state, 'phase4-retire-exit-nodes.json'), JSON.stringify({ status: 'applied' }));
    const r = await run(['--rollback', '--yes'], {}, { state });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/roll back phase 4 first \(npx zx runbooks\/phase4-retire-exit-nodes\.mjs --rollback\)/);
    expect(writes(r.calls)).toEqual([]);
  });

  test('the restore fails: exit 1, naming the step; the record stays applied for another try', async () => {
    const state = await migrated();
    const r = await run(
      ['--rollback', '--yes'],
      {
        deployment: [newDeployment()],
        replace: {
          code: 1,
          stderr: 'Error from server (Conflict): Operation cannot be fulfilled on deployments.apps "marmithon"\n',
        },
      },
      { state },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/step "restore" .*failed: .*Conflict/);
    expect(readRecord(state).status).toBe('applied');
  });
});
