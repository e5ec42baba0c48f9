/**
 * Derived values: what follows from the facts in network.yaml, computed here so no file states it twice.
 * The subnet router's advertised routes (its routes, `lan` resolved to the LAN's subnet), the LAN DNS server's
 * address (the subnet plus its host number), the split-DNS nameservers (that server), each LAN service's name
 * under the split-DNS domain, the gluetun deployments (one `vpn-proxy-<region>` per proxy region, plus the
 * sidecars), each access pattern's hops, and the ProtonVPN tunnel gateway.
 * The result keeps the field names the runbooks, lint rules and pages have always read.
 */
import { parseCidr } from '../core/net.ts';
import type { RawInventory, Status } from './schema.ts';

export type RawHost = RawInventory['tailnet']['hosts'][number];

export interface Host extends RawHost {
  /** The CIDRs of its routes that are not retired (`lan` resolved). */
  advertise_routes?: string[];
  ssh_alias?: string;
}

export interface VpnDeployment {
  name: string;
  pattern: 'sidecar' | 'shared-proxy';
  region?: string;
  country: string;
  status: Status;
  port_forwarding: boolean;
  description: string;
  example_for?: string;
}

export interface Hop {
  label: string;
  /** The inventory entry this hop is, when it is one ("tailnet.hosts.routy"). */
  key?: string;
  status: Status;
}

export type RawPattern = RawInventory['access_patterns'][number];
export interface AccessPattern extends RawPattern {
  hops: string[];
  path: Hop[];
  /** planned when any hop is not live yet. */
  status: Status;
}

export interface Assumption {
  /** Readable key, e.g. "lan.dns_server_host" or "tailnet.hosts.calypso.duties". */
  key: string;
  value: unknown;
  why: string;
  line: number;
}

type Raw = RawInventory;
export interface Inventory extends Omit<Raw, 'lan' | 'tailnet' | 'vpn' | 'access_patterns'> {
  lan: Omit<Raw['lan'], 'services'> & {
    dns_server: string;
    services: (Raw['lan']['services'][number] & { fqdn: string })[];
  };
  tailnet: Omit<Raw['tailnet'], 'hosts' | 'split_dns'> & {
    hosts: Host[];
    split_dns: { domain: string; nameservers: string[] };
  };
  vpn: Raw['vpn'] & { deployments: VpnDeployment[]; tunnel_gateway: string };
  access_patterns: AccessPattern[];
  /** Every assumed value, in file order. */
  assumptions: Assumption[];
  /** Derived key -> the keys it is computed from (an assumed source makes the derived value assumed). */
  derived_from: Record<string, string[]>;
  /** Keyed path -> line in the file, for errors and the assumptions page. */
  lines: Record<string, number>;
  /** The file as errors show it. */
  file: string;
}

/** The address `n` hosts into a subnet ("192.0.2.0/24", 53 -> "192.0.2.53"). */
export function hostAddress(subnet: string, n: number): string {
  const c = parseCidr(subnet);
  if (!c) throw new Error(`hostAddress: "${subnet}" is not a CIDR`);
  const a = (c.base + n) >>> 0;
  return [a >>> 24, (a >>> 16) & 255, (a >>> 8) & 255, a & 255].join('.');
}

/**
 * gluetun's WireGuard gateway: the interface address with its last byte set to 1, the address it asks for a
 * forwarded port (NAT-PMP). https://github.com/qdm12/gluetun/blob/v3.41.1/internal/routing/vpn.go#L36-L42
 */
export const tunnelGateway = (address: string) => address.split('/')[0].replace(/\.\d+$/, '.1');

export const proxyName = (region: string) => `vpn-proxy-${region}`;

