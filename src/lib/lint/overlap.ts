/**
 * Address ranges that must stay apart (the LAN, the cluster's pod and service ranges, the tailnet, ProtonVPN's
 * tunnel): the check itself is src/lib/inventory/ranges.ts, which the loader also runs, so a loaded inventory
 * never has a conflict; this rule reports every conflict of an inventory handed to lint directly.
 */
import { rangeConflicts } from '../inventory/ranges.ts';
import type { LintContext, Rule } from './types.ts';

export const OVERLAP_RULES: Rule[] = [
  {
    id: 'inventory/overlap',
    severity: 'error',
    description:
      "The LAN, the cluster's pod and service ranges and the tailnet range do not overlap, and none contains ProtonVPN's WireGuard tunnel address or gateway (the loader refuses such an inventory too).",
    source: 'https://github.com/qdm12/gluetun/blob/v3.41.1/internal/configuration/settings/wireguard.go#L185-L188',
  },
];

export function checkOverlap(ctx: LintContext): void {
  const { inv } = ctx;
  for (const c of rangeConflicts(inv, inv.vpn.tunnel_gateway, (key) => inv.lines[key]))
    ctx.report('inventory/overlap', ctx.inventoryFile, inv.lines[c.key] ?? 1, `${c.key} ${c.message}`);
}
