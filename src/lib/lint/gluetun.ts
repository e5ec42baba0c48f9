/**
 * gluetun rules on its environment variables: names, old names, value formats. gluetun ignores a misspelled
 * name and starts anyway, so a typo such as FIREWALL=off or SERVER_COUNTRY=Iceland goes unnoticed until
 * traffic leaves from the wrong place. Every rule cites research/gluetun.md; the sources behind it are in
 * each rule's `source`. Pod-level rules (ports, firewall, control server, devices): gluetun-pod.ts.
 */
import { closest, distance } from 'fastest-levenshtein';
import { lineAt, type PathKey } from '../inventory/manifests.ts';
import { cidrsOverlap, parseCidr } from '../core/net.ts';
import { BOOL_VALUES, DEPRECATED, IGNORED, isTrue, KNOWN, MASTER_ONLY, PROVIDERS, specOf, WIREGUARD_PROVIDERS } from './gluetun-vars.ts';
import { containers, podTemplates, type Container, type ContainerRef } from './pods.ts';
import type { LintContext, Rule } from './types.ts';

const G = 'https://github.com/qdm12/gluetun/blob/v3.41.1/';
const GS = 'https://github.com/qdm12/gosettings/blob/v0.4.4/';
export const GLUETUN_ENV_RULES: Rule[] = [
  { id: 'gluetun/unknown-env', severity: 'error', description: 'Every env var of a gluetun container is one gluetun v3.41 reads (it silently ignores others); the nearest known name is suggested. research/gluetun.md §1.', source: `${G}internal/configuration/settings/` },
  { id: 'gluetun/deprecated-env', severity: 'warning', description: 'Old variable names (still honoured) are replaced by their current name. research/gluetun.md §1.2.', source: `${G}cmd/gluetun/main.go` },
  { id: 'gluetun/old-name-wins', severity: 'error', description: 'An old name and its new name are not both set: gluetun reads the old one first, so the new value is ignored. research/gluetun.md §1.', source: `${GS}internal/parse/get.go` },
  { id: 'gluetun/ignored-env', severity: 'error', description: 'Names gluetun no longer reads at all (FIREWALL since v3.39.0, the obsolete DOT_*/HEALTH_VPN_* list). research/gluetun.md §1.', source: `${G}internal/configuration/settings/deprecated.go` },
  { id: 'gluetun/csv-spaces', severity: 'error', description: 'Comma-separated values have no spaces: gluetun splits on "," without trimming, so " Netherlands" matches no server. research/gluetun.md §1.', source: `${GS}internal/parse/builtin.go` },
  { id: 'gluetun/boolean-value', severity: 'error', description: 'On/off settings are one of enabled|yes|on|true|disabled|no|off|false (1 and 0 are fatal). research/gluetun.md §1.', source: `${GS}internal/parse/parse.go` },
  { id: 'gluetun/provider', severity: 'error', description: 'VPN_SERVICE_PROVIDER names a provider gluetun v3.41 supports. research/gluetun.md §1.3.', source: `${G}internal/constants/providers/providers.go` },
  { id: 'gluetun/vpn-type', severity: 'error', description: 'VPN_TYPE is openvpn or wireguard, the provider supports it, and WireGuard has its private key. research/gluetun.md §1.3.', source: `${G}internal/configuration/settings/provider.go` },
  { id: 'gluetun/enum-value', severity: 'error', description: 'Settings with a fixed set of values (WIREGUARD_IMPLEMENTATION, LOG_LEVEL, SHADOWSOCKS_CIPHER, ...) use one of them. research/gluetun.md §1.3.', source: `${G}internal/configuration/settings/` },
  { id: 'gluetun/address-value', severity: 'error', description: 'Listening addresses are [host]:port, port lists are numbers, FIREWALL_OUTBOUND_SUBNETS are CIDRs and not 0.0.0.0/0. research/gluetun.md §1.3.', source: `${G}internal/configuration/settings/firewall.go` },
  { id: 'gluetun/wireguard-endpoint-port', severity: 'error', description: 'WIREGUARD_ENDPOINT_PORT is not set with ProtonVPN ("endpoint port is set"). research/gluetun.md §1.3.', source: `${G}internal/configuration/settings/wireguardselection.go` },
  { id: 'gluetun/free-port-forward', severity: 'error', description: 'FREE_ONLY and port forwarding are not combined with ProtonVPN (rejected: free servers do not forward ports). research/gluetun.md §5.', source: `${G}internal/configuration/settings/serverselection.go` },
  { id: 'gluetun/outbound-subnets-overlap', severity: 'error', description: 'FIREWALL_OUTBOUND_SUBNETS does not overlap the tunnel range (ProtonVPN 10.2.0.0/24, NAT-PMP gateway 10.2.0.1) while port forwarding is on. research/gluetun.md §4.', source: 'https://github.com/qdm12/gluetun/issues/3013' },
  { id: 'gluetun/secret-literal', severity: 'error', description: 'Keys and passwords (WireGuard key, control-server API key, ...) come from a Secret, never as a literal value in git.', source: 'https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables' },
  { id: 'gluetun/up-command', severity: 'error', description: 'Port-forwarding up/down commands run without a shell (wrap pipes and && in /bin/sh -c), use wget not curl, use only {{PORT}}, {{PORTS}}, {{VPN_INTERFACE}}, and need port forwarding on. research/gluetun.md §5.', source: `${G}internal/portforward/service/command.go` },
  { id: 'gluetun/image-pinned', severity: 'error', description: 'The gluetun image is pinned to a release tag vX.Y.Z (or a digest); :latest is the development branch. research/gluetun.md §7.', source: 'https://github.com/qdm12/gluetun-wiki/blob/main/setup/docker-image-tags.md' },
];

