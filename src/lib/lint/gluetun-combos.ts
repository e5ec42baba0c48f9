/**
 * gluetun rules across settings, as the validate() functions of gluetun v3.41.1 combine them: the provider
 * against the VPN type, provider-only server filters, FREE_ONLY against the effective PORT_FORWARD_ONLY,
 * the WireGuard endpoint port, the tunnel range, and the port-forwarding commands.
 */
import { checkCommand } from './gluetun-command.ts';
import type { GluetunRef } from './gluetun-ref.ts';
import { GLUETUN_SETTINGS, GLUETUN_SRC, normalize } from './gluetun-settings.ts';
import {
  NO_WIREGUARD_ENDPOINT_PORT,
  OPENVPN_PROVIDERS,
  PORT_FORWARD_PROVIDERS,
  WIREGUARD_PROVIDERS,
} from './gluetun-settings-vpn.ts';
import { parsePrefix, prefixesOverlap } from './go-parse.ts';
import type { Rule } from './types.ts';

const S = `${GLUETUN_SRC}internal/configuration/settings/`;
export const GLUETUN_COMBO_RULES: Rule[] = [
  {
    id: 'gluetun/provider',
    severity: 'error',
    description:
      'VPN_SERVICE_PROVIDER names a provider of gluetun v3.41.1 ("pia" is accepted and means private internet access).',
    source: `${S}provider.go`,
  },
  {
    id: 'gluetun/vpn-type',
    severity: 'error',
    description:
      'VPN_TYPE is openvpn or wireguard, the provider supports it, and WireGuard has its private key (env from a Secret, or a secret file).',
    source: `${S}provider.go`,
  },
  {
    id: 'gluetun/feature-filter',
    severity: 'error',
    description:
      'A provider-only setting (FREE_ONLY, STREAM_ONLY, SECURE_CORE_ONLY, OWNED_ONLY, PORT_FORWARD_ONLY, VPN_PORT_FORWARDING, ...) is on only with a provider gluetun supports it for ("filter is not supported").',
    source: `${S}serverselection.go`,
  },
  {
    id: 'gluetun/free-port-forward',
    severity: 'error',
    description:
      'With protonvpn, FREE_ONLY is not combined with PORT_FORWARD_ONLY, which turns on by itself with VPN_PORT_FORWARDING=on; an explicit PORT_FORWARD_ONLY=off is accepted.',
    source: `${S}serverselection.go`,
  },
  {
    id: 'gluetun/wireguard-endpoint-port',
    severity: 'error',
    description:
      'WIREGUARD_ENDPOINT_PORT stays unset (or 0) with fastestvpn, nordvpn, protonvpn and surfshark ("endpoint port is set").',
    source: `${S}wireguardselection.go`,
  },
  {
    id: 'gluetun/outbound-subnets-overlap',
    severity: 'error',
    description:
      "FIREWALL_OUTBOUND_SUBNETS does not overlap ProtonVPN's tunnel range (10.2.0.0/24, NAT-PMP gateway 10.2.0.1) while port forwarding is on.",
    source: 'https://github.com/qdm12/gluetun/issues/3013',
  },
  {
    id: 'gluetun/up-command',
    severity: 'error',
    description:
      'Port-forwarding commands split into words the way gluetun splits them (balanced quotes), run a program the image has (busybox sh, GNU wget; no bash, no curl), wrap shell syntax in /bin/sh -c, use only {{PORT}}, {{PORTS}}, {{VPN_INTERFACE}}, and have port forwarding on.',
    source: `${GLUETUN_SRC}internal/command/split.go`,
  },
  {
    id: 'gluetun/port-forward-timing',
    severity: 'error',
    description:
      'With ProtonVPN, an up command that calls the app retries until the app answers, in the background: gluetun runs it before its NAT-PMP keep-alive, whose first renewal of the 60 s lease comes 45 s after the command returns.',
    source: `${GLUETUN_SRC}internal/provider/protonvpn/portforward.go`,
  },
];

type Report = (rule: string, name: string, message: string) => void;
const TUNNEL = parsePrefix('10.2.0.0/24')!;

