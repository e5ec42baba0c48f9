/**
 * No network fact typed by hand: pages, runbooks, the README and manifest comments must take addresses,
 * host and proxy names, regions and countries from the inventory (an expression, <Fact>, a generated
 * file), never repeat them. A typed copy is what drifts: change the LAN in the inventory and the copy keeps
 * the old value. Any IPv4 literal counts (an old value is no longer in the inventory but still wrong),
 * except addresses that are no network's fact (0.0.0.0/0, loopback, the RFC 5737 documentation ranges).
 * The few places that must quote a fact are in literal-facts-allow.ts, each with its reason.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { cidrContains, parseCidr, parseIPv4 } from '../core/net.ts';
import { generatedFiles, REPO_ROOT } from '../inventory/generate.ts';
import type { Inventory } from '../inventory/inventory.ts';
import { LITERAL_ALLOW } from './literal-facts-allow.ts';
import type { LintContext, Rule } from './types.ts';

export const LITERAL_RULES: Rule[] = [
  {
    id: 'inventory/literal-fact',
    severity: 'error',
    description:
      'No page, runbook, README or manifest comment types a network fact the inventory holds (an IPv4 address or CIDR, a host, proxy, region or country); it takes it from the inventory instead, or is allow-listed with its reason.',
    source: 'src/lib/lint/literal-facts-allow.ts',
  },
  {
    id: 'inventory/literal-allow-stale',
    severity: 'warning',
    description:
      'Every allow-list entry for a typed fact still matches something (remove it once the fact is gone from the file).',
    source: 'src/lib/lint/literal-facts-allow.ts',
  },
];

/** Where typed facts are looked for, relative to the repository root. */
const SCOPES: { dir: string; ext: RegExp; comments?: boolean }[] = [
  { dir: 'src/content/docs', ext: /\.mdx?$/ },
  { dir: 'runbooks', ext: /\.(ts|mjs)$/ },
  { dir: 'README.md', ext: /\.md$/ },
  { dir: 'manifests', ext: /\.(ya?ml|hujson|conf)$/, comments: true },
];

/** Not any network's fact: the default route, loopback, and the documentation ranges of RFC 5737. */
const NOT_FACTS = [
  '0.0.0.0/8',
  '127.0.0.0/8',
  '192.0.2.0/24',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '255.255.255.255/32',
];
const IPV4 = /(?<![\d.])(\d{1,3}(?:\.\d{1,3}){3})(\/\d{1,2})?(?![\d.]*\d)/g;

export interface FactName {
  literal: string;
  what: string;
  key: string;
  ignoreCase: boolean;
}