const IMAGES = ['qmcgaw/gluetun', 'docker.io/qmcgaw/gluetun', 'index.docker.io/qmcgaw/gluetun', 'ghcr.io/qdm12/gluetun'];
export function isGluetunImage(image: string | undefined): boolean {
  return !!image && IMAGES.includes(image.replace(/@sha256:.*$/, '').replace(/:[^/]*$/, ''));
}

export interface EnvEntry {
  index: number;
  /** The literal value; undefined when it comes from a Secret or ConfigMap. */
  value?: string;
}
export interface GluetunRef extends ContainerRef {
  env: Map<string, EnvEntry>;
  /** The effective literal value of a setting (env or gluetun's default; undefined when from a Secret). */
  get(name: string): string | undefined;
  has(name: string): boolean;
  at(name: string, field?: 'value' | 'name'): number;
}

const DEFAULTS: Record<string, string> = {
  VPN_SERVICE_PROVIDER: 'private internet access', VPN_TYPE: 'openvpn', HTTPPROXY: 'off', HTTPPROXY_LISTENING_ADDRESS: ':8888',
  SHADOWSOCKS: 'off', SHADOWSOCKS_LISTENING_ADDRESS: ':8388', HTTP_CONTROL_SERVER_ADDRESS: ':8000', HEALTH_SERVER_ADDRESS: '127.0.0.1:9999',
  VPN_PORT_FORWARDING: 'off', PPROF_ENABLED: 'no', PPROF_HTTP_SERVER_ADDRESS: ':6060', FREE_ONLY: 'off',
};

export function gluetunContainers(ctx: LintContext): GluetunRef[] {
  return podTemplates(ctx.objects).flatMap((pod) =>
    containers(pod)
      .filter((c) => isGluetunImage(c.container.image))
      .map((ref) => {
        const env = new Map<string, EnvEntry>();
        (ref.container.env ?? []).forEach((e, index) => env.set(e.name, { index, value: e.valueFrom ? undefined : (e.value ?? '') }));
        const fromEnv = (name: string) => (env.has(name) ? env.get(name)!.value : DEFAULTS[name]);
        return {
          ...ref,
          env,
          get: fromEnv,
          has: (name: string) => env.has(name),
          at: (name: string, field: 'value' | 'name' = 'value') => {
            const e = env.get(name);
            const path: PathKey[] = e ? [...ref.path, 'env', e.index, field] : [...ref.path, 'env'];
            return lineAt(ref.pod.obj, path);
          },
        };
      }),
  );
}

