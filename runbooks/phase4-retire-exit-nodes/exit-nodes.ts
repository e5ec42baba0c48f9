/**
 * Phase 4 (runbooks/phase4-retire-exit-nodes.mjs), the parts that run no command: which tailnet nodes offer
 * or advertise an exit node, how each can be reached, what the record holds, and the VPS checklist.
 *
 * Facts (ipnstate.go, https://github.com/tailscale/tailscale/blob/v1.76.0/ipn/ipnstate/ipnstate.go; the API,
 * https://tailscale.com/api#tag/devices; exit nodes, https://tailscale.com/kb/1103/exit-nodes):
 * - §5: `ExitNodeOption` in `tailscale status --json` is "offered && approved": set only when both 0.0.0.0/0
 *   and ::/0 are in AllowedIPs, which hold approved routes only. A node that advertises without approval is
 *   therefore invisible there; the API's advertisedRoutes shows it (§7, `?fields=all`).
 * - §6: `tailscale set --advertise-exit-node=false` removes exactly the two exit routes and keeps the others
 *   (the subnet router's LAN route); enabledRoutes may keep a leftover approval, cleared with POST .../routes.
 * - §7: POST /api/v2/device/{id}/routes REPLACES the enabled set: send everything that stays.
 */
import { z } from 'zod';
import { InputError } from '../../src/lib/core/errors.ts';
import type { Inventory } from '../../src/lib/inventory/inventory.ts';
import type { ApiDevice } from '../../src/lib/clients/tailscale-api.ts';
import { dnsName, EXIT_ROUTES, offersExitNode, type TailscaleStatus } from '../../src/lib/clients/tailscale-status.ts';

export type Via = 'ssh' | 'local' | 'manual';

export interface ExitNode {
  /** Stable node ID: `ID` in status, `nodeId` in the API. */
  nodeId: string;
  /** MagicDNS label, else the OS hostname. */
  name: string;
  /** MagicDNS name without the trailing dot. */
  fqdn?: string;
  os: string;
  online: boolean;
  /** This machine (the one running the runbook). */
  self: boolean;
  /** Offered to clients now (status: ExitNodeOption, or an exit route in AllowedIPs). */
  offered: boolean;
  /** Advertises an exit route (API advertisedRoutes); undefined when the API was not read. */
  advertised?: boolean;
  /** Exit routes approved for it (API enabledRoutes). */
  approvedExit: string[];
  /** Every approved route (API), what a POST must keep. */
  enabledRoutes: string[];
}

export const hasExitRoute = (routes: readonly string[] | undefined) =>
  (routes ?? []).some((r) => EXIT_ROUTES.includes(r));
export const withoutExitRoutes = (routes: readonly string[]) => routes.filter((r) => !EXIT_ROUTES.includes(r));

/**
 * Every node that offers, advertises or still has an approval for an exit route, from the CLI's status and the API's
 * devices.
 */