export function checkCombinations(g: GluetunRef, report: Report): void {
  const provider = g.provider;
  const forwarding = g.on('VPN_PORT_FORWARDING') === true;
  const where = (key: string) => g.setBy(key) ?? key;
  if (
    g.vpnType === 'wireguard' &&
    provider &&
    (OPENVPN_PROVIDERS as readonly string[]).includes(provider) &&
    !(WIREGUARD_PROVIDERS as readonly string[]).includes(provider)
  ) {
    report(
      'gluetun/vpn-type',
      where('VPN_TYPE'),
      `VPN_TYPE=wireguard is not supported with provider "${provider}"; WireGuard providers: ${WIREGUARD_PROVIDERS.join(', ')}.`,
    );
  }
  const keyFile = (g.container.volumeMounts ?? []).some(
    (m) =>
      m.mountPath === '/run/secrets' || m.mountPath.startsWith('/run/secrets/w') || m.mountPath.startsWith('/gluetun'),
  );
  if (
    g.vpnType === 'wireguard' &&
    provider &&
    (WIREGUARD_PROVIDERS as readonly string[]).includes(provider) &&
    !['WIREGUARD_PRIVATE_KEY', 'WIREGUARD_PRIVATE_KEY_SECRETFILE', 'WIREGUARD_CONF_SECRETFILE'].some((n) => g.has(n)) &&
    !keyFile
  ) {
    report(
      'gluetun/vpn-type',
      where('VPN_TYPE'),
      'VPN_TYPE=wireguard but no WIREGUARD_PRIVATE_KEY (env from a Secret, or a secret file): gluetun refuses to start ("private key is not set").',
    );
  }
  for (const s of GLUETUN_SETTINGS.filter((x) => x.only && x.parse === 'bool')) {
    const chosen =
      s.key === 'VPN_PORT_FORWARDING' ? normalize(g.get('VPN_PORT_FORWARDING_PROVIDER') ?? '') || provider : provider;
    if (g.setBy(s.key) && g.on(s.key) === true && chosen && !s.only!.includes(chosen)) {
      report(
        'gluetun/feature-filter',
        where(s.key),
        `${s.key} is on, but gluetun v3.41.1 supports it only with ${s.only!.join(', ')}, not "${chosen}": it refuses to start (${GLUETUN_SRC}${s.file}).`,
      );
    }
  }
  const pfOnly = g.setBy('PORT_FORWARD_ONLY')
    ? g.on('PORT_FORWARD_ONLY')
    : forwarding && ['private internet access', 'protonvpn'].includes(provider ?? '');
  if (provider === 'protonvpn' && g.on('FREE_ONLY') === true && pfOnly) {
    const why = g.setBy('PORT_FORWARD_ONLY')
      ? 'PORT_FORWARD_ONLY is on'
      : 'PORT_FORWARD_ONLY turns on by itself with VPN_PORT_FORWARDING=on';
    report(
      'gluetun/free-port-forward',
      where('FREE_ONLY'),
      `FREE_ONLY is on and ${why}: gluetun refuses "port forwarding only filter is not supported: together with free only filter". Free servers do not forward ports; drop FREE_ONLY (or set PORT_FORWARD_ONLY=off to pick free servers without forwarding).`,
    );
  }
  const endpoint = g.setBy('WIREGUARD_ENDPOINT_PORT');
  if (
    g.vpnType === 'wireguard' &&
    endpoint &&
    (NO_WIREGUARD_ENDPOINT_PORT as readonly string[]).includes(provider ?? '') &&
    normalize(g.get('WIREGUARD_ENDPOINT_PORT') ?? '1') !== '0'
  ) {
    report(
      'gluetun/wireguard-endpoint-port',
      endpoint,
      `${endpoint} must not be set with ${provider}: gluetun takes the port from its server data and refuses to start ("endpoint port is set"). Remove it.`,
    );
  }
  const subnets = g.get('FIREWALL_OUTBOUND_SUBNETS');
  if (forwarding && subnets && provider === 'protonvpn') {
    const overlapping = normalize(subnets)
      .split(',')
      .filter((s) => {
        const p = parsePrefix(s);
        return p && prefixesOverlap(p, TUNNEL);
      });
    if (overlapping.length)
      report(
        'gluetun/outbound-subnets-overlap',
        where('FIREWALL_OUTBOUND_SUBNETS'),
        `${overlapping.join(',')} overlaps ProtonVPN's tunnel range 10.2.0.0/24 (NAT-PMP gateway 10.2.0.1): port forwarding fails with "connection refused". List only the cluster ranges you need.`,
      );
  }
  for (const [key, isUp] of [
    ['VPN_PORT_FORWARDING_UP_COMMAND', true],
    ['VPN_PORT_FORWARDING_DOWN_COMMAND', false],
  ] as const) {
    const cmd = g.env.get(key)?.value;
    if (!cmd) continue;
    if (!forwarding) report('gluetun/up-command', key, `${key}: VPN_PORT_FORWARDING is off, so it never runs.`);
    if (forwarding && !(PORT_FORWARD_PROVIDERS as readonly string[]).includes(provider ?? '')) continue;
    for (const p of checkCommand(key, cmd, isUp && provider === 'protonvpn')) report(p.rule, key, p.message);
  }
}
