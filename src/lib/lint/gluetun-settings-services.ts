/**
 * gluetun v3.41.1's settings other than the VPN's (DNS, firewall, health, HTTP proxy, Shadowsocks, control
 * server, public IP, updater, storage, system, log, pprof), one row per variable, each from the file it
 * names at https://github.com/qdm12/gluetun/blob/v3.41.1/<file>; image defaults from the Dockerfile.
 */
import type { Setting } from './gluetun-setting-types.ts';
import { ALL_PROVIDERS } from './gluetun-settings-vpn.ts';

const S = 'internal/configuration/settings/';
/** hostRegex in dnsblacklist.go: a plain host name (no wildcard, whatever the wiki's example shows). */
const HOST = '^([a-zA-Z0-9]|[a-zA-Z0-9_][a-zA-Z0-9\\-_]{0,61}[a-zA-Z0-9_])(\\.([a-zA-Z0-9]|[a-zA-Z0-9_][a-zA-Z0-9\\-_]{0,61}[a-zA-Z0-9]))*$';
const SECOND = 1e9;

export const SERVICE_SETTINGS: readonly Setting[] = [
  // dns.go, dnsblacklist.go
  { key: 'DNS_SERVER', parse: 'bool', retro: [{ key: 'DOT', parse: 'bool' }], image: 'on', code: 'on', file: `${S}dns.go` },
  { key: 'DNS_UPSTREAM_RESOLVER_TYPE', parse: 'string', values: ['dot', 'doh', 'plain'], image: 'DoT', code: 'dot', file: `${S}dns.go` },
  { key: 'DNS_UPDATE_PERIOD', parse: 'duration', range: [30 * SECOND, Infinity], zeroAllowed: true, image: '24h', code: '24h', note: '0 disables the block list updates', file: `${S}dns.go` },
  { key: 'DNS_UPSTREAM_RESOLVERS', parse: 'csv', retro: [{ key: 'DOT_PROVIDERS' }], image: 'cloudflare', code: 'cloudflare', note: 'names come from qdm12/dns v2.0.0-rc10 pkg/provider, not checked offline', file: `${S}dns.go` },
  { key: 'DNS_CACHING', parse: 'bool', retro: [{ key: 'DOT_CACHING', parse: 'bool' }], image: 'on', code: 'on', file: `${S}dns.go` },
  { key: 'DNS_UPSTREAM_IPV6', parse: 'bool', retro: [{ key: 'DOT_IPV6', parse: 'bool' }], image: 'off', code: 'off', file: `${S}dns.go` },
  { key: 'DNS_ADDRESS', parse: 'addr', retro: [{ key: 'DNS_PLAINTEXT_ADDRESS', parse: 'addr' }], image: '127.0.0.1', code: '127.0.0.1', file: `${S}dns.go` },
  { key: 'DNS_KEEP_NAMESERVER', parse: 'bool', image: 'off', code: 'off', file: `${S}dns.go` },
  { key: 'BLOCK_MALICIOUS', parse: 'bool', image: 'on', code: 'on', note: 'the block lists stay in memory: about 195 MB (gluetun#2054)', file: `${S}dnsblacklist.go` },
  { key: 'BLOCK_SURVEILLANCE', parse: 'bool', retro: [{ key: 'BLOCK_NSA', parse: 'bool' }], image: 'off', code: 'on', file: `${S}dnsblacklist.go` },
  { key: 'BLOCK_ADS', parse: 'bool', image: 'off', code: 'off', file: `${S}dnsblacklist.go` },
  { key: 'DNS_BLOCK_IPS', parse: 'addr-csv', image: '', file: `${S}dnsblacklist.go` },
  { key: 'DNS_BLOCK_IP_PREFIXES', parse: 'prefix-csv', retro: [{ key: 'DOT_PRIVATE_ADDRESS', parse: 'csv', note: 'each item an IP address or a prefix' }], image: '', file: `${S}dnsblacklist.go` },
  { key: 'DNS_UNBLOCK_HOSTNAMES', parse: 'csv', pattern: HOST, retro: [{ key: 'UNBLOCK' }], image: '', file: `${S}dnsblacklist.go` },
  { key: 'DNS_REBINDING_PROTECTION_EXEMPT_HOSTNAMES', parse: 'csv', pattern: HOST, image: '', file: `${S}dnsblacklist.go` },
  // firewall.go
  { key: 'FIREWALL_ENABLED_DISABLING_IT_SHOOTS_YOU_IN_YOUR_FOOT', parse: 'bool', image: 'on', code: 'on', file: `${S}firewall.go` },
  { key: 'FIREWALL_VPN_INPUT_PORTS', parse: 'uint16-csv', noZero: true, image: '', file: `${S}firewall.go` },
  { key: 'FIREWALL_INPUT_PORTS', parse: 'uint16-csv', noZero: true, image: '', file: `${S}firewall.go` },
  { key: 'FIREWALL_OUTBOUND_SUBNETS', parse: 'prefix-csv', specified: true, retro: [{ key: 'EXTRA_SUBNETS', parse: 'prefix-csv' }], image: '', note: 'IPv4 and IPv6; a prefix whose address is unspecified (0.0.0.0/8, ::/0) is refused', file: `${S}firewall.go` },
  { key: 'FIREWALL_DEBUG', parse: 'bool', image: 'off', code: 'off', file: `${S}firewall.go` },
  // health.go
  { key: 'HEALTH_SERVER_ADDRESS', parse: 'listen', image: '127.0.0.1:9999', code: '127.0.0.1:9999', file: `${S}health.go` },
  { key: 'HEALTH_TARGET_ADDRESSES', parse: 'csv', retro: [{ key: 'HEALTH_ADDRESS_TO_PING' }, { key: 'HEALTH_TARGET_ADDRESS' }], image: 'cloudflare.com:443,github.com:443', code: 'cloudflare.com:443,github.com:443', file: `${S}health.go` },
  { key: 'HEALTH_ICMP_TARGET_IPS', parse: 'addr-csv', retro: [{ key: 'HEALTH_ICMP_TARGET_IP', parse: 'addr-csv' }], image: '1.1.1.1,8.8.8.8', code: '1.1.1.1,8.8.8.8', note: '0.0.0.0 (the VPN server) only on its own', file: `${S}health.go` },
  { key: 'HEALTH_SMALL_CHECK_TYPE', parse: 'string', values: ['icmp', 'dns'], image: 'icmp', code: 'icmp', file: `${S}health.go` },
  { key: 'HEALTH_RESTART_VPN', parse: 'bool', image: 'on', code: 'on', file: `${S}health.go` },
  // httpproxy.go
  { key: 'HTTPPROXY', parse: 'bool', retro: [{ key: 'PROXY', parse: 'bool' }, { key: 'TINYPROXY', parse: 'bool' }], image: '', code: 'off', file: `${S}httpproxy.go` },
  { key: 'HTTPPROXY_LISTENING_ADDRESS', parse: 'listen', retro: [{ key: 'HTTPPROXY_PORT', parse: 'uint16' }, { key: 'TINYPROXY_PORT', parse: 'uint16' }, { key: 'PROXY_PORT', parse: 'uint16' }], image: ':8888', code: ':8888', note: 'an old port-only name becomes ":port"', file: `${S}httpproxy.go` },
  { key: 'HTTPPROXY_USER', parse: 'string', keepCase: true, retro: [{ key: 'PROXY_USER' }, { key: 'TINYPROXY_USER' }], image: '', file: `${S}httpproxy.go` },
  { key: 'HTTPPROXY_PASSWORD', parse: 'string', keepCase: true, secret: true, retro: [{ key: 'PROXY_PASSWORD' }, { key: 'TINYPROXY_PASSWORD' }], image: '', file: `${S}httpproxy.go` },
  { key: 'HTTPPROXY_STEALTH', parse: 'bool', image: 'off', code: 'off', file: `${S}httpproxy.go` },
  { key: 'HTTPPROXY_LOG', parse: 'bool', retro: [{ key: 'PROXY_LOG', parse: 'string', values: ['on', 'info', 'connect', 'notice', 'disabled', 'no', 'off'] }, { key: 'TINYPROXY_LOG', parse: 'string', values: ['on', 'info', 'connect', 'notice', 'disabled', 'no', 'off'] }], image: 'off', code: 'off', note: 'the old names take tinyproxy log levels; the current name is a plain boolean', file: `${S}httpproxy.go` },
  // shadowsocks.go (cipher names and address checks: qdm12/ss-server v0.6.0 pkg/tcpudp/settings.go)
  { key: 'SHADOWSOCKS', parse: 'bool', image: 'off', code: 'off', file: `${S}shadowsocks.go` },
  { key: 'SHADOWSOCKS_LISTENING_ADDRESS', parse: 'listen', retro: [{ key: 'SHADOWSOCKS_PORT', parse: 'uint16' }], image: ':8388', code: ':8388', file: `${S}shadowsocks.go` },
  { key: 'SHADOWSOCKS_LOG', parse: 'bool', image: 'off', code: 'off', file: `${S}shadowsocks.go` },
  { key: 'SHADOWSOCKS_CIPHER', parse: 'string', values: ['chacha20-ietf-poly1305', 'aes-128-gcm', 'aes-256-gcm'], retro: [{ key: 'SHADOWSOCKS_METHOD' }], image: 'chacha20-ietf-poly1305', code: 'chacha20-ietf-poly1305', file: `${S}shadowsocks.go` },
  { key: 'SHADOWSOCKS_PASSWORD', parse: 'string', keepCase: true, secret: true, image: '', file: `${S}shadowsocks.go` },
  // server.go (the role's fields: internal/server/middlewares/auth/settings.go)
  { key: 'HTTP_CONTROL_SERVER_ADDRESS', parse: 'listen', image: ':8000', code: ':8000', file: `${S}server.go` },
  { key: 'HTTP_CONTROL_SERVER_LOG', parse: 'bool', image: 'on', code: 'on', file: `${S}server.go` },
  { key: 'HTTP_CONTROL_SERVER_AUTH_CONFIG_FILEPATH', parse: 'string', image: '/gluetun/auth/config.toml', code: '/gluetun/auth/config.toml', note: 'lowercased like every value read without ForceLowercase(false)', file: `${S}server.go` },
  { key: 'HTTP_CONTROL_SERVER_AUTH_DEFAULT_ROLE', parse: 'role-json', keepCase: true, image: '{}', code: '{}', note: 'JSON decoded with DisallowUnknownFields into {name, auth, apikey, username, password}', file: `${S}server.go` },
  // publicip.go
  { key: 'PUBLICIP_ENABLED', parse: 'bool', retro: [{ key: 'PUBLICIP_PERIOD', parse: 'duration', note: '0 means off, anything else on' }], image: 'on', code: 'on', file: `${S}publicip.go` },
  { key: 'PUBLICIP_FILE', parse: 'string', keepCase: true, retro: [{ key: 'IP_STATUS_FILE' }], image: '/tmp/gluetun/ip', file: `${S}publicip.go` },
  { key: 'PUBLICIP_API', parse: 'csv', values: ['ipinfo', 'ifconfigco', 'ip2location', 'cloudflare'], valuePrefixes: ['echoip#'], image: 'ipinfo,ifconfigco,ip2location,cloudflare', file: `${S}publicip.go` },
  { key: 'PUBLICIP_API_TOKEN', parse: 'csv', secret: true, image: '', file: `${S}publicip.go` },
  // updater.go, storage.go, system.go, version.go, log.go
  { key: 'UPDATER_PERIOD', parse: 'duration', range: [60 * SECOND, Infinity], zeroAllowed: true, image: '0', code: '0', file: `${S}updater.go` },
  { key: 'UPDATER_MIN_RATIO', parse: 'float64', range: [Number.MIN_VALUE, 1], image: '0.8', code: '0.8', file: `${S}updater.go` },
  { key: 'UPDATER_VPN_SERVICE_PROVIDERS', parse: 'csv', values: ALL_PROVIDERS, image: '', codeNote: 'the VPN provider', file: `${S}updater.go` },
  { key: 'UPDATER_PROTONVPN_EMAIL', parse: 'string', retro: [{ key: 'UPDATER_PROTONVPN_USERNAME', note: '@protonmail.com is appended' }], image: '', file: `${S}updater.go` },
  { key: 'UPDATER_PROTONVPN_PASSWORD', parse: 'string', secret: true, image: '', note: 'read without ForceLowercase(false), so lowercased', file: `${S}updater.go` },
  { key: 'STORAGE_FILEPATH', parse: 'string', acceptEmpty: true, image: '/gluetun/servers.json', code: '/gluetun/servers.json', note: 'empty disables the servers file', file: `${S}storage.go` },
  { key: 'PUID', parse: 'uint32', retro: [{ key: 'UID', parse: 'uint32' }], image: '1000', file: `${S}system.go` },
  { key: 'PGID', parse: 'uint32', retro: [{ key: 'GID', parse: 'uint32' }], image: '1000', file: `${S}system.go` },
  { key: 'TZ', parse: 'string', image: '', file: `${S}system.go` },
  { key: 'VERSION_INFORMATION', parse: 'bool', image: 'on', code: 'on', file: `${S}version.go` },
  { key: 'LOG_LEVEL', parse: 'string', values: ['debug', 'info', 'warn', 'error'], image: 'info', code: 'info', file: `${S}log.go` },
  // internal/pprof/settings.go
  { key: 'PPROF_ENABLED', parse: 'bool', image: 'no', code: 'off', file: 'internal/pprof/settings.go' },
  { key: 'PPROF_BLOCK_PROFILE_RATE', parse: 'int', range: [0, Infinity], image: '0', code: '0', file: 'internal/pprof/settings.go' },
  { key: 'PPROF_MUTEX_PROFILE_RATE', parse: 'int', range: [0, Infinity], image: '0', code: '0', file: 'internal/pprof/settings.go' },
  { key: 'PPROF_HTTP_SERVER_ADDRESS', parse: 'listen', image: ':6060', code: 'localhost:6060', file: 'internal/pprof/settings.go' },
];
