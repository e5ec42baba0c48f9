import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { DataFileError, InputError } from '../../../src/lib/core/errors.ts';
import {
  flagDiffs,
  groAdvice,
  loadRoutyBundle,
  parseEthtoolFeatures,
  parseSysctlConf,
  sameFileText,
  setArgs,
} from '../../../runbooks/configure-routy/routy.ts';
import { parsePrefs } from '../../../src/lib/clients/tailscale-status.ts';
import { loadInventory, subnetRouter } from '../../../src/lib/inventory/inventory.ts';
import { DEFAULT_ROOT } from '../../../src/lib/inventory/manifests.ts';
import { BUNDLE_ENV, BUNDLE_ROOT } from '../../fakes/runbook-bundle.ts';

// The bundled router and LAN, from the inventory: a renamed router or another LAN changes them here too.
const inv = loadInventory();
const ROUTER = subnetRouter(inv);

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/tailscale/${name}`, import.meta.url), 'utf8');
const prefs = (patch: Record<string, unknown> = {}) =>
  parsePrefs(JSON.stringify({ ...JSON.parse(fixture('debug-prefs-routy.json')), ...patch }));

/** A throwaway repository root with the three bundled files. */
function bundleRoot(settings: string): string {
  const root = mkdtempSync(join(tmpdir(), 'routy-'));
  mkdirSync(join(root, 'manifests/routy'), { recursive: true });
  mkdirSync(join(root, 'manifests/tailscale'), { recursive: true });
  writeFileSync(join(root, 'manifests/routy/tailscale-settings.yaml'), settings);
  writeFileSync(join(root, 'manifests/routy/99-tailscale.conf'), 'net.ipv4.ip_forward = 1\n');
  writeFileSync(join(root, 'manifests/tailscale/policy.hujson'), '{}\n');
  return root;
}

describe('loadRoutyBundle()', () => {
  test('reads the bundled settings, sysctl file and policy of this repository', () => {
    const bundle = loadRoutyBundle(DEFAULT_ROOT, ROUTER.name);
    expect(bundle.settings.host).toBe(ROUTER.name);
    expect(bundle.settings.set['advertise-routes']).toEqual(ROUTER.advertise_routes);
    expect(bundle.sysctl.target).toBe('/etc/sysctl.d/99-tailscale.conf');
    expect(bundle.sysctl.keys['net.ipv4.ip_forward']).toBe('1');
    expect(bundle.policy.text).toContain('autoApprovers');
  });

  test('refuses a flag it cannot read back from routy', () => {
    const root = bundleRoot('host: routy\nset:\n  exit-node-allow-lan-access: true\n');
    expect(() => loadRoutyBundle(root, 'routy')).toThrow(InputError);
    expect(() => loadRoutyBundle(root, 'routy')).toThrow(
      /--exit-node-allow-lan-access.*supported flags: advertise-routes/,
    );
  });

  test('reports an unknown key with its file and line', () => {
    const root = bundleRoot('host: routy\nset: {}\ncolour: blue\n');
    expect(() => loadRoutyBundle(root, 'routy')).toThrow(DataFileError);
    expect(() => loadRoutyBundle(root, 'routy')).toThrow(/tailscale-settings\.yaml:3/);
  });
});

describe('parseSysctlConf()', () => {
  test('reads key = value lines and skips comments', () => {
    expect(parseSysctlConf('# c\n; c\nnet.ipv4.ip_forward = 1\nnet.ipv6.conf.all.forwarding=1\n\n')).toEqual({
      'net.ipv4.ip_forward': '1',
      'net.ipv6.conf.all.forwarding': '1',
    });
  });
});

describe('sameFileText()', () => {
  test.each([
    ['a\n', 'a\n', true],
    ['a', 'a\n', true],
    ['a\n', 'b\n', false],
    [undefined, 'a\n', false],
  ])('%j vs %j', (a, b, same) => expect(sameFileText(a, b)).toBe(same));
});

describe('flagDiffs()', () => {
  // Compared with the recorded prefs (test/fixtures/tailscale), so read from the frozen bundle they describe.
  const settings = loadRoutyBundle(
    BUNDLE_ROOT,
    subnetRouter(loadInventory(BUNDLE_ENV.AVALANCHE_INVENTORY)).name,
  ).settings;
  test('finds nothing to change on a configured router', () => {
    expect(flagDiffs(settings, prefs())).toEqual([]);
  });

  test('finds the exit node still advertised and the missing route', () => {
    expect(flagDiffs(settings, prefs({ AdvertiseRoutes: ['0.0.0.0/0', '::/0'] }))).toEqual([
      { flag: 'advertise-routes', current: [], desired: ['10.1.0.0/24'] },
      { flag: 'advertise-exit-node', current: true, desired: false },
    ]);
  });

  test('treats an unset opt-bool as different, so it gets set explicitly', () => {
    expect(flagDiffs(settings, prefs({ NoStatefulFiltering: '' }))).toEqual([
      { flag: 'stateful-filtering', current: undefined, desired: false },
    ]);
  });

  test('reads the inverted flags', () => {
    expect(flagDiffs(settings, prefs({ NoSNAT: true, RouteAll: true })).map((d) => d.flag)).toEqual([
      'accept-routes',
      'snat-subnet-routes',
    ]);
  });
});

describe('setArgs()', () => {
  test('formats lists comma-joined and booleans explicitly', () => {
    expect(
      setArgs({ 'advertise-routes': ['10.1.0.0/24', '10.2.0.0/24'], 'advertise-exit-node': false, ssh: undefined }),
    ).toEqual(['--advertise-routes=10.1.0.0/24,10.2.0.0/24', '--advertise-exit-node=false']);
  });
});

describe('groAdvice()', () => {
  test('gives the ethtool fix when rx-udp-gro-forwarding is off', () => {
    const advice = groAdvice('eth0', parseEthtoolFeatures(fixture('ethtool-k-eth0.txt')));
    expect(advice).toMatch(/suboptimal on eth0 \(rx-udp-gro-forwarding off, rx-gro-list off\)/);
    expect(advice).toContain('sudo ethtool -K eth0 rx-udp-gro-forwarding on rx-gro-list off');
  });

  test('is silent when forwarding is on and gro-list off', () => {
    const text = fixture('ethtool-k-eth0.txt').replace('rx-udp-gro-forwarding: off', 'rx-udp-gro-forwarding: on');
    expect(groAdvice('eth0', parseEthtoolFeatures(text))).toBeUndefined();
  });

  test('flags rx-gro-list on, and a kernel without the feature', () => {
    const text = fixture('ethtool-k-eth0.txt')
      .replace('rx-udp-gro-forwarding: off', 'rx-udp-gro-forwarding: on')
      .replace('rx-gro-list: off', 'rx-gro-list: on');
    expect(groAdvice('eth0', parseEthtoolFeatures(text))).toMatch(/rx-gro-list on/);
    expect(groAdvice('eth0', {})).toMatch(/kernel older than 6\.2/);
  });

  test('parses [fixed] features', () => {
    expect(parseEthtoolFeatures(fixture('ethtool-k-eth0.txt'))['tx-udp-segmentation']).toEqual({
      on: false,
      fixed: true,
    });
  });
});
