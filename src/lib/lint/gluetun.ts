/**
 * gluetun rules on each environment variable, driven by the v3.41.1 settings table (gluetun-settings.ts):
 * whether gluetun reads the name at all, under which current name, and whether it accepts the value.
 * gluetun ignores a name it does not know and starts anyway, and refuses to start on a value it cannot
 * parse, so both directions matter. Rules across settings: gluetun-combos.ts; the pod: gluetun-pod.ts.
 */
import { closest } from 'fastest-levenshtein';
import { checkCombinations } from './gluetun-combos.ts';
import { gluetunContainers, type GluetunRef } from './gluetun-ref.ts';
import {
  classify,
  GLUETUN_SRC,
  GOSETTINGS_SRC,
  IGNORED,
  KNOWN_NAMES,
  MASTER_ONLY,
  retroOf,
} from './gluetun-settings.ts';
import { checkValue } from './gluetun-values.ts';
import type { Container } from './pods.ts';
import type { LintContext, Rule } from './types.ts';

const S = `${GLUETUN_SRC}internal/configuration/settings/`;
export const GLUETUN_ENV_RULES: Rule[] = [
  {
    id: 'gluetun/unknown-env',
    severity: 'error',
    description:
      "Every env var of a gluetun container is a name gluetun v3.41.1 reads (a setting, an old name, or a setting's _SECRETFILE/_FILE path); gluetun silently ignores any other, so the default applies. The nearest known name is suggested.",
    source: `${GLUETUN_SRC}Dockerfile`,
  },
  {
    id: 'gluetun/deprecated-env',
    severity: 'warning',
    description:
      'An old name gluetun still reads is replaced by its current name (gluetun logs "You are using the old ...").',
    source: `${GLUETUN_SRC}cmd/gluetun/main.go`,
  },
  {
    id: 'gluetun/old-name-wins',
    severity: 'error',
    description:
      'An old name and its current name are not both set: gluetun reads the old name first, so the current value is ignored.',
    source: `${GOSETTINGS_SRC}internal/parse/get.go`,
  },
  {
    id: 'gluetun/ignored-env',
    severity: 'error',
    description:
      'No name gluetun no longer reads at all (FIREWALL since v3.39.0, the obsolete DOT_* and HEALTH_VPN_* names).',
    source: `${S}deprecated.go`,
  },
  {
    id: 'gluetun/csv-spaces',
    severity: 'error',
    description:
      'No spaces around commas in a list of names: gluetun splits on "," without trimming, so " Netherlands" matches no server.',
    source: `${GOSETTINGS_SRC}internal/parse/builtin.go`,
  },
  {
    id: 'gluetun/boolean-value',
    severity: 'error',
    description:
      'On/off settings are one of enabled, yes, on, true, disabled, no, off, false (1 and 0 make gluetun refuse to start); HTTPPROXY_LOG=info is refused too (only its old names took log levels).',
    source: `${GOSETTINGS_SRC}internal/parse/parse.go`,
  },
  {
    id: 'gluetun/value-type',
    severity: 'error',
    description:
      'Numbers, durations, IP addresses and prefixes parse the way gluetun parses them (strconv, time.ParseDuration, net/netip) and are in the range its validate() allows; otherwise gluetun refuses to start.',
    source: `${GOSETTINGS_SRC}reader/builtin.go`,
  },
  {
    id: 'gluetun/enum-value',
    severity: 'error',
    description:
      'Settings with a fixed set of values (VPN_TYPE, WIREGUARD_IMPLEMENTATION, LOG_LEVEL, SHADOWSOCKS_CIPHER, PUBLICIP_API, old PROXY_LOG levels, ...) use one of them.',
    source: `${S}wireguard.go`,
  },
  {
    id: 'gluetun/address-value',
    severity: 'error',
    description:
      'Listening addresses are [host]:port; FIREWALL_INPUT_PORTS and FIREWALL_VPN_INPUT_PORTS have no port 0; FIREWALL_OUTBOUND_SUBNETS has no prefix starting at the unspecified address (0.0.0.0/8, ::/0). IPv6 prefixes are fine.',
    source: `${S}firewall.go`,
  },
  {
    id: 'gluetun/secret-literal',
    severity: 'error',
    description:
      'Keys and passwords (WireGuard key, OpenVPN password, control-server API key, ...) come from a Secret, never as a literal value in git.',
    source: 'https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables',
  },
  {
    id: 'gluetun/image-pinned',
    severity: 'error',
    description:
      'The gluetun image is pinned to a release tag vX.Y.Z (or a digest); :latest is built from the development branch.',
    source: 'https://github.com/qdm12/gluetun-wiki/blob/v3.41.0/setup/docker-image-tags.md',
  },
];

