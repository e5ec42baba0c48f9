/**
 * Address ranges that must stay apart. The LAN, the cluster's pod and service ranges and the tailnet each
 * route differently; an address in two of them goes to the wrong place. ProtonVPN's WireGuard tunnel
 * (gluetun's interface address and the gateway it derives) must be in none of them: a LAN or cluster range
 * that contains the gateway sends gluetun's port-forwarding requests off the tunnel ("connection refused",
 * https://github.com/qdm12/gluetun/issues/3013). A new LAN subnet such as one inside 10.2.0.0/16 would.
 */
import { cidrContains, cidrsOverlap } from '../core/net.ts';
import type { LintContext, Rule } from './types.ts';

export const OVERLAP_RULES: Rule[] = [
  {
    id: 'inventory/overlap',
    severity: 'error',
    description:
      "The LAN, the cluster's pod and service ranges and the tailnet range do not overlap, and none contains ProtonVPN's WireGuard tunnel address or gateway.",
    source: 'https://github.com/qdm12/gluetun/blob/v3.41.1/internal/configuration/settings/wireguard.go#L185-L188',
  },
];

export function checkOverlap(ctx: LintContext): void {
  const { inv } = ctx;
  const ranges: [string, string][] = [
    ['lan.subnet', inv.lan.subnet],
    ['kubernetes.pod_cidr', inv.kubernetes.pod_cidr],
    ['kubernetes.service_cidr', inv.kubernetes.service_cidr],
    ['tailnet.range', inv.tailnet.range],
  ];
  const at = (key: string) => inv.lines[key] ?? 1;
  ranges.forEach(([key, cidr], i) => {
    for (const [otherKey, other] of ranges.slice(0, i)) {
      if (cidrsOverlap(cidr, other))
        ctx.report(
          'inventory/overlap',
          ctx.inventoryFile,
          at(key),
          `${key} ${cidr} overlaps ${otherKey} ${other}; traffic for the shared addresses would be routed to the wrong network. Pick ranges that do not overlap.`,
        );
    }
    const tunnel = inv.vpn.tunnel_address.split('/')[0];
    for (const [what, ip] of [
      ['tunnel address', tunnel],
      ['tunnel gateway', inv.vpn.tunnel_gateway],
    ]) {
      if (cidrContains(cidr, ip))
        ctx.report(
          'inventory/overlap',
          ctx.inventoryFile,
          at(key),
          `${key} ${cidr} contains ProtonVPN's WireGuard ${what} ${ip} (vpn.tunnel_address); gluetun would route it off the tunnel and port forwarding fails (gluetun#3013). Pick a range that does not contain it.`,
        );
    }
  });
}