export function checkGluetunEnv(ctx: LintContext): void {
  const known = Object.keys(KNOWN);
  for (const g of gluetunContainers(ctx)) {
    const { obj } = g.pod;
    const report = (rule: string, name: string, message: string, field: 'value' | 'name' = 'value') => ctx.report(rule, obj.file, g.at(name, field), `container ${g.container.name}: ${message}`);
    const helpers = kubeletHelpers(g.container);
    for (const [name, { value }] of g.env) {
      if (IGNORED[name]) report('gluetun/ignored-env', name, `${name} is ${IGNORED[name]}.`, 'name');
      else if (DEPRECATED[name]) {
        const target = DEPRECATED[name];
        if (target.split(' or ').some((t) => g.has(t))) report('gluetun/old-name-wins', name, `${name} and ${target} are both set; gluetun reads the old name ${name} first and ignores ${target}. Remove ${name}.`, 'name');
        else report('gluetun/deprecated-env', name, `${name} is an old name; use ${target}.`, 'name');
      } else if (!specOf(name) && !helpers.has(name)) {
        const hint = MASTER_ONLY.includes(name) ? 'it exists only on gluetun master (:latest), not in v3.41' : `did you mean ${closest(name, known)}?`;
        report('gluetun/unknown-env', name, `${name} is not a gluetun v3.41 setting and is silently ignored; ${hint}`, 'name');
      }
      if (value === undefined || !KNOWN[name]) continue;
      checkValue(name, value, (rule, message) => report(rule, name, message));
      if (KNOWN[name].type === 'secret' && value !== '' && value.replace(/\$\([A-Za-z_]\w*\)/g, '') !== '') {
        report('gluetun/secret-literal', name, `${name} has a literal value; take it from a Secret (valueFrom.secretKeyRef) created by a runbook, never from git.`);
      }
    }
    checkCombinations(g, report);
    checkImage(ctx, g);
  }
}

/** Variables only used to build other values through $(VAR) (expanded by the kubelet, not read by gluetun). */
function kubeletHelpers(c: Container): Set<string> {
  const refs = (c.env ?? []).flatMap((e) => [...(e.value ?? '').matchAll(/\$\(([A-Za-z_]\w*)\)/g)].map((m) => m[1]));
  return new Set(refs);
}

type Emit = (rule: string, message: string) => void;

function checkValue(name: string, raw: string, emit: Emit): void {
  const spec = KNOWN[name];
  const value = raw.trim().toLowerCase();
  if (spec.csv && /\s,|,\s|^\s|\s$/.test(raw)) emit('gluetun/csv-spaces', `${name}="${raw}" has spaces around a comma; gluetun does not trim items, so write "${raw.split(',').map((s) => s.trim()).join(',')}".`);
  if (raw === '') return; // empty counts as unset: the default applies (research §1)
  if (spec.type === 'bool' && !(BOOL_VALUES as readonly string[]).includes(value)) {
    emit('gluetun/boolean-value', `${name}="${raw}" is not a boolean gluetun accepts; use on or off (also yes/no, true/false, enabled/disabled; not 1/0).`);
  }
  if (name === 'VPN_SERVICE_PROVIDER' && !(PROVIDERS as readonly string[]).includes(value)) {
    emit('gluetun/provider', `VPN_SERVICE_PROVIDER="${raw}" is not a provider of gluetun v3.41; did you mean ${closest(value, [...PROVIDERS])}?`);
  } else if (name === 'VPN_TYPE' && !spec.values!.includes(value)) {
    emit('gluetun/vpn-type', `VPN_TYPE="${raw}" must be openvpn or wireguard.`);
  } else if (spec.type === 'enum' && name !== 'VPN_SERVICE_PROVIDER' && !spec.values!.includes(value)) {
    const near = spec.values!.filter((v) => distance(v, value) <= 2);
    emit('gluetun/enum-value', `${name}="${raw}" is not one of ${spec.values!.join(', ')}${near.length ? `; did you mean ${near[0]}?` : '.'}`);
  }
  if (spec.type === 'address' && !/^(\[[0-9a-f:.]+\]|[\w.-]*):\d{1,5}$/i.test(raw.trim())) {
    emit('gluetun/address-value', `${name}="${raw}" is not a listening address; expected [host]:port such as ":8888" or "127.0.0.1:9999".`);
  }
  if (spec.type === 'ports' && raw.split(',').some((p) => !/^\d{1,5}$/.test(p.trim()) || Number(p) > 65535)) {
    emit('gluetun/address-value', `${name}="${raw}" must be a comma-separated list of port numbers.`);
  }
  if (name === 'FIREWALL_OUTBOUND_SUBNETS') {
    for (const s of raw.split(',').map((x) => x.trim())) {
      if (!parseCidr(s)) emit('gluetun/address-value', `FIREWALL_OUTBOUND_SUBNETS item "${s}" is not a canonical IPv4 CIDR such as 10.152.183.0/24.`);
      else if (s.endsWith('/0')) emit('gluetun/address-value', 'FIREWALL_OUTBOUND_SUBNETS must not contain 0.0.0.0/0: gluetun rejects an unspecified address (and it would bypass the tunnel).');
    }
  }
}

