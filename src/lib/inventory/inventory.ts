/**
 * The inventory: src/data/network.yaml, typed and validated on load.
 * Assumed values are unwrapped and recorded (assumed.ts), the file is checked against its schema
 * (schema.ts) and for meaning (an address outside its range, a duplicate, a reference to nothing, ranges that
 * overlap: ranges.ts), then the derived values are computed (derive.ts). Every error is a DataFileError with the
 * line of the entry at fault.
 */
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DataFileError } from '../core/errors.ts';
import { cidrContains, parseCidr } from '../core/net.ts';
import { loadYamlFile, type PathKey } from '../core/yaml-data.ts';
import { keyedLines, keyOf, unwrapAssumptions, type FoundAssumption, type Issue } from './assumed.ts';
import { derive, proxyName, tunnelGateway, type Host, type Inventory, type VpnDeployment } from './derive.ts';
import { unknownCountry } from './gluetun-countries.ts';
import { rangeConflicts } from './ranges.ts';
import { inventorySchema, type RawInventory } from './schema.ts';

export { inventorySchema } from './schema.ts';
export type { AccessPattern, Assumption, Hop, Host, Inventory, VpnDeployment } from './derive.ts';
export type { Status } from './schema.ts';
export type Phase = Inventory['migration']['phases'][number];

export const DEFAULT_INVENTORY = fileURLToPath(new URL('../../data/network.yaml', import.meta.url));

const cache = new Map<string, Inventory>();

/** Loads and validates the inventory (cached per file unless `text` is given). */
export function loadInventory(file: string = DEFAULT_INVENTORY, text?: string): Inventory {
  if (text === undefined && cache.has(file)) return cache.get(file)!;
  const found: FoundAssumption[] = [];
  const schema = z.preprocess((input, ctx) => {
    found.length = 0;
    const issues: Issue[] = [];
    const out = unwrapAssumptions(input, found, issues);
    for (const i of issues) ctx.addIssue({ code: 'custom', path: i.path, message: i.message, input });
    return out;
  }, inventorySchema);
  const { data, file: shown, lineOf } = loadYamlFile(file, schema, text);
  const fail = (path: PathKey[], message: string): never => {
    throw new DataFileError(shown, lineOf(path), `${keyOf(data, path) || '(top level)'}: ${message}`);
  };
  checkSemantics(data, fail);
  const [conflict] = rangeConflicts(data, tunnelGateway(data.vpn.tunnel_address), (key) => lineOf(key.split('.')));
  if (conflict) fail(conflict.key.split('.'), conflict.message);
  const assumptions = found.map((a) => ({
    key: keyOf(data, a.path),
    value: a.value,
    why: a.why.trim(),
    line: lineOf(a.path),
  }));
  const inv = derive(data, assumptions, keyedLines(data, lineOf), shown);
  if (text === undefined) cache.set(file, inv);
  return inv;
}

type Fail = (path: PathKey[], message: string) => never;

