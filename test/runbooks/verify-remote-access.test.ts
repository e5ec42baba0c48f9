/**
 * verify-remote-access end to end: a real subprocess with fake `tailscale` and `nc` first on PATH (answering in
 * the CLI's real formats) and the Tailscale API on 127.0.0.1. Nothing resolves or connects for real.
 */
import { afterEach, describe, expect, test, vi } from 'vitest';
import { runRunbook, type Rule } from '../fakes/run-runbook.ts';
import { startFakeTailscaleApi, type FakeTailscaleApi } from '../fakes/tailscale-api-server.ts';
import { EXIT, fakeApiKey, fixture } from '../fakes/tailscale-scenarios.ts';
import { BUNDLE_ENV } from '../fakes/runbook-bundle.ts';

// Each test spawns the runbook and a fake per command: generous on a shared, loaded machine.
vi.setConfig({ testTimeout: 90_000 });

const KEY = fakeApiKey();
const status = (routy: Record<string, unknown> = {}) => {
  const s = JSON.parse(fixture('status-calypso.json'));
  const key = Object.keys(s.Peer).find((k) => s.Peer[k].HostName === 'routy')!;
  s.Peer[key] = { ...s.Peer[key], ...routy };
  return s;
};
const prefs = (patch: Record<string, unknown> = {}) => ({
  ...JSON.parse(fixture('debug-prefs-calypso.json')),
  ...patch,
});

type Over = Partial<Record<'status' | 'prefs' | 'kanidm' | 'vaultwarden' | 'dnsStatus' | 'nc' | 'version', Rule>> & {
  first?: Rule[];
};

function rules(over: Over = {}): Rule[] {
  return [
    ...(over.first ?? []),
    { tool: 'tailscale', match: ['version'], stdout: fixture('version.txt'), ...over.version },
    { tool: 'tailscale', match: ['status', '--json'], stdout: status(), ...over.status },
    { tool: 'tailscale', match: ['debug', 'prefs'], stdout: prefs(), ...over.prefs },
    {
      tool: 'tailscale',
      match: ['dns', 'query', 'kanidm.internal'],
      stdout: fixture('dns-query-kanidm.txt'),
      ...over.kanidm,
    },
    {
      tool: 'tailscale',
      match: ['dns', 'query', 'vaultwarden.internal'],
      stdout: fixture('dns-query-vaultwarden.txt'),
      ...over.vaultwarden,
    },
    { tool: 'tailscale', match: ['dns', 'status'], stdout: fixture('dns-status.txt'), ...over.dnsStatus },
    { tool: 'nc', match: ['-z'], code: 0, ...over.nc },
  ];
}

let api: FakeTailscaleApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function run(
  over: Over = {},
  args: string[] = [],
  splitDns: Record<string, string[]> = { internal: ['10.1.0.53'] },
  env: Record<string, string> = {},
  subprocess = false,
) {
  api = await startFakeTailscaleApi({ apiKey: KEY, tailnet: { splitDns } });
  const r = await runRunbook('verify-remote-access', args, {
    scenario: { rules: rules(over) },
    env: { ...BUNDLE_ENV, TAILSCALE_API_KEY: KEY, TAILSCALE_API_URL: api.url, ...env },
    timeoutMs: 60_000,
    subprocess,
  });
  expect([r.stdout, r.stderr, JSON.stringify(r.calls)].join('\n')).not.toContain(KEY);
  expect(api.requests.filter((q) => q.method !== 'GET')).toEqual([]);
  const nc = r.calls.filter((c) => c.tool === 'nc').map((c) => c.argv.join(' '));
  return { ...r, nc };
}