function checkCombinations(g: GluetunRef, report: (rule: string, name: string, message: string) => void): void {
  const provider = g.get('VPN_SERVICE_PROVIDER')?.trim().toLowerCase();
  const type = g.get('VPN_TYPE')?.trim().toLowerCase();
  const forwarding = isTrue(g.get('VPN_PORT_FORWARDING') ?? 'off');
  if (type === 'wireguard' && provider && !(WIREGUARD_PROVIDERS as readonly string[]).includes(provider)) {
    report('gluetun/vpn-type', 'VPN_TYPE', `VPN_TYPE=wireguard is not supported with provider "${provider}"; WireGuard providers: ${WIREGUARD_PROVIDERS.join(', ')}.`);
  }
  const keyFile = (g.container.volumeMounts ?? []).some((m) => m.mountPath === '/run/secrets' || m.mountPath === '/run/secrets/wireguard_private_key' || m.mountPath.startsWith('/gluetun/wireguard'));
  if (type === 'wireguard' && provider !== 'custom' && !g.has('WIREGUARD_PRIVATE_KEY') && !g.has('WIREGUARD_PRIVATE_KEY_SECRETFILE') && !g.has('WIREGUARD_CONF_SECRETFILE') && !keyFile) {
    report('gluetun/vpn-type', 'VPN_TYPE', 'VPN_TYPE=wireguard but no WIREGUARD_PRIVATE_KEY (env from a Secret, or a secret file); gluetun cannot connect.');
  }
  if (provider === 'protonvpn' && g.has('WIREGUARD_ENDPOINT_PORT')) {
    report('gluetun/wireguard-endpoint-port', 'WIREGUARD_ENDPOINT_PORT', 'WIREGUARD_ENDPOINT_PORT must not be set with protonvpn: gluetun fails with "endpoint port is set". Remove it.');
  }
  if (provider === 'protonvpn' && forwarding && isTrue(g.get('FREE_ONLY') ?? 'off')) {
    report('gluetun/free-port-forward', 'FREE_ONLY', 'FREE_ONLY with VPN_PORT_FORWARDING on is rejected for protonvpn: free servers do not forward ports.');
  }
  const subnets = g.get('FIREWALL_OUTBOUND_SUBNETS');
  if (forwarding && subnets && provider === 'protonvpn') {
    const tunnel = '10.2.0.0/24';
    const overlapping = subnets.split(',').map((s) => s.trim()).filter((s) => cidrsOverlap(s, tunnel));
    if (overlapping.length) {
      report('gluetun/outbound-subnets-overlap', 'FIREWALL_OUTBOUND_SUBNETS', `${overlapping.join(',')} overlaps ProtonVPN's tunnel range ${tunnel} (NAT-PMP gateway 10.2.0.1): port forwarding fails with "connection refused". List only the cluster CIDRs you need.`);
    }
  }
  for (const name of ['VPN_PORT_FORWARDING_UP_COMMAND', 'VPN_PORT_FORWARDING_DOWN_COMMAND']) {
    const cmd = g.get(name);
    if (cmd === undefined || !g.has(name)) continue;
    const wrapped = /^\s*(\/bin\/)?(ba)?sh -c /.test(cmd);
    const problems = [
      !forwarding && 'VPN_PORT_FORWARDING is off, so it never runs',
      !wrapped && /[|;&<>`]|\$\(/.test(cmd) && 'gluetun runs it without a shell: wrap pipes, && and redirections in /bin/sh -c \'...\'',
      /(^|[\s'"(])curl\s/.test(cmd) && 'the gluetun image has wget, not curl',
      ...[...cmd.matchAll(/\{\{(\w+)\}\}/g)].filter((m) => !['PORT', 'PORTS', 'VPN_INTERFACE'].includes(m[1])).map((m) => `{{${m[1]}}} is not a template variable (use {{PORT}}, {{PORTS}} or {{VPN_INTERFACE}})`),
    ].filter(Boolean);
    for (const p of problems) report('gluetun/up-command', name, `${name}: ${p}.`);
  }
}

function checkImage(ctx: LintContext, g: GluetunRef): void {
  const image = g.container.image ?? '';
  if (!/:v\d+\.\d+\.\d+(@sha256:[a-f0-9]{64})?$/.test(image) && !/@sha256:[a-f0-9]{64}$/.test(image)) {
    const at = lineAt(g.pod.obj, [...g.path, 'image']);
    ctx.report('gluetun/image-pinned', g.pod.obj.file, at, `container ${g.container.name}: image "${image}" is not pinned to a release; use a tag such as qmcgaw/gluetun:v3.41.1 (:latest and :v3 move).`);
  }
}
