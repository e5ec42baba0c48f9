/**
 * What the linter knows about gluetun v3.41.1's settings, as data read from gluetun's own source (the rows:
 * gluetun-settings-vpn.ts and gluetun-settings-services.ts). gluetun reads a setting through qdm12/gosettings
 * v0.4.4 (pinned in gluetun's go.mod), from secret files, then files, then the environment
 * (cmd/gluetun/main.go), and:
 * - tries the old (retro) names first, then the current one, so an old name wins (gosettings internal/parse/get.go);
 * - treats an empty value as unset, then trims spaces, line endings and surrounding quotes, and lowercases the
 *   value unless the row says keepCase (reader.ForceLowercase(false));
 * - splits lists on "," without trimming the items (internal/parse/builtin.go);
 * - reads every key K from /run/secrets/<k> or the path in K_SECRETFILE, and from /gluetun/<k> or K_FILE
 *   (internal/configuration/sources/secrets/reader.go, files/reader.go).
 * Names it does not know are silently ignored, which is why a table is needed at all.
 */
import type { Retro, Setting } from './gluetun-setting-types.ts';
import { SERVICE_SETTINGS } from './gluetun-settings-services.ts';
import { VPN_SETTINGS } from './gluetun-settings-vpn.ts';

export type { Parse, Retro, Setting } from './gluetun-setting-types.ts';

export const GLUETUN_TAG = 'v3.41.1';
export const GLUETUN_SRC = `https://github.com/qdm12/gluetun/blob/${GLUETUN_TAG}/`;
export const GOSETTINGS_SRC = 'https://github.com/qdm12/gosettings/blob/v0.4.4/';

export const GLUETUN_SETTINGS: readonly Setting[] = [...VPN_SETTINGS, ...SERVICE_SETTINGS];

/** Names gluetun v3.41.1 does not read at all, with what happens instead. */
export const IGNORED: Record<string, { why: string; source: string }> = {
  FIREWALL: {
    why: 'renamed FIREWALL_ENABLED_DISABLING_IT_SHOOTS_YOU_IN_YOUR_FOOT in v3.39.0 without an old-name fallback, so FIREWALL is ignored',
    source: `${GLUETUN_SRC}internal/configuration/settings/firewall.go`,
  },
  ...Object.fromEntries(
    [
      'DOT_VERBOSITY',
      'DOT_VERBOSITY_DETAILS',
      'DOT_VALIDATION_LOGLEVEL',
      'HEALTH_VPN_DURATION_INITIAL',
      'HEALTH_VPN_DURATION_ADDITION',
    ].map((k) => [
      k,
      {
        why: 'obsolete: gluetun only logs a warning and ignores it',
        source: `${GLUETUN_SRC}internal/configuration/settings/deprecated.go`,
      },
    ]),
  ),
};

/**
 * Names only gluetun's master branch (the :latest image) reads: its Dockerfile at b1193252 sets them, v3.41.1's does
 * not.
 */
export const MASTER_ONLY_SOURCE =
  'https://github.com/qdm12/gluetun/blob/b11932524136481a3f80804933de862be5385ef5/Dockerfile';
export const MASTER_ONLY = [
  'DNS_UPSTREAM_PLAIN_ADDRESSES',
  'FIREWALL_IPTABLES_LOG_LEVEL',
  'IPV6_CHECK_ADDRESSES',
  'PMTUD_ICMP_ADDRESSES',
  'PMTUD_TCP_ADDRESSES',
  'STORAGE_SERVERS_DIRECTORY_PATH',
  'STORAGE_SERVERS_ENABLED',
  'UPDATER_PREFER_DIRECT_DOWNLOAD',
  'VPN_PORT_FORWARDING_LISTENING_PORTS',
  'VPN_PORT_FORWARDING_PORTS_COUNT',
];

