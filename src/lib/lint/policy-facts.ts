/**
 * The tailnet policy's own names for the network's addresses (`hosts`) agree with the inventory: an alias
 * for a range is the LAN, an alias for one address is inside the LAN or the tailnet. Grants and tests use
 * the aliases, so a LAN changed in the inventory but not here would leave every grant pointing at the old
 * network while the policy's own tests, written with the same aliases, still pass.
 * https://tailscale.com/docs/reference/syntax/policy-file#hosts
 */
import { cidrContains, parseCidr, parseIPv4 } from '../core/net.ts';
import { POLICY_FILE, type ParsedPolicy } from './tailscale.ts';
import type { LintContext, Rule } from './types.ts';

export const POLICY_FACT_RULES: Rule[] = [
  {
    id: 'inventory/policy-hosts',
    severity: 'error',
    description:
      "Each IPv4 alias in the policy's `hosts` is the inventory's LAN (a range) or an address inside the LAN or the tailnet range.",
    source: 'https://tailscale.com/docs/reference/syntax/policy-file#hosts',
  },
];

export function checkPolicyFacts(ctx: LintContext, parsed: ParsedPolicy | undefined): void {
  if (!parsed) return;
  const { subnet } = ctx.inv.lan;
  const { range } = ctx.inv.tailnet;
  for (const [alias, value] of Object.entries(parsed.policy.hosts ?? {})) {
    if (typeof value !== 'string') continue;
    const at = parsed.lineOf(['hosts', alias]);
    if (value.includes('/')) {
      if (parseCidr(value) && value !== subnet && !cidrContains(range, value.split('/')[0])) {
        ctx.report(
          'inventory/policy-hosts',
          POLICY_FILE,
          at,
          `hosts.${alias} is ${value}; the inventory's LAN is ${subnet} (lan.subnet). Change it to ${subnet}, or to an address inside it.`,
        );
      }
    } else if (parseIPv4(value) !== undefined && !cidrContains(subnet, value) && !cidrContains(range, value)) {
      ctx.report(
        'inventory/policy-hosts',
        POLICY_FILE,
        at,
        `hosts.${alias} is ${value}, outside the inventory's LAN ${subnet} and the tailnet ${range}; use an address of the LAN (the DNS server is ${ctx.inv.lan.dns_server}).`,
      );
    }
  }
}