function checkSemantics(inv: RawInventory, fail: Fail): void {
  unique(inv.tailnet.hosts, 'name', ['tailnet', 'hosts'], fail);
  unique(inv.vpn.proxies, 'region', ['vpn', 'proxies'], fail);
  unique(inv.vpn.sidecars, 'name', ['vpn', 'sidecars'], fail);
  unique(inv.workloads, 'name', ['workloads'], fail);
  unique(inv.migration.phases, 'id', ['migration', 'phases'], fail);
  unique(inv.migration.phases, 'slug', ['migration', 'phases'], fail);
  unique(inv.lan.services, 'name', ['lan', 'services'], fail);
  unique(inv.access_patterns, 'name', ['access_patterns'], fail);
  unique(inv.decisions, 'id', ['decisions'], fail);
  inv.tailnet.hosts.forEach((h, i) => {
    if (h.ip && !cidrContains(inv.tailnet.range, h.ip))
      fail(
        ['tailnet', 'hosts', i, 'ip'],
        `${h.ip} is outside the tailnet range ${inv.tailnet.range}; Tailscale gives every node an address inside it.`,
      );
    if (h.routes && h.role !== 'subnet-router')
      fail(['tailnet', 'hosts', i, 'routes'], `only a subnet router advertises routes; "${h.name}" is a ${h.role}.`);
  });
  const routers = inv.tailnet.hosts.flatMap((h, i) =>
    h.role === 'subnet-router' && h.status !== 'retired' ? [i] : [],
  );
  if (routers.length !== 1)
    fail(
      ['tailnet', 'hosts', routers[1] ?? 0],
      `expected exactly one host with role subnet-router that is not retired; found ${routers.length}.`,
    );
  const size = 2 ** (32 - parseCidr(inv.lan.subnet)!.bits);
  if (inv.lan.dns_server_host >= size - 1)
    fail(
      ['lan', 'dns_server_host'],
      `host ${inv.lan.dns_server_host} does not fit in ${inv.lan.subnet} (hosts 1 to ${size - 2}).`,
    );
  for (const [list, entries] of [
    ['proxies', inv.vpn.proxies],
    ['sidecars', inv.vpn.sidecars],
  ] as const)
    entries.forEach((e, i) => {
      const wrong = unknownCountry(e.country);
      if (wrong) fail(['vpn', list, i, 'country'], wrong);
    });
  const sidecars = new Set(inv.vpn.sidecars.map((s) => s.name));
  inv.vpn.sidecars.forEach((s, i) => {
    if (s.name.startsWith('vpn-proxy-'))
      fail(
        ['vpn', 'sidecars', i, 'name'],
        `"${s.name}" looks like a shared proxy's name; shared proxies go under vpn.proxies by region.`,
      );
  });
  const proxies = new Set(inv.vpn.proxies.map((p) => proxyName(p.region)));
  inv.workloads.forEach((w, i) => {
    if (!proxies.has(w.egress))
      fail(
        ['workloads', i, 'egress'],
        `"${w.egress}" is not a shared proxy; expected one of ${[...proxies].join(', ') || '(none: add a region under vpn.proxies)'}.`,
      );
  });
  const hosts = new Set(inv.tailnet.hosts.map((h) => h.name));
  const workloads = new Set(inv.workloads.map((w) => w.name));
  inv.access_patterns.forEach((p, i) => {
    const [set, what] =
      p.tool === 'tailscale'
        ? [hosts, 'a tailnet host']
        : p.tool === 'gluetun-shared-proxy'
          ? [workloads, 'a workload']
          : [sidecars, 'a sidecar app'];
    if (!set.has(p.from))
      fail(
        ['access_patterns', i, 'from'],
        `"${p.from}" is not ${what}; a ${p.tool} pattern starts at one of ${[...set].join(', ') || '(none)'}.`,
      );
  });
}

function unique<T, K extends keyof T>(items: T[], key: K, path: PathKey[], fail: Fail): void {
  const seen = new Set<unknown>();
  items.forEach((item, i) => {
    if (seen.has(item[key]))
      fail([...path, i, key as string], `duplicate ${String(key)} "${String(item[key])}"; each must be unique.`);
    seen.add(item[key]);
  });
}

/** The shared proxies (vpn-proxy-<region>), in inventory order. */
export function sharedProxies(inv: Inventory): VpnDeployment[] {
  return inv.vpn.deployments.filter((d) => d.pattern === 'shared-proxy');
}

/** The subnet router (the loader guarantees exactly one that is not retired). */
export function subnetRouter(inv: Inventory): Host {
  const router = inv.tailnet.hosts.find((h) => h.role === 'subnet-router' && h.status !== 'retired');
  if (!router)
    throw new DataFileError(
      inv.file,
      inv.lines['tailnet.hosts'] ?? 1,
      'tailnet.hosts: expected one host with role subnet-router.',
    );
  return router;
}

/** Yearly saving of the migration: what the old setup cost per year minus the new one (fixed items only). */
export function yearlySavings(inv: Inventory): number {
  const fixed = (items: Inventory['costs']['old']) => items.reduce((sum, c) => sum + (c.monthly ?? 0), 0);
  return Math.round((fixed(inv.costs.old) - fixed(inv.costs.new)) * 12 * 100) / 100;
}
