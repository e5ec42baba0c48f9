/**
 * routy, the subnet router: its sysctl file (forwarding for the address families it routes, persisted) and
 * its Tailscale settings (manifests/routy/tailscale-settings.yaml: `tailscale set` flags, tags), checked
 * against Tailscale's CLI at v1.102.3 (flags, route parsing, forwarding checks), the kernel's sysctl
 * documentation, and the inventory.
 */
import { closest } from 'fastest-levenshtein';
import { LineCounter, parseDocument } from 'yaml';
import { subnetRouter } from '../inventory/inventory.ts';
import { nodeLine, type PathKey } from '../inventory/manifests.ts';
import { isMasked, isUnspecified, maskedText, parsePrefix } from './go-parse.ts';
import type { LintContext, Rule } from './types.ts';

const TS = 'https://github.com/tailscale/tailscale/blob/v1.102.3/';
const KERNEL = 'https://www.kernel.org/doc/html/latest/networking/ip-sysctl.html';
export const ROUTY_RULES: Rule[] = [
  {
    id: 'routy/sysctl',
    severity: 'error',
    description:
      'The sysctl file turns on forwarding for each address family routy advertises a route in (net.ipv4.ip_forward, net.ipv6.conf.all.forwarding; Tailscale checks only those and never enables them), and where IPv6 forwarding is on it sets accept_ra = 2 on the LAN interface, or the kernel ignores router advertisements there and a SLAAC address is lost at the next reboot.',
    source: `${TS}net/netutil/ip_forward.go`,
  },
  {
    id: 'routy/settings-file',
    severity: 'error',
    description: 'tailscale-settings.yaml parses and has exactly host, set and tags.',
    source: 'manifests/routy/tailscale-settings.yaml',
  },
  {
    id: 'routy/unknown-flag',
    severity: 'error',
    description:
      'Every key under `set` is a `tailscale set` flag on Linux (nearest name suggested; tags are not a set flag).',
    source: `${TS}cmd/tailscale/cli/set.go`,
  },
  {
    id: 'routy/flag-value',
    severity: 'error',
    description:
      "Flag values have the flag's type: booleans, netfilter-mode on|nodivert|off, advertise-routes a list of IPv4 or IPv6 prefixes with no host bits set, without the exit routes.",
    source: `${TS}net/netutil/routes.go`,
  },
  {
    id: 'routy/advertise-routes',
    severity: 'error',
    description: "host and advertise-routes agree with the inventory's subnet router and LAN subnet.",
    source: 'src/data/network.yaml',
  },
  {
    id: 'routy/exit-node',
    severity: 'error',
    description:
      'advertise-exit-node is stated and false (tailscale set --advertise-routes alone keeps an existing exit-node advertisement).',
    source: `${TS}cmd/tailscale/cli/set.go`,
  },
  {
    id: 'routy/accept-routes',
    severity: 'error',
    description:
      'accept-routes is stated and false on routy: a router on the LAN it advertises would route its own LAN traffic into Tailscale.',
    source: 'https://github.com/tailscale/tailscale/issues/5999',
  },
  {
    id: 'routy/tags',
    severity: 'error',
    description: "routy's tags equal the inventory's tags for it.",
    source: 'src/data/network.yaml',
  },
  {
    id: 'routy/snat',
    severity: 'warning',
    description: 'snat-subnet-routes stays true unless every LAN host has a route to 100.64.0.0/10 via routy.',
    source: 'https://tailscale.com/docs/features/subnet-routers#disable-snat',
  },
];

const BOOL_FLAGS = [
  'accept-routes',
  'accept-dns',
  'exit-node-allow-lan-access',
  'shields-up',
  'ssh',
  'advertise-exit-node',
  'advertise-connector',
  'update-check',
  'auto-update',
  'report-posture',
  'webclient',
  'snat-subnet-routes',
  'stateful-filtering',
];
const TEXT_FLAGS = [
  'nickname',
  'exit-node',
  'hostname',
  'relay-server-port',
  'relay-server-static-endpoints',
  'accept-risk',
  'operator',
];
export const SET_FLAGS = [...BOOL_FLAGS, ...TEXT_FLAGS, 'advertise-routes', 'netfilter-mode'];
export const SYSCTL_FILE = 'manifests/routy/99-tailscale.conf';
export const SETTINGS_FILE = 'manifests/routy/tailscale-settings.yaml';

