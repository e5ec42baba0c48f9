/**
 * gluetun v3.41.x settings as data: every environment variable the image reads, its type, the old names
 * it still honours, and the names it ignores. Built from the research notes' tables (research/gluetun.md
 * §1.2, §1.3), which come from gluetun v3.41.1 (= v3.41.3) `internal/configuration/settings/*.go` and its
 * Dockerfile: https://github.com/qdm12/gluetun/tree/v3.41.1/internal/configuration/settings
 * gluetun reads only the names it knows and silently ignores the rest, hence this list.
 */

export type VarType = 'bool' | 'csv' | 'enum' | 'address' | 'ports' | 'secret' | 'text';
export interface VarSpec {
  type: VarType;
  values?: readonly string[];
  /** Comma-separated (split on "," without trimming, research §1). */
  csv?: boolean;
}

const b: VarSpec = { type: 'bool' };
const csv: VarSpec = { type: 'csv', csv: true };
const text: VarSpec = { type: 'text' };
const secret: VarSpec = { type: 'secret' };
const address: VarSpec = { type: 'address' };
const ports: VarSpec = { type: 'ports', csv: true };
const oneOf = (...values: string[]): VarSpec => ({ type: 'enum', values });

/** Providers of v3.41 (internal/constants/providers; `cryptostorm` appears only on master, not included). */
export const PROVIDERS = ['airvpn', 'custom', 'cyberghost', 'expressvpn', 'fastestvpn', 'giganews', 'hidemyass', 'ipvanish', 'ivpn', 'mullvad', 'nordvpn', 'perfect privacy', 'privado', 'private internet access', 'privatevpn', 'protonvpn', 'purevpn', 'slickvpn', 'surfshark', 'torguard', 'vpnsecure', 'vpn unlimited', 'vyprvpn', 'windscribe'] as const;
/** Providers gluetun supports with VPN_TYPE=wireguard (settings/provider.go). */
export const WIREGUARD_PROVIDERS = ['airvpn', 'custom', 'fastestvpn', 'ivpn', 'mullvad', 'nordvpn', 'protonvpn', 'surfshark', 'windscribe'] as const;
export const BOOL_VALUES = ['enabled', 'yes', 'on', 'true', 'disabled', 'no', 'off', 'false'] as const;
export const TRUE_VALUES = ['enabled', 'yes', 'on', 'true'];

