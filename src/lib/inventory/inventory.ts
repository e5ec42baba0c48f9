/**
 * The inventory: src/data/network.yaml, typed and validated on load.
 * Schema errors and semantic errors (an address outside its range, a duplicate name)
 * both come back as DataFileError with file and line.
 */
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DataFileError } from '../core/errors.ts';
import { cidrContains, parseCidr, parseIPv4 } from '../core/net.ts';
import { loadYamlFile, type PathKey } from '../core/yaml-data.ts';

export const DEFAULT_INVENTORY = fileURLToPath(new URL('../../data/network.yaml', import.meta.url));

const ipv4 = z.string().refine((s) => parseIPv4(s) !== undefined, { message: 'expected an IPv4 address such as 10.1.0.53' });
const cidr = z.string().refine((s) => parseCidr(s) !== undefined, {
  message: 'expected a canonical IPv4 CIDR such as 10.1.0.0/24 (host bits zero)',
});
const name = z.string().regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, 'expected a lowercase DNS label such as vpn-proxy-iceland');
const date = z.union([z.string().regex(/^\d{4}-\d{2}-\d{2}$/), z.date().transform((d) => d.toISOString().slice(0, 10))]);
const status = z.enum(['done', 'in-progress', 'next', 'planned']);

const host = z.strictObject({
  name,
  role: z.enum(['subnet-router', 'workstation', 'infrastructure', 'personal']),
  ip: ipv4.optional(),
  os: z.string().optional(),
  ssh_alias: z.string().optional(),
  lan_interface: z.string().optional(),
  tags: z.array(z.string().regex(/^tag:[a-z0-9-]+$/, 'expected a tag such as tag:router')).optional(),
  advertise_routes: z.array(cidr).optional(),
  description: z.string(),
});

const deployment = z.strictObject({
  name,
  pattern: z.enum(['sidecar', 'shared-proxy']),
  region: name.optional(),
  country: z.string().min(2),
  status: z.enum(['deployed', 'planned', 'retired']),
  port_forwarding: z.boolean(),
  description: z.string(),
});

const cost = z.strictObject({
  item: z.string(),
  monthly: z.number().nonnegative().optional(),
  monthly_min: z.number().nonnegative().optional(),
  monthly_max: z.number().nonnegative().optional(),
});

export const inventorySchema = z.strictObject({
  meta: z.strictObject({ title: z.string(), last_updated: date, wider_docs_base_url: z.url() }),
  lan: z.strictObject({
    name,
    subnet: cidr,
    dns_server: ipv4,
    services: z.array(z.strictObject({ name, fqdn: z.string(), port: z.number().int().min(1).max(65535), description: z.string() })),
  }),
  tailnet: z.strictObject({
    range: cidr,
    split_dns: z.strictObject({ domain: z.string().regex(/^[a-z0-9.-]+$/), nameservers: z.array(ipv4).min(1) }),
    magic_dns: z.boolean(),
    exit_nodes: z.boolean(),
    hosts: z.array(host).min(1),
  }),
  kubernetes: z.strictObject({
    context: z.string().min(1),
    version: z.string().regex(/^1\.\d+$/, 'expected a Kubernetes minor version such as "1.33"'),
    namespace: name,
    labels: z.strictObject({ part_of: name, managed_by: name }),
  }),
  vpn: z.strictObject({
    provider: z.literal('protonvpn'),
    type: z.enum(['wireguard', 'openvpn']),
    image: z.string().regex(/^[\w./-]+:v\d+\.\d+\.\d+(@sha256:[a-f0-9]{64})?$/, 'expected an image pinned to a release, e.g. qmcgaw/gluetun:v3.41.1'),
    http_proxy_port: z.number().int().min(1).max(65535),
    control_server_port: z.number().int().min(1).max(65535),
    health_server_port: z.number().int().min(1).max(65535),
    client_label: z.string().min(1),
    deployments: z.array(deployment).min(1),
  }),
  workloads: z.array(z.strictObject({ name, description: z.string(), egress: name, depends_on_exit_node: z.boolean() })),
  access_patterns: z.array(
    z.strictObject({ name, title: z.string(), tool: z.enum(['tailscale', 'gluetun-shared-proxy', 'gluetun-sidecar']), hops: z.array(z.string()).min(2) }),
  ),
  migration: z.strictObject({
    phases: z.array(
      z.strictObject({
        id: z.number().int().positive(),
        slug: name,
        title: z.string(),
        status,
        date: date.optional(),
        runbook: z.string().regex(/^[a-z0-9-]+\.mjs$/, 'expected a runbook file name such as phase2-deploy-proxy.mjs').optional(),
      }),
    ),
  }),
  costs: z.strictObject({ currency: z.string().length(3), old: z.array(cost), new: z.array(cost) }),
});

