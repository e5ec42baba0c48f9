/**
 * Address ranges that must stay apart. The LAN, the cluster's pod and service ranges and the tailnet each
 * route differently; an address in two of them goes to the wrong place. ProtonVPN's WireGuard tunnel
 * (gluetun's interface address and the gateway it derives) must be in none of them: a LAN or cluster range
 * that contains the gateway sends gluetun's port-forwarding requests off the tunnel ("connection refused",
 * https://github.com/qdm12/gluetun/issues/3013). A new LAN subnet such as one inside 10.2.0.0/16 would.
 *
 * One implementation for two callers: the loader refuses an inventory with a conflict (so every runbook exits 2
 * at file:line before planning anything), and the lint rule inventory/overlap reports every conflict of an
 * inventory it is handed (src/lib/lint/overlap.ts).
 */
import { cidrContains, cidrsOverlap } from '../core/net.ts';

export interface RangeFacts {
  lan: { subnet: string };
  kubernetes: { pod_cidr: string; service_cidr: string };
  tailnet: { range: string };
  vpn: { tunnel_address: string };
}

export interface RangeConflict {
  /** The inventory key to report at (the LAN when it is one of the two: the range an operator changes). */
  key: string;
  /** What is wrong, without the key (callers prefix it). */
  message: string;
}

/** Every conflict, in a stable order; `lineOf` names the other range's line in the message. */
export function rangeConflicts(
  inv: RangeFacts,
  tunnelGateway: string,
  lineOf: (key: string) => number | undefined,
): RangeConflict[] {
  // The LAN first: a pair is reported at the range listed first, so a LAN moved into the pod range is reported
  // at lan.subnet, the line just edited, not at the cluster's range that has not changed.
  const ranges: [string, string][] = [
    ['lan.subnet', inv.lan.subnet],
    ['kubernetes.pod_cidr', inv.kubernetes.pod_cidr],
    ['kubernetes.service_cidr', inv.kubernetes.service_cidr],
    ['tailnet.range', inv.tailnet.range],
  ];
  const at = (key: string) => (lineOf(key) ? ` (line ${lineOf(key)})` : '');
  const conflicts: RangeConflict[] = [];
  ranges.forEach(([key, cidr], i) => {
    for (const [otherKey, other] of ranges.slice(i + 1)) {
      if (cidrsOverlap(cidr, other))
        conflicts.push({
          key,
          message: `${cidr} overlaps ${otherKey} ${other}${at(otherKey)}; traffic for the shared addresses would be routed to the wrong network. Pick ranges that do not overlap.`,
        });
    }
    const tunnel = inv.vpn.tunnel_address.split('/')[0];
    for (const [what, ip] of [
      ['tunnel address', tunnel],
      ['tunnel gateway', tunnelGateway],
    ]) {
      if (cidrContains(cidr, ip))
        conflicts.push({
          key,
          message: `${cidr} contains ProtonVPN's WireGuard ${what} ${ip} (vpn.tunnel_address${at('vpn.tunnel_address')}); gluetun would route it off the tunnel and port forwarding fails (gluetun#3013). Pick a range that does not contain it.`,
        });
    }
  });
  return conflicts;
}