/** The names the inventory holds that no file may type: hosts (not personal devices), proxies, regions, countries. */
export function factNames(inv: Inventory): FactName[] {
  const names: FactName[] = [];
  // Personal devices are named by what they are (phone, laptop), and a host whose whole entry is assumed
  // has a guessed name: neither is a fact a file could repeat.
  for (const h of inv.tailnet.hosts.filter((x) => x.role !== 'personal' && !x.assumed))
    names.push({ literal: h.name, what: 'a tailnet host', key: `tailnet.hosts.${h.name}`, ignoreCase: false });
  for (const d of inv.vpn.deployments) {
    if (d.pattern === 'shared-proxy') {
      names.push({ literal: d.name, what: 'a shared proxy', key: `vpn.proxies.${d.region}`, ignoreCase: false });
      names.push({
        literal: d.region!,
        what: 'a proxy region',
        key: `vpn.proxies.${d.region}.region`,
        ignoreCase: true,
      });
    }
    names.push({
      literal: d.country,
      what: 'a VPN exit country',
      key: `${d.pattern === 'shared-proxy' ? `vpn.proxies.${d.region}` : `vpn.sidecars.${d.name}`}.country`,
      ignoreCase: false,
    });
  }
  // One entry per name; a region and its country ("x" and "X") become one entry that ignores case.
  const out: FactName[] = [];
  for (const n of names) {
    const same = out.find((m) => m.literal.toLowerCase() === n.literal.toLowerCase());
    if (!same) out.push({ ...n });
    else if (n.ignoreCase) same.ignoreCase = true;
  }
  return out;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const nameRegex = (n: FactName) =>
  new RegExp(
    `(?<![A-Za-z0-9-])${escape(n.literal)}(?![A-Za-z0-9-])(?!\\.(?:ts|mjs|js|mdx?|ya?ml|json)\\b)`,
    n.ignoreCase ? 'gi' : 'g',
  );

/** Every file in scope, repo-relative, minus what `npm run generate` writes (checked by inventory/generated). */
export function scannedFiles(root: string, inv: Inventory): { file: string; comments: boolean }[] {
  const generated = new Set(generatedFiles(inv).map((g) => g.path));
  const out: { file: string; comments: boolean }[] = [];
  const walk = (abs: string, scope: (typeof SCOPES)[number]) => {
    if (!existsSync(abs)) return;
    if (statSync(abs).isDirectory()) {
      for (const name of readdirSync(abs).sort()) if (name !== 'node_modules') walk(join(abs, name), scope);
    } else if (scope.ext.test(abs)) {
      const file = relative(root, abs);
      if (!generated.has(file)) out.push({ file, comments: Boolean(scope.comments) });
    }
  };
  for (const scope of SCOPES) walk(join(root, scope.dir), scope);
  return out;
}

/** The comment part of a manifest line ('' when the line has none). */
function commentOf(line: string): string {
  const yaml = /(^|\s)#(.*)$/.exec(line);
  if (yaml) return yaml[2];
  const json = /(^|\s)\/\/(.*)$/.exec(line);
  return json ? json[2] : '';
}

function describeAddress(inv: Inventory, ip: string, bits: string | undefined): string {
  const held: [string, string][] = [
    ['lan.subnet', inv.lan.subnet],
    ['tailnet.range', inv.tailnet.range],
    ['kubernetes.pod_cidr', inv.kubernetes.pod_cidr],
    ['kubernetes.service_cidr', inv.kubernetes.service_cidr],
    ['vpn.tunnel_address', inv.vpn.tunnel_address],
  ];
  const text = `${ip}${bits ?? ''}`;
  const exact =
    held.find(([, v]) => v === text) ?? (text === inv.lan.dns_server ? ['lan.dns_server', text] : undefined);
  if (exact) return `is the inventory's ${exact[0]}`;
  const inside = held.find(([, v]) => cidrContains(v, ip));
  return inside
    ? `is an address in the inventory's ${inside[0]} (${inside[1]})`
    : 'is a network address the inventory does not hold (a stale value?)';
}

export function checkLiteralFacts(ctx: LintContext): void {
  const { inv, root } = ctx;
  const names = factNames(inv).map((n) => ({ ...n, re: nameRegex(n) }));
  const used = new Set<number>();
  const allowed = (file: string, literal: string) => {
    const i = LITERAL_ALLOW.findIndex((a) => a.file === file && a.literal === literal);
    if (i >= 0) used.add(i);
    return i >= 0;
  };
  const keyLine = (key: string) =>
    `${ctx.inventoryFile}:${inv.lines[key] ?? inv.lines[key.split('.').slice(0, -1).join('.')] ?? 1}`;
  const how =
    'take it from the inventory (<Fact at="…" /> or an expression in a page, the inventory in a runbook, a generated file) or allow-list it with its reason in src/lib/lint/literal-facts-allow.ts';
  for (const { file, comments } of scannedFiles(root, inv)) {
    readFileSync(join(root, file), 'utf8')
      .split('\n')
      .forEach((raw, i) => {
        const line = comments ? commentOf(raw) : raw;
        if (!line) return;
        for (const m of line.matchAll(IPV4)) {
          const [ip, bits] = [m[1], m[2]];
          if (parseIPv4(ip) === undefined || (bits && !parseCidr(`${ip}${bits}`) && Number(bits.slice(1)) > 32))
            continue;
          if (NOT_FACTS.some((c) => cidrContains(c, ip)) || allowed(file, `${ip}${bits ?? ''}`)) continue;
          ctx.report(
            'inventory/literal-fact',
            file,
            i + 1,
            `"${ip}${bits ?? ''}" ${describeAddress(inv, ip, bits)}; ${how}.`,
          );
        }
        for (const n of names) {
          for (const m of line.matchAll(n.re)) {
            if (allowed(file, m[0])) continue;
            ctx.report(
              'inventory/literal-fact',
              file,
              i + 1,
              `"${m[0]}" is ${n.what} the inventory holds (${n.key}, ${keyLine(n.key)}); ${how}.`,
            );
          }
        }
      });
  }
  const allowFile = 'src/lib/lint/literal-facts-allow.ts';
  const allowLines = existsSync(join(REPO_ROOT, allowFile))
    ? readFileSync(join(REPO_ROOT, allowFile), 'utf8').split('\n')
    : [];
  LITERAL_ALLOW.forEach((a, i) => {
    if (used.has(i) || !existsSync(join(root, a.file))) return;
    const line = allowEntryLine(allowLines, a);
    ctx.report(
      'inventory/literal-allow-stale',
      allowFile,
      line || 1,
      `the entry for "${a.literal}" in ${a.file} matches nothing any more; remove it.`,
    );
  });
}

/**
 * The 1-based line where an allow-list entry starts: the line naming its file, followed (on that line or the
 * next few, however the entry is formatted) by its literal. 0 when not found.
 */
export function allowEntryLine(lines: string[], entry: { file: string; literal: string }): number {
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].includes(`'${entry.file}'`)) continue;
    const rest = lines.slice(i, i + 3).join('\n');
    if (rest.includes(`literal: '${entry.literal}'`) || rest.includes(`literal: "${entry.literal}"`)) return i + 1;
  }
  return 0;
}