const byKey = new Map(GLUETUN_SETTINGS.map((s) => [s.key, s]));
const byRetro = new Map(
  GLUETUN_SETTINGS.flatMap((s) => (s.retro ?? []).map((r) => [r.key, { setting: s, retro: r }] as const)),
);
/** The secret-file source's irregular names (sources/secrets/reader.go KeyTransform). */
const SECRET_FILE_NAME: Record<string, string> = {
  OPENVPN_KEY: 'OPENVPN_CLIENTKEY',
  OPENVPN_CERT: 'OPENVPN_CLIENTCRT',
};
/** Their regular-looking names are not read: OPENVPN_KEY's secret file is openvpn_clientkey, its file client.key. */
const IRREGULAR = Object.keys(SECRET_FILE_NAME);

export function setting(key: string): Setting | undefined {
  return byKey.get(key);
}

/** The current settings an old name stands for (VPN_ENDPOINT_PORT is old for two), each with its own parse. */
export function retroOf(key: string): { setting: Setting; retro: Retro }[] {
  return GLUETUN_SETTINGS.flatMap((s) =>
    (s.retro ?? []).filter((r) => r.key === key).map((retro) => ({ setting: s, retro })),
  );
}

export type NameKind =
  | { kind: 'current'; setting: Setting }
  | { kind: 'retro'; setting: Setting; retro: Retro }
  | { kind: 'file'; setting: Setting; source: 'secret file' | 'file' }
  | { kind: 'ignored' }
  | { kind: 'unknown' };

/** What gluetun v3.41.1 makes of an environment variable name. */
export function classify(name: string): NameKind {
  const current = byKey.get(name);
  if (current) return { kind: 'current', setting: current };
  if (IGNORED[name]) return { kind: 'ignored' };
  const retro = byRetro.get(name);
  if (retro) return { kind: 'retro', ...retro };
  const m = /^(.+)_(SECRETFILE|FILE)$/.exec(name);
  if (m && !IRREGULAR.includes(m[1])) {
    const base =
      m[2] === 'SECRETFILE' ? (Object.entries(SECRET_FILE_NAME).find(([, v]) => v === m[1])?.[0] ?? m[1]) : m[1];
    const target = byKey.get(base) ?? byRetro.get(base)?.setting;
    if (target) return { kind: 'file', setting: target, source: m[2] === 'SECRETFILE' ? 'secret file' : 'file' };
  }
  return { kind: 'unknown' };
}

/** Every name gluetun reads from the environment (for "did you mean"). */
export const KNOWN_NAMES: readonly string[] = [...byKey.keys(), ...byRetro.keys()];

/** The value gluetun works with when a setting is not set: the image's ENV value, or else the code default. */
export function defaultOf(s: Setting): string | undefined {
  return s.image ? s.image : s.code;
}

/** gosettings' post-processing (internal/parse/get.go postProcessValue): lowercase, then trim spaces and quotes. */
export function normalize(raw: string, keepCase = false): string {
  let v = keepCase ? raw : raw.toLowerCase();
  for (;;) {
    v = v.replace(/^[\t\n\v\f\r \u0085\u00a0]+|[\t\n\v\f\r \u0085\u00a0]+$/g, '');
    if (v.length >= 2 && `'"\``.includes(v[0]) && `'"\``.includes(v[v.length - 1])) v = v.slice(1, -1);
    else return v;
  }
}

/** Keys gluetun parses as a bare port number, which a Kubernetes service link (<SERVICE>_PORT=tcp://ip:port) breaks. */
export const PORT_NUMBER_KEYS: readonly string[] = [
  ...GLUETUN_SETTINGS.filter((s) => s.parse === 'uint16' && s.key.endsWith('_PORT')).map((s) => s.key),
  ...GLUETUN_SETTINGS.flatMap((s) =>
    (s.retro ?? []).filter((r) => (r.parse ?? s.parse) === 'uint16' && r.key.endsWith('_PORT')).map((r) => r.key),
  ),
].filter((k, i, all) => all.indexOf(k) === i);

export const sourceUrl = (s: Setting) => `${GLUETUN_SRC}${s.file}`;
