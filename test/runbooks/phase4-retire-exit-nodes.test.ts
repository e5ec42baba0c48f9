/**
 * phase4-retire-exit-nodes end to end: the runbook runs as a real subprocess with fake `tailscale` (this
 * machine, calypso) and fake `ssh` (the nodes) first on PATH, and H3's stateful fake Tailscale API on
 * 127.0.0.1. The fake API plays the control plane too: a node's advertised routes follow the
 * `tailscale set` commands the fake ssh received. The tailnet: routy (subnet router, also an exit node, as
 * before the migration), vps (the VPS exit node), phone (advertises an exit node, never approved), calypso.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { parseDocument } from 'yaml';
import type { Report } from '../../src/lib/harness/index.ts';
import type { ApiDevice } from '../../src/lib/clients/tailscale-api.ts';
import { makeFakeEnv, ROOT, runRunbook, type FakeEnv, type Rule, type RunResult } from '../fakes/run-runbook.ts';
import { startFakeTailscaleApi, type FakeApiOptions, type FakeTailscaleApi } from '../fakes/tailscale-api-server.ts';
import { apiWrites, EXIT, fakeApiKey, fixture } from '../fakes/tailscale-scenarios.ts';

vi.setConfig({ testTimeout: 180_000 });

const NAME = 'phase4-retire-exit-nodes';
const KEY = fakeApiKey();
const LAN = '10.1.0.0/24';
const SET_FALSE = 'sudo -n tailscale set --advertise-exit-node=false';
const SET_TRUE = 'sudo -n tailscale set --advertise-exit-node=true';
let inventory: string;
const dirs: string[] = [];
let api: FakeTailscaleApi | undefined;

beforeAll(() => {
  // Phase 3 done: the operator flipped marmithon's flag in the inventory.
  const dir = mkdtempSync(join(tmpdir(), 'phase4-inv-'));
  dirs.push(dir);
  inventory = join(dir, 'network.yaml');
  // Edited as YAML, not as text: the bundled flag may be written plainly or as an assumed value.
  const doc = parseDocument(readFileSync(join(ROOT, 'src/data/network.yaml'), 'utf8'));
  const workloads = (doc.toJS() as { workloads: { depends_on_exit_node: unknown }[] }).workloads;
  workloads.forEach((_, i) => doc.setIn(['workloads', i, 'depends_on_exit_node'], false));
  writeFileSync(inventory, doc.toString());
});
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
afterEach(async () => {
  await api?.close();
  api = undefined;
});
const stateDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'phase4-state-'));
  dirs.push(d);
  return d;
};

// ---- the tailnet, as `tailscale status --json` on calypso and as the API show it ------------------------

const device = (name: string, id: string, os: string, advertised: string[], enabled: string[]): ApiDevice => ({
  id: `9296023${id.length}`,
  nodeId: id,
  name: `${name}.tail1234.ts.net`,
  hostname: name,
  addresses: ['100.101.1.99'],
  os,
  authorized: true,
  connectedToControl: true,
  advertisedRoutes: advertised,
  enabledRoutes: enabled,
});
const beforeDevices = () => [
  device('routy', 'nRoutyCNTRL', 'linux', [LAN, ...EXIT], [LAN, ...EXIT]),
  device('vps', 'nVpsCNTRL', 'linux', EXIT, EXIT),
  device('phone', 'nPhoneCNTRL', 'android', EXIT, []),
  device('calypso', 'nCalypsoCNTRL', 'linux', [], []),
];

/** calypso's status: `exit` names the peers that are exit-node options (advertised and approved). */
function status(exit: string[] = ['routy', 'vps'], patch: Record<string, unknown> = {}) {
  const base = JSON.parse(fixture('status-calypso.json'));
  const vps = {
    ...base.Peer[Object.keys(base.Peer)[0]],
    ID: 'nVpsCNTRL',
    HostName: 'vps',
    DNSName: 'vps.tail1234.ts.net.',
    Tags: null,
    PrimaryRoutes: null,
    TailscaleIPs: ['100.101.1.40'],
    AllowedIPs: ['100.101.1.40/32'],
  };
  base.Peer['nodekey:5e5e00000000000000000000000000000000000000000000000000000000dddd'] = vps;
  for (const p of Object.values(base.Peer) as Array<{
    HostName: string;
    AllowedIPs: string[];
    ExitNodeOption: boolean;
  }>) {
    if (exit.includes(p.HostName)) Object.assign(p, { AllowedIPs: [...p.AllowedIPs, ...EXIT], ExitNodeOption: true });
  }
  return { ...base, ...patch };
}

