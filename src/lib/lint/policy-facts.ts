/**
 * The tailnet policy's addresses agree with the inventory. `hosts`: an alias for a range is the LAN, an alias for
 * one address is inside the LAN or the tailnet (inventory/policy-hosts). Everywhere else (the tests' accept and
 * deny entries, grants, ACLs, ipsets, ...): every address, host:port and CIDR lies inside a range the inventory
 * holds, is one of its hosts, or is a documented exception (inventory/policy-addresses). A test on an address in
 * no network the inventory knows passes vacuously: after the LAN moved, a deny test on an old LAN address still
 * "passes" while asserting nothing. (autoApprovers.routes has its own rule, tailscale/auto-approver-route.)
 * https://tailscale.com/docs/reference/syntax/policy-file#hosts, #tests
 */
import { cidrContains, parseCidr, parseIPv4 } from '../core/net.ts';
import { hostAddress } from '../inventory/derive.ts';
import { subnetRouter } from '../inventory/inventory.ts';
import { parseAddr, parsePrefix, prefixesOverlap, type GoPrefix } from './go-parse.ts';
import { splitHostPort } from './tailscale-eval.ts';
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
  {
    id: 'inventory/policy-addresses',
    severity: 'error',
    description:
      "Every address, host:port and CIDR in the policy (tests' accept and deny entries included) lies inside the LAN, the tailnet range or a route the subnet router advertises, is an inventory host, or is a documented exception (policy-facts.ts); each stale one is reported at its own line.",
    source: 'https://tailscale.com/docs/reference/syntax/policy-file#tests',
  },
];

/**
 * Addresses the policy may name although no range of the inventory holds them, each with the reason.
 * Special-purpose IPv4 blocks: https://www.iana.org/assignments/iana-ipv4-special-registry (RFC 6890).
 */
const SPECIAL_IPV4 = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/3',
].map((c) => parsePrefix(c)!);
export const POLICY_ADDRESS_EXCEPTIONS: { what: string; why: string; holds(p: GoPrefix): boolean }[] = [
  {
    what: 'a public internet address',
    why: 'stands for the internet: a deny test on one asserts that no member leaves through an exit node (tailnet.exit_nodes: false)',
    holds: (p) =>
      (p.addr.is4 && !SPECIAL_IPV4.some((s) => prefixesOverlap(s, p))) ||
      (!p.addr.is4 && inside(p, parsePrefix('2000::/3')!) && !inside(p, parsePrefix('2001:db8::/32')!)),
  },
  {
    what: "Tailscale's IPv6 range fd7a:115c:a1e0::/48",
    why: "every node's IPv6 address is inside it (https://tailscale.com/kb/1033/ip-and-dns-addresses)",
    holds: (p) => inside(p, parsePrefix('fd7a:115c:a1e0::/48')!),
  },
];

/** `p` lies wholly inside `range`. */
function inside(p: GoPrefix, range: GoPrefix): boolean {
  return p.addr.is4 === range.addr.is4 && p.bits >= range.bits && prefixesOverlap(p, range);
}

/** The address or prefix a policy string names, if any: "10.1.0.10", "10.1.0.0/24", "10.1.0.10:443", "[fd7a::1]:22". */
function addressIn(value: string): { text: string; prefix: GoPrefix } | undefined {
  const hp = splitHostPort(value, true);
  const candidates = hp ? [value, hp.host.replace(/^\[(.*)\]$/, '$1')] : [value];
  for (const text of candidates) {
    const prefix = parsePrefix(text);
    if (prefix) return { text, prefix };
    const addr = parseAddr(text);
    if (addr && addr.zone === undefined) return { text, prefix: { addr, bits: addr.bytes.length * 8 } };
  }
  return undefined;
}

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

export function checkPolicyAddresses(ctx: LintContext, parsed: ParsedPolicy | undefined): void {
  if (!parsed) return;
  const { inv } = ctx;
  const router = subnetRouter(inv);
  // The LAN, the tailnet, the routes the router advertises, and the inventory's hosts by address.
  const known = [
    inv.lan.subnet,
    inv.tailnet.range,
    ...(router.advertise_routes ?? []),
    ...inv.tailnet.hosts.flatMap((h) => (h.ip ? [h.ip] : [])),
  ].flatMap((text) => addressIn(text)?.prefix ?? []);
  const lanBits = parseCidr(inv.lan.subnet)!.bits;
  const visit = (value: unknown, path: (string | number)[]): void => {
    if (Array.isArray(value)) return value.forEach((v, i) => visit(v, [...path, i]));
    if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) visit(v, [...path, k]);
      return;
    }
    if (typeof value !== 'string') return;
    const found = addressIn(value);
    if (!found) return;
    const { text, prefix } = found;
    if (known.some((k) => inside(prefix, k)) || POLICY_ADDRESS_EXCEPTIONS.some((e) => e.holds(prefix))) return;
    // The same host in the LAN, when the address is IPv4: what a LAN move most likely meant.
    const ip = text.split('/')[0];
    const n = parseIPv4(ip);
    const same =
      n !== undefined && !text.includes('/') && lanBits < 32
        ? hostAddress(inv.lan.subnet, n & (2 ** (32 - lanBits) - 1))
        : undefined;
    const where = path
      .map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`))
      .join('')
      .slice(1);
    const deny = path[0] === 'tests' && path[2] === 'deny';
    ctx.report(
      'inventory/policy-addresses',
      POLICY_FILE,
      parsed.lineOf(path),
      `${where} names ${text}, which is in no network the inventory knows: not in the LAN ${inv.lan.subnet}, the tailnet ${inv.tailnet.range} or a route ${router.name} advertises${deny ? ', so this deny test passes whatever the grants say' : ''}. Use an address of the LAN${same && cidrContains(inv.lan.subnet, same) ? ` (the same host there is ${same})` : ''}, of the tailnet, or a host alias.`,
    );
  };
  for (const [section, value] of Object.entries(parsed.policy)) {
    // hosts and autoApprovers.routes have their own, stricter rules (inventory/policy-hosts,
    // tailscale/auto-approver-route): one finding per mistake.
    if (section === 'hosts' || section === 'autoApprovers') continue;
    visit(value, [section]);
  }
}