export interface RoutySettings {
  host: string;
  set: Record<string, unknown>;
  tags: string[];
}

export function checkRouty(ctx: LintContext): void {
  const app = ctx.apps.find((a) => a.kind === 'routy');
  if (!app) return;
  const sysctl = app.files.find((f) => f.path === SYSCTL_FILE);
  const settings = app.files.find((f) => f.path === SETTINGS_FILE);
  const routes = settings ? checkSettings(ctx, settings.path, settings.text) : [];
  if (!settings) ctx.report('routy/settings-file', app.dir, 1, `missing ${SETTINGS_FILE}.`);
  if (!sysctl) ctx.report('routy/sysctl', app.dir, 1, `missing ${SYSCTL_FILE}.`);
  else checkSysctl(ctx, sysctl.path, sysctl.text, routes);
}

function checkSysctl(ctx: LintContext, file: string, text: string, routes: string[]): void {
  const values = new Map<string, { value: string; line: number }>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) return;
    const m = /^-?([\w./-]+)\s*=\s*(.*)$/.exec(line);
    if (!m) ctx.report('routy/sysctl', file, i + 1, `"${line}" is not "key = value"; sysctl -p would reject it.`);
    else values.set(m[1].replace(/\//g, '.'), { value: m[2].trim(), line: i + 1 });
  });
  const families = routes.map((r) => parsePrefix(r)).filter((p) => p !== undefined);
  const want = (key: string, value: string, why: string) => {
    const found = values.get(key);
    if (!found)
      ctx.report(
        'routy/sysctl',
        file,
        1,
        `${key} is not set; add "${key} = ${value}" (${why}; only this file survives a reboot).`,
      );
    else if (found.value !== value)
      ctx.report('routy/sysctl', file, found.line, `${key} = ${found.value}; expected ${value} (${why}).`);
  };
  if (families.some((p) => p.addr.is4)) want('net.ipv4.ip_forward', '1', 'routy advertises an IPv4 route');
  if (families.some((p) => !p.addr.is4)) want('net.ipv6.conf.all.forwarding', '1', 'routy advertises an IPv6 route');
  if (values.get('net.ipv6.conf.all.forwarding')?.value === '1') {
    const lan = subnetRouter(ctx.inv).lan_interface;
    if (!lan)
      ctx.report(
        'routy/sysctl',
        file,
        values.get('net.ipv6.conf.all.forwarding')!.line,
        'IPv6 forwarding is on, but the inventory names no lan_interface for the subnet router, so accept_ra cannot be checked; add it.',
      );
    else
      want(
        `net.ipv6.conf.${lan}.accept_ra`,
        '2',
        `with forwarding on the kernel ignores router advertisements unless accept_ra is 2 (${KERNEL})`,
      );
  }
}

