/**
 * Reading facts by key, as pages, components and lint rules do: `factAt(inv, "tailnet.hosts.routy.ip")`
 * walks the inventory with list entries addressed by name (or id, region, slug), and `assumptionFor()`
 * says whether that value, or a fact it is derived from, is assumed. Plus the derived values more than one
 * reader needs: a proxy's URL, the proxy a workload uses, the regions.
 */
import type { Assumption, Inventory, VpnDeployment } from './derive.ts';
import { sharedProxies } from './inventory.ts';

const entryKey = (item: unknown) => {
  const o = item as Record<string, unknown>;
  return String(o?.name ?? o?.id ?? o?.region ?? o?.slug ?? o?.item ?? '');
};

/**
 * Roles a page can name instead of an entry, so the page never types the entry's name:
 * router. (the subnet router), exit. (the first exit node), bot. (the workload of the irc-bot pattern),
 * botproxy. (the proxy it uses), torrent. (the sidecar of the torrent pattern), example. (the notes'
 * region example), phone. (the device the remote-access pattern starts from).
 */
export function resolveKey(inv: Inventory, key: string): string {
  const [head, ...rest] = key.split('.');
  const tail = rest.length ? `.${rest.join('.')}` : '';
  const bot = workloadOf(inv, 'irc-bot');
  const roles: Record<string, () => string | undefined> = {
    router: () =>
      inv.tailnet.hosts
        .find((h) => h.role === 'subnet-router' && h.status !== 'retired')
        ?.name.replace(/^/, 'tailnet.hosts.'),
    exit: () => inv.tailnet.hosts.find((h) => h.role === 'exit-node')?.name.replace(/^/, 'tailnet.hosts.'),
    phone: () => hostOf(inv, 'remote-access')?.name.replace(/^/, 'tailnet.hosts.'),
    bot: () => bot && `workloads.${bot.name}`,
    botproxy: () => bot && proxyOf(inv, bot.name)?.region?.replace(/^/, 'vpn.proxies.'),
    torrent: () => sidecarOf(inv, 'torrent')?.name.replace(/^/, 'vpn.sidecars.'),
    example: () => exampleProxy(inv, 'region-specific-access')?.region?.replace(/^/, 'vpn.proxies.'),
  };
  const root = roles[head]?.();
  return root ? root + tail : key;
}

/** The value at a readable key (or a role key such as router.ip), or undefined when nothing is there. */
export function factAt(inv: Inventory, key: string): unknown {
  let node: unknown = inv;
  for (const part of resolveKey(inv, key).split('.')) {
    if (Array.isArray(node))
      node = node.find((item) => entryKey(item) === part) ?? (/^\d+$/.test(part) ? node[Number(part)] : undefined);
    else if (node && typeof node === 'object') node = (node as Record<string, unknown>)[part];
    else return undefined;
    if (node === undefined) return undefined;
  }
  return node;
}

/** The assumption behind a key: on the key itself, on an entry it is part of, or on a fact it derives from. */
export function assumptionFor(inv: Inventory, wanted: string, seen = new Set<string>()): Assumption | undefined {
  const key = resolveKey(inv, wanted);
  if (seen.has(key)) return undefined;
  seen.add(key);
  const direct = inv.assumptions.find((a) => key === a.key || key.startsWith(`${a.key}.`));
  if (direct) return direct;
  for (const source of inv.derived_from[key] ?? []) {
    const found = assumptionFor(inv, source, seen);
    if (found) return found;
  }
  return undefined;
}

/** The anchor of an assumption on the "Assumptions to confirm" page. */
export const assumptionAnchor = (key: string) => `assumed-${key.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`;

/** The region slugs of the shared proxies: the runbooks' --region values. */
export function regions(inv: Inventory): string[] {
  return sharedProxies(inv).map((p) => p.region!);
}

/** http://<proxy>.<namespace>.svc:<port>, what a client sets as HTTP(S)_PROXY. */
export function proxyUrl(inv: Inventory, proxy: string): string {
  return `http://${proxy}.${inv.kubernetes.namespace}.svc:${inv.vpn.http_proxy_port}`;
}

/** The shared proxy a workload uses once migrated. */
export function proxyOf(inv: Inventory, workload: string): VpnDeployment | undefined {
  const w = inv.workloads.find((x) => x.name === workload);
  return inv.vpn.deployments.find((d) => d.name === w?.egress);
}

/** The workload an access pattern starts from (the IRC bot for "irc-bot"). */
export function workloadOf(inv: Inventory, pattern: string) {
  const p = inv.access_patterns.find((x) => x.name === pattern);
  return inv.workloads.find((w) => w.name === p?.from);
}

/** The sidecar an access pattern starts from (qbittorrent for "torrent"). */
export function sidecarOf(inv: Inventory, pattern: string): VpnDeployment | undefined {
  const p = inv.access_patterns.find((x) => x.name === pattern);
  return inv.vpn.deployments.find((d) => d.pattern === 'sidecar' && d.name === p?.from);
}

/** The shared proxy the notes give as an example for a use case, else the first one. */
export function exampleProxy(inv: Inventory, useCase: string): VpnDeployment | undefined {
  const all = sharedProxies(inv);
  return all.find((p) => p.example_for === useCase) ?? all[0];
}

/** The tailnet host a pattern starts from (the phone for "remote-access"). */
export function hostOf(inv: Inventory, pattern: string) {
  const p = inv.access_patterns.find((x) => x.name === pattern);
  return inv.tailnet.hosts.find((h) => h.name === p?.from);
}

/** Names joined for prose: "a", "a and b", "a, b and c". */
export function listOf(items: string[], conjunction = 'and'): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ${conjunction} ${items.at(-1)}`;
}