export const KNOWN: Record<string, VarSpec> = {
  VPN_SERVICE_PROVIDER: oneOf(...PROVIDERS), VPN_TYPE: oneOf('openvpn', 'wireguard'), VPN_INTERFACE: text,
  WIREGUARD_PRIVATE_KEY: secret, WIREGUARD_ADDRESSES: csv, WIREGUARD_PRESHARED_KEY: secret, WIREGUARD_PUBLIC_KEY: text,
  WIREGUARD_ENDPOINT_IP: text, WIREGUARD_ENDPOINT_PORT: text, WIREGUARD_ALLOWED_IPS: csv,
  WIREGUARD_PERSISTENT_KEEPALIVE_INTERVAL: text, WIREGUARD_MTU: text, WIREGUARD_IMPLEMENTATION: oneOf('auto', 'kernelspace', 'userspace'),
  OPENVPN_USER: secret, OPENVPN_PASSWORD: secret, OPENVPN_PROTOCOL: oneOf('udp', 'tcp'), OPENVPN_ENDPOINT_IP: text,
  OPENVPN_ENDPOINT_PORT: text, OPENVPN_VERSION: oneOf('2.5', '2.6'), OPENVPN_VERBOSITY: text, OPENVPN_FLAGS: text,
  OPENVPN_CIPHERS: csv, OPENVPN_AUTH: text, OPENVPN_MSSFIX: text, OPENVPN_PROCESS_USER: text, OPENVPN_CUSTOM_CONFIG: text,
  OPENVPN_CERT: text, OPENVPN_KEY: secret, OPENVPN_ENCRYPTED_KEY: secret, OPENVPN_KEY_PASSPHRASE: secret,
  PRIVATE_INTERNET_ACCESS_OPENVPN_ENCRYPTION_PRESET: text,
  SERVER_COUNTRIES: csv, SERVER_REGIONS: csv, SERVER_CITIES: csv, SERVER_HOSTNAMES: csv, SERVER_NAMES: csv,
  SERVER_CATEGORIES: csv, SERVER_NUMBER: csv, ISP: csv, FREE_ONLY: b, STREAM_ONLY: b, SECURE_CORE_ONLY: b, TOR_ONLY: b,
  PORT_FORWARD_ONLY: b, OWNED_ONLY: b, MULTIHOP_ONLY: b, PREMIUM_ONLY: b,
  VPN_PORT_FORWARDING: b, VPN_PORT_FORWARDING_PROVIDER: oneOf('perfect privacy', 'private internet access', 'privatevpn', 'protonvpn'),
  VPN_PORT_FORWARDING_STATUS_FILE: text, VPN_PORT_FORWARDING_UP_COMMAND: text, VPN_PORT_FORWARDING_DOWN_COMMAND: text,
  VPN_PORT_FORWARDING_LISTENING_PORT: text, VPN_PORT_FORWARDING_USERNAME: text, VPN_PORT_FORWARDING_PASSWORD: secret,
  HTTPPROXY: b, HTTPPROXY_LISTENING_ADDRESS: address, HTTPPROXY_USER: text, HTTPPROXY_PASSWORD: secret, HTTPPROXY_STEALTH: b,
  HTTPPROXY_LOG: oneOf(...BOOL_VALUES, 'info', 'connect', 'notice'),
  SHADOWSOCKS: b, SHADOWSOCKS_LISTENING_ADDRESS: address, SHADOWSOCKS_PASSWORD: secret, SHADOWSOCKS_LOG: b,
  SHADOWSOCKS_CIPHER: oneOf('chacha20-ietf-poly1305', 'aes-128-gcm', 'aes-256-gcm'),
  FIREWALL_ENABLED_DISABLING_IT_SHOOTS_YOU_IN_YOUR_FOOT: b, FIREWALL_VPN_INPUT_PORTS: ports, FIREWALL_INPUT_PORTS: ports,
  FIREWALL_OUTBOUND_SUBNETS: csv, FIREWALL_DEBUG: b,
  DNS_SERVER: b, DNS_UPSTREAM_RESOLVER_TYPE: oneOf('dot', 'doh', 'plain'), DNS_UPSTREAM_RESOLVERS: csv, DNS_CACHING: b,
  DNS_UPSTREAM_IPV6: b, DNS_UPDATE_PERIOD: text, BLOCK_MALICIOUS: b, BLOCK_SURVEILLANCE: b, BLOCK_ADS: b,
  DNS_UNBLOCK_HOSTNAMES: csv, DNS_REBINDING_PROTECTION_EXEMPT_HOSTNAMES: csv, DNS_BLOCK_IPS: csv, DNS_BLOCK_IP_PREFIXES: csv,
  DNS_ADDRESS: text, DNS_KEEP_NAMESERVER: b,
  HTTP_CONTROL_SERVER_ADDRESS: address, HTTP_CONTROL_SERVER_LOG: b, HTTP_CONTROL_SERVER_AUTH_CONFIG_FILEPATH: text,
  HTTP_CONTROL_SERVER_AUTH_DEFAULT_ROLE: text,
  HEALTH_SERVER_ADDRESS: address, HEALTH_TARGET_ADDRESSES: csv, HEALTH_ICMP_TARGET_IPS: csv,
  HEALTH_SMALL_CHECK_TYPE: oneOf('icmp', 'dns'), HEALTH_RESTART_VPN: b,
  PUBLICIP_ENABLED: b, PUBLICIP_API: csv, PUBLICIP_API_TOKEN: secret, PUBLICIP_FILE: text,
  UPDATER_PERIOD: text, UPDATER_MIN_RATIO: text, UPDATER_VPN_SERVICE_PROVIDERS: csv, UPDATER_PROTONVPN_EMAIL: text,
  UPDATER_PROTONVPN_PASSWORD: secret, STORAGE_FILEPATH: text,
  LOG_LEVEL: oneOf('debug', 'info', 'warn', 'error'), TZ: text, PUID: text, PGID: text, VERSION_INFORMATION: b,
  PPROF_ENABLED: b, PPROF_HTTP_SERVER_ADDRESS: address,
  // A wg-quick file as a secret file (research §1, secrets/reader.go).
  WIREGUARD_CONF_SECRETFILE: text,
};