const ssh = (alias: string, command: string, answer: Partial<Rule> = {}): Rule => ({
  tool: 'ssh',
  match: [alias, '--', command],
  stdout: '',
  ...answer,
});

interface Setup {
  before?: unknown;
  after?: unknown;
  devices?: ApiDevice[];
  rules?: Rule[];
  api?: Partial<FakeApiOptions>;
}

function scenario(o: Setup): { rules: Rule[] } {
  return {
    rules: [
      ...(o.rules ?? []),
      {
        tool: 'tailscale',
        match: ['status', '--json'],
        responses: [{ stdout: o.before ?? status() }, { stdout: o.after ?? status([]) }],
      },
      ssh('routy', 'tailscale version', { stdout: fixture('version.txt') }),
      ssh('vps.tail1234.ts.net', 'tailscale version', { stdout: fixture('version.txt') }),
      { tool: 'ssh', argv: '/ -- sudo -n tailscale set --advertise-exit-node=(true|false)$/', stdout: '' },
    ],
  };
}

/** The control plane: a device's advertised routes follow the `tailscale set` commands its node received over ssh. */
function controlPlane(fake: FakeEnv): FakeApiOptions['onRequest'] {
  const aliasOf: Record<string, string> = { nRoutyCNTRL: 'routy', nVpsCNTRL: 'vps.tail1234.ts.net' };
  return (_req, state) => {
    const sets = fake.calls().filter((c) => c.tool === 'ssh' && /--advertise-exit-node=/.test(c.argv.at(-1) ?? ''));
    for (const d of state.devices) {
      const last = sets.filter((c) => c.argv.includes(aliasOf[d.nodeId])).at(-1);
      if (!last) continue;
      const others = (d.advertisedRoutes ?? []).filter((r) => !EXIT.includes(r));
      d.advertisedRoutes = last.argv.at(-1)!.endsWith('=true') ? [...others, ...EXIT] : others;
    }
  };
}

interface RunOpts {
  state?: string;
  env?: Record<string, string>;
  tty?: boolean;
  input?: string;
  /** The frozen bundle's own inventory (runbook-bundle: marmithon still on its exit node), not this file's. */
  defaultInventory?: boolean;
  /** A subprocess smoke test (the real entry under zx), not in-process. */
  subprocess?: boolean;
}

async function run(
  args: string[],
  setup: Setup = {},
  o: RunOpts & { interrupt?: { when: RegExp } } = {},
): Promise<RunResult & { state: string; sent: string[]; apiSent: string[] }> {
  const state = o.state ?? stateDir();
  const fake = makeFakeEnv(scenario(setup), ['tailscale', 'ssh']);
  try {
    await api?.close();
    api = await startFakeTailscaleApi({
      apiKey: KEY,
      tailnet: { devices: setup.devices ?? beforeDevices() },
      onRequest: controlPlane(fake),
      ...setup.api,
    });
    const env = {
      TAILSCALE_API_KEY: KEY,
      TAILSCALE_API_URL: api.url,
      AVALANCHE_STATE_DIR: state,
      ...(o.defaultInventory ? {} : { AVALANCHE_INVENTORY: inventory }),
      ...o.env,
    };
    const r = await runRunbook(NAME, ['--settle', '0', ...args], {
      fake,
      env,
      tty: o.tty,
      input: o.input,
      subprocess: o.subprocess || Boolean(o.interrupt),
      interrupt: o.interrupt,
    });
    expect(
      [r.stdout, r.stderr, JSON.stringify(r.calls)].join('\n'),
      'the API key is never shown or passed in argv',
    ).not.toContain(KEY);
    const sent = r.calls
      .filter((c) => c.tool === 'ssh' && c.argv.at(-1)!.startsWith('sudo'))
      .map((c) => `${c.argv[c.argv.indexOf('--') - 1]}: ${c.argv.at(-1)}`);
    return { ...r, state, sent, apiSent: apiWrites(api.requests) };
  } finally {
    fake.cleanup();
  }
}

