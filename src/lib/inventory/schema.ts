/**
 * The shape of src/data/network.yaml: facts only, each stated once. Values the code can work out
 * (routes, split-DNS nameservers, proxy names, URLs, descriptions) are not here: derive.ts computes them.
 * An assumed value is written `{ value: …, assumed: true, why: … }` (or `assumed: true` + `why:` on a list
 * entry); assumed.ts unwraps it before this schema sees it, so the schema describes the values alone.
 */
import { z } from 'zod';
import { parseCidr, parseIPv4 } from '../core/net.ts';

const ipv4 = z
  .string()
  .refine((s) => parseIPv4(s) !== undefined, { message: 'expected an IPv4 address such as 192.0.2.1' });
const cidr = z.string().refine((s) => parseCidr(s) !== undefined, {
  message: 'expected a canonical IPv4 CIDR such as 192.0.2.0/24 (host bits zero)',
});
export const nameSchema = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, 'expected a lowercase DNS label such as my-host');
const date = z.union([
  z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  z.date().transform((d) => d.toISOString().slice(0, 10)),
]);
const port = z.number().int().min(1).max(65535);
/** Where a thing stands today: live (in use now), planned (not there yet), retired (gone). */
export const statusSchema = z.enum(['live', 'planned', 'retired']);
/** An entry the notes do not state carries `assumed: true` and says why in `why`. */
const assumedEntry = { assumed: z.literal(true).optional(), why: z.string().min(10).optional() };

const route = z.strictObject({
  /** What the router advertises: `lan` (the LAN's subnet) or a CIDR. @example lan */
  to: z.union([z.literal('lan'), cidr]),
  status: statusSchema,
});

const host = z.strictObject({
  name: nameSchema,
  role: z.enum(['subnet-router', 'workstation', 'infrastructure', 'personal', 'exit-node']),
  status: statusSchema,
  /** Tailscale IPv4 address, inside tailnet.range. */
  ip: ipv4.optional(),
  os: z.string().optional(),
  /** ssh Host alias the runbooks use; defaults to the host's name. */
  ssh_alias: z.string().optional(),
  /** The subnet router's LAN interface (UDP GRO check). @example eth0 */
  lan_interface: z.string().optional(),
  tags: z.array(z.string().regex(/^tag:[a-z0-9-]+$/, 'expected a tag such as tag:router')).optional(),
  /** Subnet routes this host advertises (subnet routers only). */
  routes: z.array(route).optional(),
  /** What the host is, in a few words. @example Workstation */
  description: z.string(),
  /** What else this project relies on the host for. */
  duties: z.array(z.string()).optional(),
  ...assumedEntry,
});

const proxy = z.strictObject({
  /** Region slug: the proxy is vpn-proxy-<region>, the runbooks' --region value. @example iceland */
  region: nameSchema,
  /** gluetun's country name for SERVER_COUNTRIES (not Proton's code). @example Iceland */
  country: z.string().min(2),
  status: statusSchema,
  /** The notes' example use of this region, e.g. region-specific-access. */
  example_for: z.string().optional(),
});

const sidecar = z.strictObject({
  /** The app (and its manifests folder) that runs gluetun beside it. */
  name: nameSchema,
  country: z.string().min(2),
  status: statusSchema,
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
  meta: z.strictObject({
    title: z.string(),
    /** Date of the operator's architecture notes this inventory follows. */
    last_updated: date,
    /** Base URL of the wider Avalanche docs; null: not published anywhere this site knows. */
    wider_docs_base_url: z.url().nullable(),
  }),
  lan: z.strictObject({
    name: nameSchema,
    subnet: cidr,
    /** The LAN DNS server's host number inside the subnet (its address is derived). @example 53 */
    dns_server_host: z.number().int().min(1),
    services: z.array(z.strictObject({ name: nameSchema, port, description: z.string(), ...assumedEntry })),
  }),
  tailnet: z.strictObject({
    /** Tailscale's address range: every tailnet IPv4 address lies inside it. */
    range: cidr,
    /** The split-DNS domain answered by the LAN DNS server. @example internal */
    split_dns: z.strictObject({ domain: z.string().regex(/^[a-z0-9.-]+$/) }),
    magic_dns: z.boolean(),
    /** The target: whether any exit node is allowed (exit-node hosts are retired by phase 4). */
    exit_nodes: z.boolean(),
    hosts: z.array(host).min(1),
  }),
  kubernetes: z.strictObject({
    context: z.string().min(1),
    version: z.string().regex(/^1\.\d+$/, 'expected a Kubernetes minor version such as "1.33"'),
    namespace: nameSchema,
    labels: z.strictObject({ part_of: nameSchema, managed_by: nameSchema }),
    pod_cidr: cidr,
    service_cidr: cidr,
  }),
  vpn: z.strictObject({
    provider: z.literal('protonvpn'),
    type: z.enum(['wireguard', 'openvpn']),
    image: z
      .string()
      .regex(
        /^[\w./-]+:v\d+\.\d+\.\d+(@sha256:[a-f0-9]{64})?$/,
        'expected an image pinned to a release, e.g. qmcgaw/gluetun:v3.41.1',
      ),
    http_proxy_port: port,
    control_server_port: port,
    health_server_port: port,
    /** Label a pod carries, with a proxy's name as value, to be let through that proxy's NetworkPolicy. */
    client_label: z.string().min(1),
    /** The provider's WireGuard tunnel address inside gluetun (an upstream default, not a choice). */
    tunnel_address: cidr,
    /** One shared proxy per region, rendered from manifests/templates/vpn-proxy by `npm run generate`. */
    proxies: z.array(proxy),
    sidecars: z.array(sidecar),
  }),
  workloads: z.array(
    z.strictObject({
      name: nameSchema,
      description: z.string(),
      /** The shared proxy it uses once migrated (a vpn-proxy-<region> name). */
      egress: nameSchema,
      /** Whether it still leaves through an exit node today. */
      depends_on_exit_node: z.boolean(),
    }),
  ),
  access_patterns: z.array(
    z.strictObject({
      name: nameSchema,
      title: z.string(),
      tool: z.enum(['tailscale', 'gluetun-shared-proxy', 'gluetun-sidecar']),
      /** Where the path starts: a host, a workload or a sidecar app, by name. */
      from: nameSchema,
      /** Where it ends, in words. @example IRC network */
      to: z.string(),
    }),
  ),
  decisions: z.array(z.strictObject({ id: nameSchema, title: z.string(), ...assumedEntry })),
  migration: z.strictObject({
    phases: z.array(
      z.strictObject({
        id: z.number().int().positive(),
        slug: nameSchema,
        title: z.string(),
        status: z.enum(['done', 'in-progress', 'next', 'planned']),
        date: date.optional(),
        runbook: z
          .string()
          .regex(/^[a-z0-9-]+\.mjs$/, 'expected a runbook file name such as phase2-deploy-proxy.mjs')
          .optional(),
        ...assumedEntry,
      }),
    ),
  }),
  costs: z.strictObject({ currency: z.string().length(3), old: z.array(cost), new: z.array(cost) }),
});

export type RawInventory = z.infer<typeof inventorySchema>;
export type Status = z.infer<typeof statusSchema>;