/** Old names gluetun still reads (and reads FIRST: an old name wins over the new one). Research §1.2. */
export const DEPRECATED: Record<string, string> = {
  VPNSP: 'VPN_SERVICE_PROVIDER', USER: 'OPENVPN_USER', PASSWORD: 'OPENVPN_PASSWORD', PROTOCOL: 'OPENVPN_PROTOCOL',
  OPENVPN_TARGET_IP: 'OPENVPN_ENDPOINT_IP', VPN_ENDPOINT_IP: 'OPENVPN_ENDPOINT_IP or WIREGUARD_ENDPOINT_IP',
  PORT: 'OPENVPN_ENDPOINT_PORT', OPENVPN_PORT: 'OPENVPN_ENDPOINT_PORT', VPN_ENDPOINT_PORT: 'OPENVPN_ENDPOINT_PORT or WIREGUARD_ENDPOINT_PORT',
  OPENVPN_CIPHER: 'OPENVPN_CIPHERS', OPENVPN_ROOT: 'OPENVPN_PROCESS_USER', OPENVPN_INTERFACE: 'VPN_INTERFACE',
  WIREGUARD_INTERFACE: 'VPN_INTERFACE', ENCRYPTION: 'PRIVATE_INTERNET_ACCESS_OPENVPN_ENCRYPTION_PRESET',
  PIA_ENCRYPTION: 'PRIVATE_INTERNET_ACCESS_OPENVPN_ENCRYPTION_PRESET', WIREGUARD_ADDRESS: 'WIREGUARD_ADDRESSES',
  COUNTRY: 'SERVER_COUNTRIES', REGION: 'SERVER_REGIONS', CITY: 'SERVER_CITIES', SERVER_HOSTNAME: 'SERVER_HOSTNAMES',
  SERVER_NAME: 'SERVER_NAMES', OWNED: 'OWNED_ONLY', PORT_FORWARDING: 'VPN_PORT_FORWARDING',
  PRIVATE_INTERNET_ACCESS_VPN_PORT_FORWARDING: 'VPN_PORT_FORWARDING', PORT_FORWARDING_STATUS_FILE: 'VPN_PORT_FORWARDING_STATUS_FILE',
  PRIVATE_INTERNET_ACCESS_VPN_PORT_FORWARDING_STATUS_FILE: 'VPN_PORT_FORWARDING_STATUS_FILE',
  PROXY: 'HTTPPROXY', TINYPROXY: 'HTTPPROXY', PROXY_USER: 'HTTPPROXY_USER', TINYPROXY_USER: 'HTTPPROXY_USER',
  PROXY_PASSWORD: 'HTTPPROXY_PASSWORD', TINYPROXY_PASSWORD: 'HTTPPROXY_PASSWORD', HTTPPROXY_PORT: 'HTTPPROXY_LISTENING_ADDRESS',
  TINYPROXY_PORT: 'HTTPPROXY_LISTENING_ADDRESS', PROXY_PORT: 'HTTPPROXY_LISTENING_ADDRESS', PROXY_LOG: 'HTTPPROXY_LOG',
  TINYPROXY_LOG: 'HTTPPROXY_LOG', SHADOWSOCKS_PORT: 'SHADOWSOCKS_LISTENING_ADDRESS', SHADOWSOCKS_METHOD: 'SHADOWSOCKS_CIPHER',
  EXTRA_SUBNETS: 'FIREWALL_OUTBOUND_SUBNETS', DOT: 'DNS_SERVER', DOT_PROVIDERS: 'DNS_UPSTREAM_RESOLVERS', DOT_CACHING: 'DNS_CACHING',
  DOT_IPV6: 'DNS_UPSTREAM_IPV6', DNS_PLAINTEXT_ADDRESS: 'DNS_ADDRESS', DOT_PRIVATE_ADDRESS: 'DNS_BLOCK_IPS or DNS_BLOCK_IP_PREFIXES',
  BLOCK_NSA: 'BLOCK_SURVEILLANCE', UNBLOCK: 'DNS_UNBLOCK_HOSTNAMES', HEALTH_ADDRESS_TO_PING: 'HEALTH_TARGET_ADDRESSES',
  HEALTH_TARGET_ADDRESS: 'HEALTH_TARGET_ADDRESSES', HEALTH_ICMP_TARGET_IP: 'HEALTH_ICMP_TARGET_IPS', IP_STATUS_FILE: 'PUBLICIP_FILE',
  PUBLICIP_PERIOD: 'PUBLICIP_ENABLED', UID: 'PUID', GID: 'PGID', UPDATER_PROTONVPN_USERNAME: 'UPDATER_PROTONVPN_EMAIL',
};