/** Checks the settings file; returns the routes it advertises. */
function checkSettings(ctx: LintContext, file: string, text: string): string[] {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: true });
  const at = (path: PathKey[]) => nodeLine(doc, counter, path);
  const report = (rule: string, path: PathKey[], message: string) => ctx.report(rule, file, at(path), message);
  if (doc.errors.length) {
    report('routy/settings-file', [], `not valid YAML: ${doc.errors[0].message.split('\n')[0]}`);
    return [];
  }
  const data = doc.toJS() as RoutySettings | null;
  const keys = Object.keys(data ?? {});
  if (
    !data ||
    typeof data.host !== 'string' ||
    !data.set ||
    typeof data.set !== 'object' ||
    !Array.isArray(data.tags) ||
    keys.some((k) => !['host', 'set', 'tags'].includes(k))
  ) {
    report(
      'routy/settings-file',
      [],
      `expected exactly the keys host (string), set (map of tailscale set flags) and tags (list); found ${keys.join(', ') || 'nothing'}.`,
    );
    return [];
  }
  for (const [flag, value] of Object.entries(data.set)) {
    const path = ['set', flag];
    if (!SET_FLAGS.includes(flag)) {
      const hint =
        flag === 'advertise-tags'
          ? 'tags are given at login (`tailscale up --advertise-tags`), not by `tailscale set`: use the top-level tags list.'
          : `did you mean ${closest(flag, SET_FLAGS)}?`;
      report('routy/unknown-flag', path, `"${flag}" is not a \`tailscale set\` flag; ${hint}`);
    } else if (BOOL_FLAGS.includes(flag) && typeof value !== 'boolean')
      report('routy/flag-value', path, `${flag} must be true or false, not ${JSON.stringify(value)}.`);
    else if (flag === 'netfilter-mode' && !['on', 'nodivert', 'off'].includes(String(value)))
      report('routy/flag-value', path, `netfilter-mode must be on, nodivert or off.`);
    else if (flag === 'advertise-routes') {
      for (const r of Array.isArray(value) ? value : [value]) {
        const p = typeof r === 'string' ? parsePrefix(r) : undefined;
        const why = !p
          ? 'is not an IP prefix ("is not a valid IP address or CIDR prefix")'
          : !isMasked(p)
            ? `has non-address bits set; expected ${maskedText(p)}`
            : isUnspecified(p.addr) && p.bits === 0
              ? 'is an exit route: use advertise-exit-node, which the architecture keeps off'
              : '';
        if (why)
          report(
            'routy/flag-value',
            path,
            `advertise-routes item ${JSON.stringify(r)} ${why} (tailscale net/netutil/routes.go).`,
          );
      }
    } else if (TEXT_FLAGS.includes(flag) && typeof value !== 'string')
      report('routy/flag-value', path, `${flag} must be a string.`);
  }
  const router = subnetRouter(ctx.inv);
  if (data.host !== router.name)
    report(
      'routy/advertise-routes',
      ['host'],
      `host is "${data.host}"; the inventory's subnet router is "${router.name}".`,
    );
  const routes = Array.isArray(data.set['advertise-routes'])
    ? [...(data.set['advertise-routes'] as string[])].sort()
    : [];
  const wanted = [...(router.advertise_routes ?? [])].sort();
  if (routes.join() !== wanted.join() || !routes.includes(ctx.inv.lan.subnet)) {
    report(
      'routy/advertise-routes',
      ['set', 'advertise-routes'],
      `advertise-routes is ${routes.join(', ') || 'missing'}; the inventory says ${wanted.join(', ')} (LAN ${ctx.inv.lan.subnet}).`,
    );
  }
  if (!ctx.inv.tailnet.exit_nodes && data.set['advertise-exit-node'] !== false) {
    report(
      'routy/exit-node',
      ['set', 'advertise-exit-node'],
      'advertise-exit-node must be stated as false: the inventory says no exit nodes, and `tailscale set --advertise-routes` alone keeps an existing exit-node advertisement.',
    );
  }
  if (data.set['accept-routes'] !== false)
    report(
      'routy/accept-routes',
      ['set', 'accept-routes'],
      'accept-routes must be stated as false on routy: it lives on the subnet it advertises, and accepted routes (table 52) would take its own LAN traffic.',
    );
  if ([...data.tags].sort().join() !== [...(router.tags ?? [])].sort().join())
    report(
      'routy/tags',
      ['tags'],
      `tags are ${data.tags.join(', ') || 'none'}; the inventory says ${(router.tags ?? []).join(', ') || 'none'} for ${router.name}.`,
    );
  if (data.set['snat-subnet-routes'] === false)
    report(
      'routy/snat',
      ['set', 'snat-subnet-routes'],
      'snat-subnet-routes: false means every LAN host needs a route to 100.64.0.0/10 via routy, or replies never come back.',
    );
  return routes;
}
