/**
 * Moving the LAN (lan.subnet) to another range, as an operator does: the first lint round names every line of
 * the Tailscale files that still holds an address of the old LAN (tests' accept and deny entries included, the
 * auto-approved route at its own line), and once those lines follow, nothing is left to report. The old and new
 * ranges come from the bundled inventory, so a correct change to the network changes this test with it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { cidrContains, cidrsOverlap, parseCidr, parseIPv4 } from '../../src/lib/core/net.ts';
import { hostAddress } from '../../src/lib/inventory/derive.ts';
import { DEFAULT_INVENTORY, loadInventory, subnetRouter } from '../../src/lib/inventory/inventory.ts';
import { lint, type Finding } from '../../src/lib/lint/index.ts';
import { bundledCopy, type Fixture } from './fixture.ts';

const text = readFileSync(DEFAULT_INVENTORY, 'utf8');
const inv = loadInventory(DEFAULT_INVENTORY);
const OLD = inv.lan.subnet;
const bits = parseCidr(OLD)!.bits;
/** A new LAN of the same size, apart from the old one and from every other range of the inventory. */
const NEW = ['192.168.50.0', '172.31.250.0', '10.250.0.0']
  .map((base) => `${base}/${bits}`)
  .find(
    (c) =>
      parseCidr(c) &&
      ![OLD, inv.kubernetes.pod_cidr, inv.kubernetes.service_cidr, inv.tailnet.range].some((o) => cidrsOverlap(c, o)),
  )!;
const POLICY = 'manifests/tailscale/policy.hujson';
const SETTINGS = `manifests/${subnetRouter(inv).name}/tailscale-settings.yaml`;
const IPV4 = /\b\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?\b/g;

/** The same host (or range) of the old LAN in the new one. */
const moveAddresses = (s: string) =>
  s.replace(IPV4, (m) => {
    const [ip, len] = m.split('/');
    if (!cidrContains(OLD, ip)) return m;
    const moved = hostAddress(NEW, parseIPv4(ip)! - parseIPv4(OLD.split('/')[0])!);
    return len ? `${moved}/${len}` : moved;
  });

/** Lines (1-based) of a file that are not comments and hold an address of the old LAN. */
const staleLines = (f: Fixture, file: string) =>
  f
    .read(file)
    .split('\n')
    .flatMap((line, i) =>
      !/^\s*(\/\/|#)/.test(line) && (line.match(IPV4) ?? []).some((m) => cidrContains(OLD, m.split('/')[0]))
        ? [i + 1]
        : [],
    );

async function lintMoved(f: Fixture): Promise<Finding[]> {
  f.inventory = loadInventory(DEFAULT_INVENTORY, text.replace(`  subnet: ${OLD}\n`, `  subnet: ${NEW}\n`));
  expect(f.inventory.lan.subnet).toBe(NEW);
  const { findings } = await lint({ root: f.root, inventory: f.inventory, inventoryFile: DEFAULT_INVENTORY });
  return findings;
}

describe('moving the LAN', () => {
  test('the first lint round names every line that still holds an old LAN address', async () => {
    const f = bundledCopy();
    try {
      const findings = await lintMoved(f);
      for (const file of [POLICY, SETTINGS]) {
        const stale = staleLines(f, file);
        expect(stale.length, `${file} should state the LAN`).toBeGreaterThan(0);
        const named = findings.filter((x) => x.file === file).map((x) => x.line);
        expect(named, `${file}: every stale line is named`).toEqual(expect.arrayContaining(stale));
      }
      // Each address in the tests is reported at its own line, by the rule that says why.
      const testsLine = f
        .read(POLICY)
        .split('\n')
        .findIndex((l) => l.includes('"tests"'));
      const inTests = staleLines(f, POLICY).filter((l) => l > testsLine + 1);
      expect(inTests.length).toBeGreaterThan(0);
      const addresses = findings.filter((x) => x.rule === 'inventory/policy-addresses');
      expect([...new Set(addresses.map((x) => x.line))]).toEqual(inTests);
      // The auto-approved route at the line of the stale CIDR, not at the line of "routes": {.
      const routeLine = f.read(POLICY).split('\n').indexOf(`      "${OLD}": ["tag:router"],`) + 1;
      expect(routeLine).toBeGreaterThan(0);
      expect(findings.filter((x) => x.rule === 'tailscale/auto-approver-route').map((x) => x.line)).toEqual([
        routeLine,
      ]);
    } finally {
      f.cleanup();
    }
  });

  test('once every named line follows, nothing is left to report', async () => {
    const f = bundledCopy();
    try {
      for (const file of [POLICY, SETTINGS]) f.write(file, moveAddresses(f.read(file)));
      expect(await lintMoved(f)).toEqual([]);
    } finally {
      f.cleanup();
    }
  });
});