const RECORD = (state: string) => JSON.parse(readFileSync(join(state, `${NAME}.json`), 'utf8'));
const ROUTES = (id: string, routes: string[]) => `POST /api/v2/device/${id}/routes ${JSON.stringify({ routes })}`;
const RETIRE = {
  sent: [`routy: ${SET_FALSE}`, `vps.tail1234.ts.net: ${SET_FALSE}`],
  api: [ROUTES('nRoutyCNTRL', [LAN]), ROUTES('nVpsCNTRL', [])],
};
const afterDevices = () => [
  device('routy', 'nRoutyCNTRL', 'linux', [LAN], [LAN]),
  device('vps', 'nVpsCNTRL', 'linux', [], []),
  device('phone', 'nPhoneCNTRL', 'android', EXIT, []),
  device('calypso', 'nCalypsoCNTRL', 'linux', [], []),
];

async function retired(): Promise<string> {
  const r = await run(['--yes', '--vps-done']);
  expect(r.code, r.stderr).toBe(0);
  return r.state;
}

describe('phase4-retire-exit-nodes: forward', () => {
  test("happy path: stops each reachable node advertising, withdraws approvals keeping routy's LAN route, verifies, VPS done, saving shown", async () => {
    const r = await run(['--yes', '--vps-done', '--json'], {}, { subprocess: true });
    expect(r.code, r.stderr).toBe(0);
    expect(r.sent).toEqual(RETIRE.sent);
    expect(r.apiSent).toEqual(RETIRE.api);
    expect(r.stderr).toMatch(/! phone: by hand, android: turn off "Run as exit node" in its Tailscale app/);
    expect(r.stderr).toMatch(/✓ no node in the tailnet is an exit-node option/);
    expect(r.stderr).toMatch(/✓ routy keeps its other approved routes \(10\.1\.0\.0\/24\)/);
    expect(r.stderr).toMatch(
      /phone\.tail1234\.ts\.net still advertises an exit route, but without approval it is no exit node/,
    );
    expect(r.stderr).toContain(
      'VPS retired. Yearly saving: €53.88 (VPS exit node, €4.49 a month, from src/data/network.yaml costs).',
    );
    const report = JSON.parse(r.stdout) as Report;
    expect(report.facts).toMatchObject({ 'vps.retired': true, savingPerYear: '€53.88' });
    expect(RECORD(r.state)).toMatchObject({
      status: 'applied',
      data: {
        nodes: [
          {
            nodeId: 'nRoutyCNTRL',
            name: 'routy',
            via: 'ssh',
            alias: 'routy',
            unadvertised: true,
            removedApprovals: EXIT,
          },
          {
            nodeId: 'nVpsCNTRL',
            name: 'vps',
            via: 'ssh',
            alias: 'vps.tail1234.ts.net',
            unadvertised: true,
            removedApprovals: EXIT,
          },
        ],
      },
    });
    // ssh never prompts and never hangs.
    for (const c of r.calls.filter((x) => x.tool === 'ssh'))
      expect(c.argv.slice(0, 4)).toEqual(['-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10']);
  });

  test('second run is a no-op: nothing sent, still verified', async () => {
    const state = await retired();
    const r = await run(['--yes', '--skip-vps'], { before: status([]), devices: afterDevices() }, { state });
    expect(r.code, r.stderr).toBe(0);
    expect(r.sent).toEqual([]);
    expect(r.apiSent).toEqual([]);
    expect(r.stdout).toContain('no exit node to retire: nothing to change');
    expect(r.stdout).toContain('Nothing changed.');
    expect(RECORD(state).data.nodes).toHaveLength(2);
  });

  test('an unreachable node becomes a by-hand step; its approval is still withdrawn, so it is no exit node', async () => {
    const r = await run(['--yes', '--skip-vps'], {
      rules: [
        ssh('vps.tail1234.ts.net', 'tailscale version', {
          code: 255,
          stderr: 'ssh: Could not resolve hostname vps.tail1234.ts.net: Name or service not known\n',
        }),
      ],
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.sent).toEqual([`routy: ${SET_FALSE}`]);
    expect(r.apiSent).toEqual(RETIRE.api);
    expect(r.stdout).toMatch(
      /! vps: by hand, not reachable: ssh to vps\.tail1234\.ts\.net failed .*Could not resolve hostname/,
    );
    expect(r.stdout).toMatch(/The VPS is not retired yet: once it is cancelled, the saving is €53\.88 a year/);
  });

  test('--dry-run runs nothing, reads no secret, and says a real run would refuse while marmithon depends on an exit node', async () => {
    const r = await run(['--dry-run'], {}, { defaultInventory: true });
    expect(r.code, r.stderr).toBe(0);
    expect(r.calls).toEqual([]);
    expect(api!.requests).toEqual([]);
    expect(r.stdout).toMatch(/! a real run refuses here: marmithon still depends on an exit node/);
    expect(r.stdout).toContain('Retiring the VPS saves €53.88 a year');
  });

  test('--dry-run=server reads the tailnet and lists exactly what a real run would send', async () => {
    const r = await run(['--dry-run=server']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.sent).toEqual([]);
    expect(r.apiSent).toEqual([]);
    expect(r.stdout).toContain(`~ routy: stop advertising the exit routes (ssh routy -- ${SET_FALSE})`);
    expect(r.stdout).toContain(`would call the Tailscale API: ${ROUTES('nRoutyCNTRL', [LAN])}`);
  });
});

describe('phase4-retire-exit-nodes: refusals (exit 2, nothing changed)', () => {
  test.each<[string, string[], Setup, RunOpts, RegExp]>([
    [
      'a workload still depends on an exit node',
      ['--yes', '--vps-done'],
      {},
      { defaultInventory: true },
      /found marmithon still depends on an exit node\. Next: finish phase 3 first .*then set depends_on_exit_node: false for it in \S*src\/data\/network\.yaml and run this again/,
    ],
    [
      '--yes does not answer the VPS checklist',
      ['--yes'],
      {},
      {},
      /expected a terminal to confirm the VPS checklist step by step, or --vps-done \/ --skip-vps; found --yes, which does not confirm manual steps/,
    ],
    ['no terminal and no VPS flag', [], {}, {}, /found no terminal\. Next: run it in a terminal, or add --vps-done/],
    [
      '--vps-done with --skip-vps',
      ['--yes', '--vps-done', '--skip-vps'],
      {},
      {},
      /expected at most one of --vps-done and --skip-vps/,
    ],
    [
      'this machine logged out',
      ['--yes', '--skip-vps'],
      { before: { ...status(), BackendState: 'NeedsLogin', AuthURL: 'https://login.tailscale.com/a/abc' } },
      {},
      /tailscale is logged out \(BackendState NeedsLogin\); log in at https:\/\/login\.tailscale\.com\/a\/abc/,
    ],
    [
      'no API key',
      ['--yes', '--skip-vps'],
      {},
      { env: { TAILSCALE_API_KEY: '' } },
      /Tailscale API key: not found\. Expected it in \$TAILSCALE_API_KEY/,
    ],
    [
      'a bad --ssh-alias',
      ['--yes', '--skip-vps', '--ssh-alias', 'vps'],
      {},
      {},
      /--ssh-alias vps: expected NODE=ALIAS/,
    ],
    [
      'the API refuses the token',
      ['--yes', '--skip-vps'],
      { api: { failures: [{ method: 'GET', path: '/api/v2/tailnet/-/devices', status: 401 }] } },
      {},
      /401/,
    ],
    ['no TTY and no --yes at the confirmation', ['--vps-done'], {}, {}, /expected a terminal to confirm in, or --yes/],
  ])('%s', async (_, args, setup, o, message) => {
    const r = await run(args, setup, o);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr.replace(/\n/g, ' ')).toMatch(message);
    expect(r.sent).toEqual([]);
    expect(r.apiSent).toEqual([]);
  });

  test('tailscale missing on this machine', async () => {
    const fake = makeFakeEnv({ rules: [] }, ['ssh']);
    try {
      const r = await runRunbook(NAME, ['--yes', '--skip-vps'], {
        fake,
        env: {
          TAILSCALE_API_KEY: KEY,
          TAILSCALE_API_URL: 'http://127.0.0.1:9',
          AVALANCHE_STATE_DIR: stateDir(),
          AVALANCHE_INVENTORY: inventory,
        },
        subprocess: true,
      });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/expected tailscale on PATH, logged in to the tailnet; found no tailscale/);
    } finally {
      fake.cleanup();
    }
  });
});