/** Names gluetun no longer reads at all (research §1, settings/deprecated.go; FIREWALL: commit e7381b38). */
export const IGNORED: Record<string, string> = {
  FIREWALL: 'renamed FIREWALL_ENABLED_DISABLING_IT_SHOOTS_YOU_IN_YOUR_FOOT in v3.39.0 with no fallback: FIREWALL is ignored',
  DOT_VERBOSITY: 'obsolete: gluetun only logs a warning', DOT_VERBOSITY_DETAILS: 'obsolete: gluetun only logs a warning',
  DOT_VALIDATION_LOGLEVEL: 'obsolete: gluetun only logs a warning', HEALTH_VPN_DURATION_INITIAL: 'obsolete: gluetun only logs a warning',
  HEALTH_VPN_DURATION_ADDITION: 'obsolete: gluetun only logs a warning',
};

/** Names only gluetun master (`:latest`) reads; a v3.41 image ignores them (research §1.3, "GM-only"). */
export const MASTER_ONLY = ['PMTUD_ICMP_ADDRESSES', 'PMTUD_TCP_ADDRESSES', 'IPV6_CHECK_ADDRESSES', 'FIREWALL_IPTABLES_LOG_LEVEL', 'UPDATER_PREFER_DIRECT_DOWNLOAD', 'VPN_UP_COMMAND', 'VPN_DOWN_COMMAND', 'DNS_UPSTREAM_PLAIN_ADDRESSES', 'VPN_PORT_FORWARDING_PORTS_COUNT', 'VPN_PORT_FORWARDING_LISTENING_PORTS', 'STORAGE_SERVERS_ENABLED', 'STORAGE_SERVERS_DIRECTORY_PATH'];

/** Keys gluetun parses as plain port numbers, which a Kubernetes service link can fill with tcp://ip:port (§1.1). */
export const SERVICE_LINK_KEYS = ['HTTPPROXY_PORT', 'PROXY_PORT', 'TINYPROXY_PORT', 'SHADOWSOCKS_PORT', 'OPENVPN_PORT', 'VPN_ENDPOINT_PORT', 'OPENVPN_ENDPOINT_PORT', 'WIREGUARD_ENDPOINT_PORT'];

/** The spec of a name: itself, via its old-name target, or via <KEY>_SECRETFILE / <KEY>_FILE (secret and file sources). */
export function specOf(name: string): VarSpec | undefined {
  if (KNOWN[name]) return KNOWN[name];
  const target = DEPRECATED[name]?.split(' or ')[0];
  if (target) return KNOWN[target];
  const base = /^(.+)_(SECRETFILE|FILE)$/.exec(name)?.[1];
  return base && KNOWN[base] ? text : undefined;
}

export function isTrue(value: string): boolean {
  return TRUE_VALUES.includes(value.trim().toLowerCase());
}