export function checkGluetunEnv(ctx: LintContext): void {
  for (const g of gluetunContainers(ctx)) {
    const report = (rule: string, name: string, message: string, field: 'value' | 'name' = 'value') =>
      ctx.report(rule, g.pod.obj.file, g.at(name, field), `container ${g.container.name}: ${message}`);
    const helpers = kubeletHelpers(g.container);
    for (const [name, { value }] of g.env) checkName(g, name, value, helpers, report);
    checkCombinations(g, report);
    const image = g.container.image ?? '';
    if (!/:v\d+\.\d+\.\d+(@sha256:[a-f0-9]{64})?$/.test(image) && !/@sha256:[a-f0-9]{64}$/.test(image)) {
      ctx.report(
        'gluetun/image-pinned',
        g.pod.obj.file,
        g.pod.obj.line,
        `container ${g.container.name}: image "${image}" is not pinned to a release; use a tag such as qmcgaw/gluetun:v3.41.1 (:latest and :v3 move).`,
      );
    }
  }
}

type Report = (rule: string, name: string, message: string, field?: 'value' | 'name') => void;

function checkName(g: GluetunRef, name: string, value: string | undefined, helpers: Set<string>, report: Report): void {
  const kind = classify(name);
  if (kind.kind === 'ignored') return report('gluetun/ignored-env', name, `${name} is ${IGNORED[name].why}.`, 'name');
  if (kind.kind === 'unknown') {
    if (helpers.has(name)) return;
    const hint = MASTER_ONLY.includes(name)
      ? 'it exists only on gluetun master (the :latest image), not in v3.41.1'
      : `did you mean ${closest(name, [...KNOWN_NAMES])}?`;
    return report(
      'gluetun/unknown-env',
      name,
      `${name} is not a setting gluetun v3.41.1 reads, so it is silently ignored; ${hint}`,
      'name',
    );
  }
  if (kind.kind === 'file') return;
  if (kind.kind === 'retro') {
    const targets = retroOf(name);
    const winner = targets.map((t) => t.setting.key).find((key) => g.env.get(key)?.value !== '' && g.has(key));
    if (winner)
      report(
        'gluetun/old-name-wins',
        name,
        `${name} and ${winner} are both set; gluetun reads the old name ${name} first and ignores ${winner}. Remove ${name}.`,
        'name',
      );
    else
      report(
        'gluetun/deprecated-env',
        name,
        `${name} is an old name; use ${targets.map((t) => t.setting.key).join(' or ')}.`,
        'name',
      );
  }
  if (value === undefined) return;
  const s = kind.setting;
  const retro = kind.kind === 'retro' ? kind.retro : undefined;
  const unchecked = s.only && !s.only.includes(g.provider ?? '') && s.parse !== 'bool';
  const parse = retro?.parse ?? s.parse;
  if (parse === 'command' || parse === 'role-json') return; // gluetun-combos.ts, gluetun-pod.ts
  for (const p of checkValue(
    name,
    value,
    s,
    parse,
    unchecked ? undefined : (retro?.values ?? (retro?.parse ? undefined : s.values)),
  )) {
    const rule =
      p.rule === 'gluetun/enum-value' && s.key === 'VPN_SERVICE_PROVIDER'
        ? 'gluetun/provider'
        : p.rule === 'gluetun/enum-value' && s.key === 'VPN_TYPE'
          ? 'gluetun/vpn-type'
          : p.rule;
    report(rule, name, `${p.message} (${s.key}: ${GLUETUN_SRC}${s.file})`);
  }
  if (s.secret && value.replace(/\$\([A-Za-z_]\w*\)/g, '') !== '')
    report(
      'gluetun/secret-literal',
      name,
      `${name} has a literal value; take it from a Secret (valueFrom.secretKeyRef) created by a runbook, never from git.`,
    );
}

/** Variables used only to build other values through $(VAR) (expanded by the kubelet, not read by gluetun). */
function kubeletHelpers(c: Container): Set<string> {
  return new Set((c.env ?? []).flatMap((e) => [...(e.value ?? '').matchAll(/\$\(([A-Za-z_]\w*)\)/g)].map((m) => m[1])));
}