export function findExitNodes(status: TailscaleStatus | undefined, devices: ApiDevice[] | undefined): ExitNode[] {
  const nodes = new Map<string, ExitNode>();
  const peers = status
    ? [
        ...(status.Self ? [{ p: status.Self, self: true }] : []),
        ...Object.values(status.Peer).map((p) => ({ p, self: false })),
      ]
    : [];
  for (const { p, self } of peers) {
    const fqdn = dnsName(p) || undefined;
    nodes.set(p.ID || fqdn || p.HostName, {
      nodeId: p.ID,
      name: fqdn?.split('.')[0] || p.HostName,
      fqdn,
      os: p.OS,
      online: self || p.Online,
      self,
      offered: offersExitNode(p),
      approvedExit: [],
      enabledRoutes: [],
    });
  }
  for (const d of devices ?? []) {
    const key =
      [...nodes.keys()].find((k) => k === d.nodeId) ??
      [...nodes.values()].find((n) => n.fqdn && n.fqdn === d.name)?.nodeId;
    const known = key !== undefined ? nodes.get(key) : undefined;
    const enabled = d.enabledRoutes ?? [];
    const merged: ExitNode = known ?? {
      nodeId: d.nodeId,
      name: d.name?.split('.')[0] || d.hostname,
      fqdn: d.name || undefined,
      os: d.os ?? '',
      online: Boolean(d.connectedToControl),
      self: false,
      offered: false,
      approvedExit: [],
      enabledRoutes: [],
    };
    merged.nodeId = d.nodeId;
    merged.advertised = hasExitRoute(d.advertisedRoutes);
    merged.approvedExit = enabled.filter((r) => EXIT_ROUTES.includes(r));
    merged.enabledRoutes = enabled;
    nodes.delete(key ?? d.nodeId);
    nodes.set(d.nodeId, merged);
  }
  return [...nodes.values()]
    .filter((n) => n.offered || n.advertised || n.approvedExit.length)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Does the node still advertise (as far as we can tell)? */
export const advertises = (n: ExitNode) => n.advertised ?? n.offered;

/**
 * Operating systems where `tailscale` is a CLI we can run over ssh (phones and desktop apps are switched off by hand).
 */
const SSH_OS = ['linux', 'freebsd', 'openbsd', 'illumos'];

export interface Reach {
  via: Via;
  alias?: string;
  /** Why it is manual, or how it is reached. */
  why: string;
}

/**
 * How to stop a node advertising: this machine, ssh (alias: --ssh-alias, else the inventory's, else the MagicDNS name),
 * or by hand.
 */
export function reachFor(n: ExitNode, inv: Inventory, aliases: Record<string, string>): Reach {
  if (n.self) return { via: 'local', why: 'this machine' };
  if (!SSH_OS.includes(n.os.toLowerCase()))
    return { via: 'manual', why: `${n.os || 'unknown OS'}: turn off "Run as exit node" in its Tailscale app` };
  if (!n.online)
    return {
      via: 'manual',
      why: 'offline: run `sudo tailscale set --advertise-exit-node=false` on it when it is back (its approval is withdrawn now)',
    };
  const alias = aliases[n.name] ?? inv.tailnet.hosts.find((h) => h.name === n.name)?.ssh_alias ?? n.fqdn ?? n.name;
  return { via: 'ssh', alias, why: `ssh ${alias}` };
}

/** `--ssh-alias NODE=ALIAS` values, checked. */
export function parseAliases(values: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values ?? []) {
    const m = /^([a-z0-9][a-z0-9-]*)=([A-Za-z0-9_][A-Za-z0-9_.@-]*)$/.exec(v);
    if (!m)
      throw new InputError(
        `--ssh-alias ${v}: expected NODE=ALIAS, e.g. --ssh-alias vps=vps.example.net (the node's MagicDNS label, then a host name or ~/.ssh/config Host).`,
      );
    out[m[1]] = m[2];
  }
  return out;
}

export const SET_FALSE = ['sudo', '-n', 'tailscale', 'set', '--advertise-exit-node=false'];
export const SET_TRUE = ['sudo', '-n', 'tailscale', 'set', '--advertise-exit-node=true'];

// ---- the record -------------------------------------------------------------------------------------

export const exitNodesRecord = z.strictObject({
  nodes: z.array(
    z.strictObject({
      nodeId: z.string().min(1),
      name: z.string().min(1),
      via: z.enum(['ssh', 'local', 'manual']),
      alias: z.string().optional(),
      /** The runbook ran `tailscale set --advertise-exit-node=false` on it, successfully. */
      unadvertised: z.boolean(),
      /** Exit routes the runbook removed from its approved routes. */
      removedApprovals: z.array(z.string()),
    }),
  ),
});
export type ExitNodesRecord = z.infer<typeof exitNodesRecord>;
export type RecordedNode = ExitNodesRecord['nodes'][number];

/** Adds or updates one node's entry (a node changed by an earlier run keeps what that run did). */
export function upsertNode(rec: ExitNodesRecord, entry: RecordedNode): ExitNodesRecord {
  const old = rec.nodes.find((n) => n.nodeId === entry.nodeId);
  const merged: RecordedNode = old
    ? {
        ...entry,
        unadvertised: old.unadvertised || entry.unadvertised,
        removedApprovals: [...new Set([...old.removedApprovals, ...entry.removedApprovals])],
      }
    : entry;
  return { nodes: [...rec.nodes.filter((n) => n.nodeId !== entry.nodeId), merged] };
}

// ---- the VPS ------------------------------------------------------------------------------------------

/** The manual steps of retiring the VPS, confirmed one by one (no provider API: cancelling is by hand). */
export const VPS_CHECKLIST = [
  'Nothing depends on the VPS any more (no DNS record, firewall rule or script points at its address)',
  'Any data on the VPS is copied off',
  'The subscription is cancelled at the provider (by hand: this runbook uses no provider API)',
  "The VPS's node is removed from the tailnet (admin console, Machines)",
] as const;

export function formatMoney(amount: number, currency: string): string {
  return new Intl.NumberFormat('en-IE', { style: 'currency', currency }).format(amount);
}