describe('phase4-retire-exit-nodes: failures (exit 1), with the rollback offered', () => {
  test('ssh fails on the second node: --yes re-advertises the first one at once; the record says nothing is left to undo', async () => {
    const r = await run(['--yes', '--skip-vps'], {
      rules: [ssh('vps.tail1234.ts.net', SET_FALSE, { code: 1, stderr: 'sudo: a password is required\n' })],
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /step "advertise" .*on vps\.tail1234\.ts\.net, `sudo -n tailscale set --advertise-exit-node=false` exited 1: sudo: a password is required/,
    );
    expect(r.sent).toEqual([`routy: ${SET_FALSE}`, `vps.tail1234.ts.net: ${SET_FALSE}`, `routy: ${SET_TRUE}`]);
    expect(r.apiSent).toEqual([]);
    expect(r.stdout).toMatch(/↶ rolled back: routy stopped advertising/);
    expect(RECORD(r.state).data.nodes).toEqual([
      expect.objectContaining({ nodeId: 'nRoutyCNTRL', unadvertised: false }),
    ]);
  });

  test('the API refuses a route change: --yes gives back the approval withdrawn and re-advertises', async () => {
    const r = await run(['--yes', '--skip-vps'], {
      api: { failures: [{ method: 'POST', path: '/api/v2/device/nVpsCNTRL/routes', status: 403 }] },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/step "approvals"/);
    expect(r.apiSent).toEqual([...RETIRE.api, ROUTES('nRoutyCNTRL', [LAN, ...EXIT])]);
    expect(r.sent).toEqual([...RETIRE.sent, `vps.tail1234.ts.net: ${SET_TRUE}`, `routy: ${SET_TRUE}`]);
  });

  test('the tailnet still shows an exit node after the change: verification fails naming it', async () => {
    const r = await run(['--yes', '--skip-vps'], { after: status(['vps']) });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/expected no node in the tailnet is an exit-node option .*found vps/);
  });

  test('a failure in a terminal, rollback declined: left as is, then --rollback undoes exactly what was done', async () => {
    const first = await run(
      [],
      { rules: [ssh('vps.tail1234.ts.net', SET_FALSE, { code: 1, stderr: 'sudo: a password is required\n' })] },
      { tty: true, input: 'y\nn\n' },
    );
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(
      /Left as is\. To undo later: npx zx runbooks\/phase4-retire-exit-nodes\.mjs --rollback/,
    );
    const back = await run(
      ['--rollback', '--yes'],
      {
        before: status(['vps']),
        devices: [device('routy', 'nRoutyCNTRL', 'linux', [LAN], [LAN, ...EXIT]), ...beforeDevices().slice(1)],
      },
      { state: first.state },
    );
    expect(back.code, back.stderr).toBe(0);
    expect(back.sent).toEqual([`routy: ${SET_TRUE}`]);
    expect(back.apiSent).toEqual([]);
    expect(RECORD(first.state).status).toBe('rolled-back');
  });
});

describe('phase4-retire-exit-nodes: Ctrl-C while a node is being retired', () => {
  test('the record names the node before the command runs, so --rollback puts it back', async () => {
    const hang = ssh('routy', SET_FALSE, { delayMs: 60_000 });
    const first = await run(
      ['--yes', '--skip-vps'],
      { rules: [hang] },
      { interrupt: { when: /\$ ssh .* routy -- 'sudo -n tailscale set --advertise-exit-node=false'/ } },
    );
    expect(first.code, first.stderr).toBe(130);
    expect(first.stderr).toMatch(/step "advertise" .* was interrupted by SIGINT/);
    expect(first.stdout).toContain('? may have changed: routy stopped advertising 0.0.0.0/0 and ::/0');
    expect(RECORD(first.state)).toMatchObject({
      status: 'applied',
      data: { nodes: [expect.objectContaining({ nodeId: 'nRoutyCNTRL', via: 'ssh', unadvertised: true })] },
    });
    const back = await run(['--rollback', '--yes'], {}, { state: first.state });
    expect(back.code, back.stderr).toBe(0);
    expect(back.sent).toEqual([`routy: ${SET_TRUE}`]);
  });
});

describe('phase4-retire-exit-nodes: the VPS checklist in a terminal', () => {
  test('every step confirmed: the VPS is retired and the saving shown', async () => {
    const r = await run([], {}, { tty: true, input: 'y\ny\ny\ny\ny\n' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/1\. Nothing depends on the VPS any more .*\? \[y\/N\]/);
    expect(r.stdout).toContain('VPS retired. Yearly saving: €53.88');
  });

  test('a step not confirmed: the exit nodes are retired, the VPS is left for later, no saving claimed', async () => {
    const r = await run([], {}, { tty: true, input: 'y\ny\nn\n' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.sent).toEqual(RETIRE.sent);
    expect(r.stdout).toMatch(
      /skipped: not confirmed: "Any data on the VPS is copied off"\. The VPS is not retired yet/,
    );
    expect(r.stdout).toMatch(/The VPS is not retired yet: once it is cancelled, the saving is €53\.88 a year/);
  });
});

describe('phase4-retire-exit-nodes --rollback', () => {
  test('after success: re-advertises on the recorded nodes and approves the exit routes again', async () => {
    const state = await retired();
    const r = await run(['--rollback', '--yes'], { before: status([]), devices: afterDevices() }, { state });
    expect(r.code, r.stderr).toBe(0);
    expect(r.sent).toEqual([`routy: ${SET_TRUE}`, `vps.tail1234.ts.net: ${SET_TRUE}`]);
    expect(r.apiSent).toEqual([ROUTES('nRoutyCNTRL', [LAN, ...EXIT]), ROUTES('nVpsCNTRL', EXIT)]);
    expect(r.stdout).toMatch(/✓ routy advertises 0\.0\.0\.0\/0 and ::\/0 again/);
    expect(r.stdout).toMatch(/✓ vps has 0\.0\.0\.0\/0, ::\/0 approved again/);
    expect(RECORD(state).status).toBe('rolled-back');
  });

  test('--rollback --dry-run says what it will undo and runs nothing', async () => {
    const state = await retired();
    const r = await run(['--rollback', '--dry-run'], {}, { state });
    expect(r.code, r.stderr).toBe(0);
    expect(r.calls).toEqual([]);
    expect(api!.requests).toEqual([]);
    expect(r.stdout).toContain(`↶ routy: advertise 0.0.0.0/0 and ::/0 again (ssh routy -- ${SET_TRUE})`);
    expect(r.stdout).toContain(
      '↶ vps: approve 0.0.0.0/0, ::/0 again (POST /api/v2/device/nVpsCNTRL/routes, keeping its other routes)',
    );
    expect(RECORD(state).status).toBe('applied');
  });

  test('a second --rollback changes nothing', async () => {
    const state = await retired();
    expect((await run(['--rollback', '--yes'], { before: status([]), devices: afterDevices() }, { state })).code).toBe(
      0,
    );
    const r = await run(['--rollback', '--yes'], {}, { state });
    expect(r.code, r.stderr).toBe(0);
    expect(r.sent).toEqual([]);
    expect(r.apiSent).toEqual([]);
    expect(r.stdout).toMatch(/already rolled back .*nothing to change/);
  });

  test('no record: exit 2', async () => {
    const r = await run(['--rollback', '--yes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /expected a record of what phase 4 changed at .*phase4-retire-exit-nodes\.json; found none/,
    );
  });

  test('a recorded node unreachable: exit 2, nothing re-advertised', async () => {
    const state = await retired();
    const r = await run(
      ['--rollback', '--yes'],
      {
        devices: afterDevices(),
        rules: [
          ssh('vps.tail1234.ts.net', 'tailscale version', {
            code: 255,
            stderr: 'ssh: connect to host vps.tail1234.ts.net port 22: Connection timed out\n',
          }),
        ],
      },
      { state },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /expected vps reachable over ssh \(vps\.tail1234\.ts\.net\) to advertise its exit routes again/,
    );
    expect(r.sent).toEqual([]);
  });

  test('the re-approval fails: exit 1; the record keeps what is left for another --rollback', async () => {
    const state = await retired();
    const r = await run(
      ['--rollback', '--yes'],
      {
        devices: afterDevices(),
        api: {
          failures: [
            { method: 'POST', path: '/api/v2/device/nVpsCNTRL/routes', status: 400, message: 'invalid route' },
          ],
        },
      },
      { state },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/step "approvals"/);
    const nodes = RECORD(state).data.nodes;
    expect(RECORD(state).status).toBe('applied');
    expect(nodes.find((n: { nodeId: string }) => n.nodeId === 'nVpsCNTRL').removedApprovals).toEqual(EXIT);
    expect(nodes.find((n: { nodeId: string }) => n.nodeId === 'nRoutyCNTRL')).toMatchObject({
      unadvertised: false,
      removedApprovals: [],
    });
  });
});
