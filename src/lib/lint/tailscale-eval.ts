/**
 * A local evaluator for a tailnet policy's `tests`, for the features this policy uses: users, groups, tags,
 * autogroup:member / autogroup:tagged / autogroup:self / autogroup:internet, hosts, IPs and CIDRs, and
 * protocol:port lists in grants (and legacy acls). Tailscale runs the same tests on every policy change and
 * rejects the change if one fails (https://tailscale.com/docs/reference/syntax/policy-file#tests); running
 * them here catches a grant that cuts the phone off the LAN in CI, before it reaches Tailscale.
 *
 * Anything else (ipsets, postures, via, other autogroups) is reported as unsupported rather than guessed.
 * A test without "proto" is evaluated as TCP (assumption; the bundled policy states proto on every test).
 */
import { cidrContains, parseCidr, parseIPv4 } from '../core/net.ts';

export interface Policy {
  groups?: Record<string, string[]>;
  hosts?: Record<string, string>;
  tagOwners?: Record<string, string[]>;
  grants?: { src?: string[]; dst?: string[]; ip?: string[]; via?: unknown; srcPosture?: unknown; app?: unknown }[];
  acls?: { action?: string; src?: string[]; dst?: string[]; proto?: string }[];
  tests?: PolicyTest[];
  [key: string]: unknown;
}
export interface PolicyTest {
  src?: string;
  proto?: string;
  accept?: string[];
  allow?: string[];
  deny?: string[];
}
export interface TestOutcome {
  test: number;
  kind: 'accept' | 'deny';
  item: number;
  dst: string;
  ok: boolean;
  message: string;
}

interface Rule {
  src: string[];
  dst: string[];
  ip: string[];
}
interface Identity {
  user?: string;
  groups: string[];
  tag?: string;
  ip?: string;
  member: boolean;
}

const TAILNET = '100.64.0.0/10';
const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '127.0.0.0/8', '169.254.0.0/16', TAILNET];
const EMAIL = /^[^@\s:]+@[^@\s:]+$/;

export function evaluateTests(policy: Policy): { outcomes: TestOutcome[]; unsupported: string[] } {
  const unsupported = new Set<string>();
  const rules = networkRules(policy, unsupported);
  const outcomes: TestOutcome[] = [];
  (policy.tests ?? []).forEach((t, ti) => {
    const who = identity(policy, t.src ?? '', unsupported);
    const proto = (t.proto ?? 'tcp').toLowerCase();
    const check = (kind: 'accept' | 'deny', list: string[] | undefined) =>
      (list ?? []).forEach((dst, item) => {
        const target = splitHostPort(dst);
        const allowed =
          !!target &&
          rules.some(
            (r) =>
              srcMatches(policy, r.src, who, unsupported) &&
              dstMatches(policy, r.dst, target.host, who, unsupported) &&
              portMatches(r.ip, proto, target.port),
          );
        const ok = kind === 'accept' ? allowed : !allowed;
        const message = ok
          ? ''
          : kind === 'accept'
            ? `${t.src} cannot reach ${dst}/${proto}: no grant allows it`
            : `${t.src} can reach ${dst}/${proto}, which the test expects to be denied`;
        outcomes.push({ test: ti, kind, item, dst, ok, message });
      });
    check('accept', t.accept ?? t.allow);
    check('deny', t.deny);
  });
  return { outcomes, unsupported: [...unsupported] };
}

function networkRules(policy: Policy, unsupported: Set<string>): Rule[] {
  const rules: Rule[] = [];
  for (const g of policy.grants ?? []) {
    if (g.via) unsupported.add('grants with "via"');
    if (g.srcPosture) unsupported.add('grants with "srcPosture"');
    if (!g.ip) continue; // application-level grant (app only): not part of network tests
    rules.push({ src: g.src ?? [], dst: g.dst ?? [], ip: g.ip });
  }
  for (const a of policy.acls ?? []) {
    for (const d of a.dst ?? []) {
      const hp = splitHostPort(d, true);
      if (!hp) continue;
      const ports = hp.port.split(',').map((p) => (a.proto ? `${a.proto}:${p}` : p));
      rules.push({ src: a.src ?? [], dst: [hp.host], ip: ports });
    }
  }
  if (policy.ipsets) unsupported.add('ipsets');
  if (policy.postures) unsupported.add('postures');
  return rules;
}