describe('verify-remote-access', () => {
  test('everything works: every check passes, each service is connected to at its LAN address', async () => {
    const r = await run({}, [], undefined, {}, true);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.match(/^\s+✓ (?!ok \()/gm)).toHaveLength(9);
    expect(r.stdout).toContain('✓ kanidm.internal (10.1.0.20) accepts TCP connections on 443');
    expect(r.nc).toEqual(['-z -w 3 10.1.0.20 443', '-z -w 3 10.1.0.21 443']);
    expect(r.stdout).toContain('Remote access works: every check passed.');
    expect(api!.requests.map((q) => `${q.method} ${q.path}`)).toEqual(['GET /api/v2/tailnet/-/dns/split-dns']);
  });

  test.each([
    ['routy offline', { status: { stdout: status({ Online: false }) } }, 'routy is online in the tailnet', /powered/],
    [
      'route advertised but not approved',
      { status: { stdout: status({ PrimaryRoutes: undefined, AllowedIPs: ['100.121.204.6/32'] }) } },
      'routy is the primary router for 10.1.0.0/24',
      /run configure-routy/,
    ],
    [
      'routy still offered as an exit node',
      {
        status: { stdout: status({ AllowedIPs: ['100.121.204.6/32', '10.1.0.0/24', ...EXIT], ExitNodeOption: true }) },
      },
      'routy is not offered as an exit node',
      /advertise-exit-node=false/,
    ],
    [
      'this client ignores subnet routes',
      { prefs: { stdout: prefs({ RouteAll: false }) } },
      'this machine accepts subnet routes',
      /sudo tailscale set --accept-routes/,
    ],
  ])('%s: exit 1, naming the check and the fix', async (_, over, failed, fix) => {
    const r = await run(over);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`✗ ${failed}`);
    expect(r.stdout).toMatch(fix);
    expect(r.stderr).toContain(`step "checks"`);
    expect(r.stderr).toContain(failed);
  });

  test('a .internal name does not resolve: exit 1 with the diagnosis from dns status; no connection tried', async () => {
    const r = await run({
      kanidm: { stdout: fixture('dns-query-nxdomain.txt') },
      dnsStatus: { stdout: fixture('dns-status-no-split.txt') },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      '✗ kanidm.internal resolves through the tailnet DNS to a LAN address: expected an A record in 10.1.0.0/24; found NameError via 192.168.178.1, 1.1.1.1',
    );
    expect(r.stdout).toContain('→ Tailscale DNS is off on this machine: `sudo tailscale set --accept-dns=true`');
    expect(r.stdout).toContain(
      '✗ kanidm.internal accepts TCP connections on 443: expected a connection; found not tried',
    );
    expect(r.nc).toEqual(['-z -w 3 10.1.0.21 443']);
  });

  test('a name resolves outside the LAN (no split-DNS route here): exit 1 naming the missing route', async () => {
    const outside = fixture('dns-query-kanidm.txt')
      .replace('10.1.0.20', '203.0.113.9')
      .replace('Forwarding to resolver: 10.1.0.53', 'Forwarding to resolver: 1.1.1.1');
    const r = await run({
      kanidm: { stdout: outside },
      dnsStatus: { stdout: fixture('dns-status.txt').replace(/^  - internal\..*\n/m, '') },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('found Success 203.0.113.9 via 1.1.1.1');
    expect(r.stdout).toContain('→ this machine has no split-DNS route for internal');
  });

  test('a LAN service is unreachable: exit 1 naming the service and the likely causes', async () => {
    const r = await run({
      first: [
        {
          tool: 'nc',
          match: ['10.1.0.21'],
          code: 1,
          stderr: 'nc: connect to 10.1.0.21 port 443 (tcp) timed out: Operation now in progress\n',
        },
      ],
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('✓ kanidm.internal (10.1.0.20) accepts TCP connections on 443');
    expect(r.stdout).toContain(
      '✗ vaultwarden.internal (10.1.0.21) accepts TCP connections on 443: expected a connection; found no connection (nc exit 1: nc: connect to 10.1.0.21 port 443 (tcp) timed out',
    );
    expect(r.stdout).toContain('→ is vaultwarden up on the LAN?');
  });

  test('split DNS in the tailnet settings differs from the inventory: exit 1', async () => {
    const r = await run({}, [], { internal: ['10.1.0.1'] });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      '✗ split DNS internal in the tailnet settings equals the inventory: expected 10.1.0.53; found 10.1.0.1',
    );
  });

  test('this machine is logged out: refuses (exit 2) before any check', async () => {
    const r = await run({ status: { stdout: fixture('status-logged-out.json') } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('tailscale is logged out');
    expect(r.nc).toEqual([]);
  });

  test('tailscale older than 1.76 (no dns query): refuses naming the version needed', async () => {
    const r = await run({ version: { stdout: '1.70.0\n' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('expected tailscale 1.76.0 or newer');
  });

  test('--service and --no-api: checks one service without an API key', async () => {
    const r = await run({}, ['--service', 'kanidm', '--no-api'], {}, { TAILSCALE_API_KEY: '' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.nc).toEqual(['-z -w 3 10.1.0.20 443']);
    expect(api!.requests).toEqual([]);
  });

  test('no API key and no --no-api: refuses (exit 2), pointing at both ways out', async () => {
    const r = await run({}, [], {}, { TAILSCALE_API_KEY: '' }, true);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Expected it in \$TAILSCALE_API_KEY.*Or pass --no-api/);
    expect(r.calls).toEqual([]);
  });

  test('an unknown --service is bad input: exit 2 before any command', async () => {
    const r = await run({}, ['--service', 'kanidn']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('did you mean kanidm?');
    expect(r.calls).toEqual([]);
  });

  test('--json prints a report whose findings name each check and what was found', async () => {
    const r = await run({ first: [{ tool: 'nc', match: ['10.1.0.20'], code: 1 }] }, ['--json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    const findings = report.steps.find((s: { id: string }) => s.id === 'checks').findings;
    expect(findings).toHaveLength(9);
    expect(findings.filter((f: { ok: boolean }) => !f.ok)).toEqual([
      expect.objectContaining({
        check: 'kanidm.internal (10.1.0.20) accepts TCP connections on 443',
        ok: false,
        next: expect.stringContaining('is kanidm up'),
      }),
    ]);
  });

  test('--dry-run: runs nothing, lists every command and check', async () => {
    const r = await run({}, ['--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.calls).toEqual([]);
    expect(api!.requests).toEqual([]);
    expect(r.stdout).toContain('$ tailscale dns query kanidm.internal');
    expect(r.stdout).toContain('$ nc -z -w 3 vaultwarden.internal 443');
  });
});