export function derive(raw: Raw, assumptions: Assumption[], lines: Record<string, number>, file: string): Inventory {
  const dns = hostAddress(raw.lan.subnet, raw.lan.dns_server_host);
  const hosts: Host[] = raw.tailnet.hosts.map((h) => {
    const routes = h.routes?.filter((r) => r.status !== 'retired').map((r) => (r.to === 'lan' ? raw.lan.subnet : r.to));
    return {
      ...h,
      ...(routes ? { advertise_routes: routes } : {}),
      ...(h.role === 'subnet-router' ? { ssh_alias: h.ssh_alias ?? h.name } : {}),
    };
  });
  const deployments: VpnDeployment[] = [
    ...raw.vpn.sidecars.map((s) => ({ ...s, pattern: 'sidecar' as const })),
    ...raw.vpn.proxies.map((p) => ({
      name: proxyName(p.region),
      pattern: 'shared-proxy' as const,
      region: p.region,
      country: p.country,
      status: p.status,
      port_forwarding: false,
      description: `Shared HTTP proxy leaving through ProtonVPN ${p.country}`,
      ...(p.example_for ? { example_for: p.example_for } : {}),
    })),
  ];
  const inv: Inventory = {
    ...raw,
    lan: {
      ...raw.lan,
      dns_server: dns,
      services: raw.lan.services.map((s) => ({ ...s, fqdn: `${s.name}.${raw.tailnet.split_dns.domain}` })),
    },
    tailnet: { ...raw.tailnet, hosts, split_dns: { domain: raw.tailnet.split_dns.domain, nameservers: [dns] } },
    vpn: { ...raw.vpn, deployments, tunnel_gateway: tunnelGateway(raw.vpn.tunnel_address) },
    access_patterns: [],
    assumptions,
    derived_from: {
      'lan.dns_server': ['lan.subnet', 'lan.dns_server_host'],
      'tailnet.split_dns.nameservers': ['lan.dns_server'],
      ...Object.fromEntries(
        raw.lan.services.map((s) => [
          `lan.services.${s.name}.fqdn`,
          [`lan.services.${s.name}`, 'tailnet.split_dns.domain'],
        ]),
      ),
    },
    lines,
    file,
  };
  inv.access_patterns = raw.access_patterns.map((p) => pattern(inv, p));
  return inv;
}

function pattern(inv: Inventory, p: RawPattern): AccessPattern {
  const router = inv.tailnet.hosts.find((h) => h.role === 'subnet-router');
  const to: Hop = { label: p.to, status: 'live' };
  let path: Hop[];
  if (p.tool === 'tailscale') {
    const from = inv.tailnet.hosts.find((h) => h.name === p.from);
    path = [
      { label: `${p.from} (Tailscale)`, key: `tailnet.hosts.${p.from}`, status: from?.status ?? 'live' },
      {
        label: `${router?.name} (subnet router)`,
        key: `tailnet.hosts.${router?.name}`,
        status: router?.status ?? 'live',
      },
      { label: inv.lan.subnet, key: 'lan.subnet', status: 'live' },
      to,
    ];
  } else if (p.tool === 'gluetun-shared-proxy') {
    const w = inv.workloads.find((x) => x.name === p.from);
    const proxy = inv.vpn.deployments.find((d) => d.name === w?.egress);
    path = [
      { label: `${p.from} pod`, key: `workloads.${p.from}`, status: 'live' },
      { label: `${w?.egress} service`, key: `vpn.proxies.${proxy?.region}`, status: proxy?.status ?? 'planned' },
      { label: `ProtonVPN ${proxy?.country}`, status: proxy?.status ?? 'planned' },
      to,
    ];
  } else {
    const s = inv.vpn.deployments.find((d) => d.name === p.from);
    path = [
      { label: `${p.from} container`, key: `vpn.sidecars.${p.from}`, status: s?.status ?? 'live' },
      { label: 'gluetun sidecar', key: `vpn.sidecars.${p.from}`, status: s?.status ?? 'live' },
      { label: `ProtonVPN ${s?.country}`, status: s?.status ?? 'live' },
      to,
    ];
  }
  const status: Status = path.some((h) => h.status === 'retired')
    ? 'retired'
    : path.some((h) => h.status === 'planned')
      ? 'planned'
      : 'live';
  return { ...p, hops: path.map((h) => h.label), path, status };
}