/** "10.1.0.53:53", "tag:router:22", "lan-dns:53" -> host and port (the last colon splits). */
export function splitHostPort(dst: string, allowLists = false): { host: string; port: string } | undefined {
  const i = dst.lastIndexOf(':');
  if (i <= 0) return undefined;
  const port = dst.slice(i + 1);
  if (!(allowLists ? /^(\*|[\d,-]+)$/ : /^\d+$/).test(port)) return undefined;
  return { host: dst.slice(0, i), port };
}

function identity(policy: Policy, src: string, unsupported: Set<string>): Identity {
  const groupsOf = (user: string) =>
    Object.entries(policy.groups ?? {})
      .filter(([, m]) => m.includes(user))
      .map(([g]) => g);
  if (EMAIL.test(src)) return { user: src, groups: groupsOf(src), member: true };
  if (src.startsWith('group:')) return { groups: [src], member: true };
  if (src.startsWith('tag:')) return { tag: src, groups: [], member: false };
  const ip = resolveHost(policy, src);
  if (ip && parseIPv4(ip) !== undefined) return { ip, groups: [], member: false };
  unsupported.add(`test source "${src}"`);
  return { groups: [], member: false };
}

function resolveHost(policy: Policy, name: string): string | undefined {
  if (parseIPv4(name) !== undefined || parseCidr(name)) return name;
  return policy.hosts?.[name];
}

function inRange(range: string, ip: string): boolean {
  return range.includes('/') ? cidrContains(range, ip) : range === ip;
}

function srcMatches(policy: Policy, selectors: string[], who: Identity, unsupported: Set<string>): boolean {
  return selectors.some((s) => {
    if (s === '*') return true;
    if (s === 'autogroup:member') return who.member;
    if (s === 'autogroup:tagged') return !!who.tag;
    if (s.startsWith('autogroup:')) return unsupported.add(`source ${s}`) && false;
    if (s.startsWith('group:'))
      return who.groups.includes(s) || (!!who.user && (policy.groups?.[s] ?? []).includes(who.user));
    if (s.startsWith('tag:')) return who.tag === s;
    if (EMAIL.test(s)) return who.user === s;
    const range = resolveHost(policy, s);
    if (range) return !!who.ip && inRange(range, who.ip);
    unsupported.add(`source "${s}"`);
    return false;
  });
}

function dstMatches(
  policy: Policy,
  selectors: string[],
  host: string,
  who: Identity,
  unsupported: Set<string>,
): boolean {
  const ip = resolveHost(policy, host);
  const isIp = !!ip && parseIPv4(ip) !== undefined;
  return selectors.some((s) => {
    if (s === '*') return true;
    if (s === 'autogroup:internet') return isIp && !PRIVATE.some((r) => cidrContains(r, ip!));
    if (s === 'autogroup:self') return !!who.user && host === who.user;
    if (s === 'autogroup:member') return EMAIL.test(host) || host.startsWith('group:');
    if (s === 'autogroup:tagged') return host.startsWith('tag:');
    if (s.startsWith('autogroup:')) return unsupported.add(`destination ${s}`) && false;
    if (s.startsWith('tag:')) return host === s;
    if (s.startsWith('group:')) return host === s || (policy.groups?.[s] ?? []).includes(host);
    if (EMAIL.test(s)) return host === s;
    const range = resolveHost(policy, s);
    if (range) return isIp && inRange(range, ip!);
    unsupported.add(`destination "${s}"`);
    return false;
  });
}

/** Grant `ip` entries: "*", "443", "tcp:443", "udp:53", "tcp:80-90", "tcp:*", "icmp:*". */
function portMatches(entries: string[], proto: string, port: string): boolean {
  const n = Number(port);
  return entries.some((entry) => {
    if (entry === '*') return true;
    const [p, spec] = entry.includes(':') ? entry.split(':') : ['*', entry];
    if (p !== '*' && p.toLowerCase() !== proto) return false;
    return spec.split(',').some((part) => {
      if (part === '*') return true;
      const [lo, hi = lo] = part.split('-').map(Number);
      return n >= lo && n <= hi;
    });
  });
}