export type Inventory = z.infer<typeof inventorySchema>;
export type Host = Inventory['tailnet']['hosts'][number];
export type VpnDeployment = Inventory['vpn']['deployments'][number];
export type Phase = Inventory['migration']['phases'][number];

const cache = new Map<string, Inventory>();

/** Loads and validates the inventory (cached per file unless `text` is given). */
export function loadInventory(file: string = DEFAULT_INVENTORY, text?: string): Inventory {
  if (text === undefined && cache.has(file)) return cache.get(file)!;
  const { data, file: shown, lineOf } = loadYamlFile(file, inventorySchema, text);
  const fail = (path: PathKey[], message: string): never => {
    throw new DataFileError(shown, lineOf(path), `${path.join('.')}: ${message}`);
  };
  checkSemantics(data, fail);
  if (text === undefined) cache.set(file, data);
  return data;
}

function checkSemantics(inv: Inventory, fail: (path: PathKey[], message: string) => never): void {
  unique(inv.tailnet.hosts, 'name', ['tailnet', 'hosts'], fail);
  unique(inv.vpn.deployments, 'name', ['vpn', 'deployments'], fail);
  unique(inv.migration.phases, 'id', ['migration', 'phases'], fail);
  unique(inv.lan.services, 'name', ['lan', 'services'], fail);
  inv.tailnet.hosts.forEach((h, i) => {
    if (h.ip && !cidrContains(inv.tailnet.range, h.ip)) {
      fail(['tailnet', 'hosts', i, 'ip'], `${h.ip} is outside the tailnet range ${inv.tailnet.range}; tailnet addresses are 100.64.0.0/10.`);
    }
    if (h.role === 'subnet-router' && !h.ssh_alias) fail(['tailnet', 'hosts', i], `subnet router "${h.name}" needs ssh_alias for configure-routy.`);
  });
  const lanAddr = (ip: string, path: PathKey[]) => {
    if (!cidrContains(inv.lan.subnet, ip)) fail(path, `${ip} is outside the LAN ${inv.lan.subnet}.`);
  };
  lanAddr(inv.lan.dns_server, ['lan', 'dns_server']);
  inv.tailnet.split_dns.nameservers.forEach((ip, i) => lanAddr(ip, ['tailnet', 'split_dns', 'nameservers', i]));
  if (!inv.tailnet.split_dns.nameservers.includes(inv.lan.dns_server)) {
    fail(['tailnet', 'split_dns', 'nameservers'], `expected the LAN DNS server ${inv.lan.dns_server} among the split-DNS nameservers.`);
  }
  inv.lan.services.forEach((s, i) => {
    if (!s.fqdn.endsWith(`.${inv.tailnet.split_dns.domain}`)) fail(['lan', 'services', i, 'fqdn'], `expected a name under .${inv.tailnet.split_dns.domain}.`);
  });
  inv.vpn.deployments.forEach((d, i) => {
    if (d.pattern === 'shared-proxy' && (!d.region || d.name !== `vpn-proxy-${d.region}`)) {
      fail(['vpn', 'deployments', i], `a shared proxy needs a region and the name vpn-proxy-<region> (got name "${d.name}", region "${d.region ?? ''}").`);
    }
  });
  const names = new Set(inv.vpn.deployments.map((d) => d.name));
  inv.workloads.forEach((w, i) => {
    if (!names.has(w.egress)) fail(['workloads', i, 'egress'], `"${w.egress}" is not a VPN deployment; expected one of ${[...names].join(', ')}.`);
  });
}

function unique<T, K extends keyof T>(items: T[], key: K, path: PathKey[], fail: (path: PathKey[], message: string) => never): void {
  const seen = new Set<unknown>();
  items.forEach((item, i) => {
    if (seen.has(item[key])) fail([...path, i, key as string], `duplicate ${String(key)} "${String(item[key])}"; each must be unique.`);
    seen.add(item[key]);
  });
}

/** The shared proxies, optionally filtered by region; unknown regions are an InputError. */
export function sharedProxies(inv: Inventory): VpnDeployment[] {
  return inv.vpn.deployments.filter((d) => d.pattern === 'shared-proxy');
}

export function subnetRouter(inv: Inventory): Host {
  const router = inv.tailnet.hosts.find((h) => h.role === 'subnet-router');
  if (!router) throw new DataFileError('src/data/network.yaml', 1, 'tailnet.hosts: expected one host with role subnet-router.');
  return router;
}

/** Yearly saving of the migration: what the old setup cost per year minus the new one (fixed items only). */
export function yearlySavings(inv: Inventory): number {
  const fixed = (items: Inventory['costs']['old']) => items.reduce((sum, c) => sum + (c.monthly ?? 0), 0);
  return Math.round((fixed(inv.costs.old) - fixed(inv.costs.new)) * 12 * 100) / 100;
}
