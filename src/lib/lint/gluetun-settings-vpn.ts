/**
 * gluetun v3.41.1's VPN settings as data: one row per variable, read from the `read()`, `setDefaults()` and
 * `validate()` functions of the file each row names (https://github.com/qdm12/gluetun/blob/v3.41.1/<file>),
 * with the image's ENV value from its Dockerfile. The other sections: gluetun-settings-services.ts; the
 * row shape and how values are parsed: gluetun-settings.ts.
 */
import type { Setting } from './gluetun-setting-types.ts';

const S = 'internal/configuration/settings/';
const PF = ['perfect privacy', 'private internet access', 'privatevpn', 'protonvpn'] as const;
/** providers.All() in internal/constants/providers/providers.go: every provider but custom. */
export const ALL_PROVIDERS = ['airvpn', 'cyberghost', 'expressvpn', 'fastestvpn', 'giganews', 'hidemyass', 'ipvanish', 'ivpn', 'mullvad', 'nordvpn', 'perfect privacy', 'privado', 'private internet access', 'privatevpn', 'protonvpn', 'purevpn', 'slickvpn', 'surfshark', 'torguard', 'vpnsecure', 'vpn unlimited', 'vyprvpn', 'windscribe'] as const;
/** Provider.validate in provider.go: the names VPN_TYPE=openvpn accepts ("pia" is mapped to private internet access). */
export const OPENVPN_PROVIDERS = [...ALL_PROVIDERS, 'custom', 'pia'] as const;
/** Provider.validate in provider.go: the names VPN_TYPE=wireguard accepts. */
export const WIREGUARD_PROVIDERS = ['airvpn', 'custom', 'fastestvpn', 'ivpn', 'mullvad', 'nordvpn', 'protonvpn', 'surfshark', 'windscribe'] as const;
/** WireguardSelection.validate in wireguardselection.go: providers whose WireGuard endpoint port must stay unset (0). */
export const NO_WIREGUARD_ENDPOINT_PORT = ['fastestvpn', 'nordvpn', 'protonvpn', 'surfshark'] as const;
/** PortForwarding.Validate in portforward.go: providers gluetun can forward a port with. */
export const PORT_FORWARD_PROVIDERS = PF;

export const VPN_SETTINGS: readonly Setting[] = [
  // vpn.go, provider.go
  { key: 'VPN_TYPE', parse: 'string', values: ['openvpn', 'wireguard'], image: 'openvpn', code: 'openvpn', file: `${S}vpn.go` },
  { key: 'VPN_SERVICE_PROVIDER', parse: 'string', values: OPENVPN_PROVIDERS, retro: [{ key: 'VPNSP' }], image: 'pia', code: 'private internet access', note: '"pia" means private internet access; with VPN_TYPE=wireguard only the WireGuard providers are valid', file: `${S}provider.go` },
  // serverselection.go
  { key: 'SERVER_COUNTRIES', parse: 'csv', retro: [{ key: 'COUNTRY' }], image: '', note: 'REGION is also an old name for it with cyberghost; an item matching no server is dropped with a warning, all of them failing is fatal', file: `${S}serverselection.go` },
  { key: 'SERVER_REGIONS', parse: 'csv', retro: [{ key: 'REGION' }], image: '', file: `${S}serverselection.go` },
  { key: 'SERVER_CITIES', parse: 'csv', retro: [{ key: 'CITY' }], image: '', file: `${S}serverselection.go` },
  { key: 'ISP', parse: 'csv', image: '', file: `${S}serverselection.go` },
  { key: 'SERVER_HOSTNAMES', parse: 'csv', retro: [{ key: 'SERVER_HOSTNAME' }], image: '', file: `${S}serverselection.go` },
  { key: 'SERVER_NAMES', parse: 'csv', retro: [{ key: 'SERVER_NAME' }], image: '', file: `${S}serverselection.go` },
  { key: 'SERVER_NUMBER', parse: 'uint16-csv', image: '', file: `${S}serverselection.go` },
  { key: 'SERVER_CATEGORIES', parse: 'csv', image: '', file: `${S}serverselection.go` },
  { key: 'OWNED_ONLY', parse: 'bool', retro: [{ key: 'OWNED', parse: 'bool' }], image: 'no', code: 'off', only: ['mullvad'], file: `${S}serverselection.go` },
  { key: 'FREE_ONLY', parse: 'bool', image: '', code: 'off', only: ['protonvpn', 'vpn unlimited'], file: `${S}serverselection.go` },
  { key: 'PREMIUM_ONLY', parse: 'bool', image: '', code: 'off', only: ['vpnsecure'], file: `${S}serverselection.go` },
  { key: 'MULTIHOP_ONLY', parse: 'bool', image: '', code: 'off', only: ['surfshark'], file: `${S}serverselection.go` },
  { key: 'STREAM_ONLY', parse: 'bool', image: '', code: 'off', only: ['protonvpn', 'vpn unlimited'], file: `${S}serverselection.go` },
  { key: 'SECURE_CORE_ONLY', parse: 'bool', image: '', code: 'off', only: ['protonvpn'], file: `${S}serverselection.go` },
  { key: 'TOR_ONLY', parse: 'bool', image: '', code: 'off', only: ['protonvpn'], file: `${S}serverselection.go` },
  { key: 'PORT_FORWARD_ONLY', parse: 'bool', image: '', codeNote: 'on when VPN_PORT_FORWARDING is on and the provider is private internet access or protonvpn, else off', only: ['private internet access', 'protonvpn'], note: 'rejected together with FREE_ONLY for protonvpn', file: `${S}serverselection.go` },
  // openvpnselection.go
  { key: 'OPENVPN_PROTOCOL', parse: 'string', values: ['udp', 'tcp'], retro: [{ key: 'PROTOCOL' }], image: 'udp', code: 'udp', file: `${S}openvpnselection.go` },
  { key: 'OPENVPN_ENDPOINT_IP', parse: 'addr', retro: [{ key: 'OPENVPN_TARGET_IP', parse: 'addr' }, { key: 'VPN_ENDPOINT_IP', parse: 'addr' }], image: '', file: `${S}openvpnselection.go` },
  { key: 'OPENVPN_ENDPOINT_PORT', parse: 'uint16', retro: [{ key: 'PORT', parse: 'uint16' }, { key: 'OPENVPN_PORT', parse: 'uint16' }, { key: 'VPN_ENDPOINT_PORT', parse: 'uint16' }], image: '', code: '0', note: 'each provider allows its own ports', file: `${S}openvpnselection.go` },
  { key: 'PRIVATE_INTERNET_ACCESS_OPENVPN_ENCRYPTION_PRESET', parse: 'string', values: ['none', 'normal', 'strong'], retro: [{ key: 'ENCRYPTION' }, { key: 'PIA_ENCRYPTION' }], image: '', codeNote: 'strong (private internet access)', only: ['private internet access'], file: `${S}openvpnselection.go` },
  // openvpn.go
  { key: 'OPENVPN_VERSION', parse: 'string', values: ['2.5', '2.6'], image: '2.6', code: '2.6', file: `${S}openvpn.go` },
  { key: 'OPENVPN_USER', parse: 'string', keepCase: true, secret: true, retro: [{ key: 'USER' }], image: '', file: `${S}openvpn.go` },
  { key: 'OPENVPN_PASSWORD', parse: 'string', keepCase: true, secret: true, retro: [{ key: 'PASSWORD' }], image: '', file: `${S}openvpn.go` },
  { key: 'OPENVPN_CUSTOM_CONFIG', parse: 'string', keepCase: true, image: '', file: `${S}openvpn.go` },
  { key: 'OPENVPN_CIPHERS', parse: 'csv', retro: [{ key: 'OPENVPN_CIPHER' }], image: '', file: `${S}openvpn.go` },
  { key: 'OPENVPN_AUTH', parse: 'string', image: '', file: `${S}openvpn.go` },
  { key: 'OPENVPN_CERT', parse: 'string', keepCase: true, image: '', note: 'its secret file is /run/secrets/openvpn_clientcrt (OPENVPN_CLIENTCRT_SECRETFILE)', file: `${S}openvpn.go` },
  { key: 'OPENVPN_KEY', parse: 'string', keepCase: true, secret: true, image: '', note: 'its secret file is /run/secrets/openvpn_clientkey (OPENVPN_CLIENTKEY_SECRETFILE)', file: `${S}openvpn.go` },
  { key: 'OPENVPN_ENCRYPTED_KEY', parse: 'string', keepCase: true, secret: true, image: '', file: `${S}openvpn.go` },
  { key: 'OPENVPN_KEY_PASSPHRASE', parse: 'string', keepCase: true, secret: true, image: '', file: `${S}openvpn.go` },
  { key: 'OPENVPN_MSSFIX', parse: 'uint16', range: [0, 10000], image: '', code: '0', file: `${S}openvpn.go` },
  { key: 'OPENVPN_PROCESS_USER', parse: 'string', retro: [{ key: 'OPENVPN_ROOT', parse: 'bool', note: 'yes means root, no means nonrootuser' }], image: 'root', code: 'root', file: `${S}openvpn.go` },
  { key: 'OPENVPN_VERBOSITY', parse: 'int', range: [0, 6], image: '1', code: '1', file: `${S}openvpn.go` },
  { key: 'OPENVPN_FLAGS', parse: 'string', keepCase: true, image: '', note: 'split on white space (strings.Fields)', file: `${S}openvpn.go` },
  { key: 'VPN_INTERFACE', parse: 'string', keepCase: true, pattern: '^[a-zA-Z0-9_]+$', retro: [{ key: 'OPENVPN_INTERFACE' }, { key: 'WIREGUARD_INTERFACE' }], image: 'tun0', codeNote: 'tun0 (OpenVPN), wg0 (WireGuard)', file: `${S}openvpn.go` },
  // wireguardselection.go, wireguard.go
  { key: 'WIREGUARD_ENDPOINT_IP', parse: 'addr', retro: [{ key: 'VPN_ENDPOINT_IP', parse: 'addr' }], image: '', note: 'must be an IP address, not a name', file: `${S}wireguardselection.go` },
  { key: 'WIREGUARD_ENDPOINT_PORT', parse: 'uint16', retro: [{ key: 'VPN_ENDPOINT_PORT', parse: 'uint16' }], image: '', code: '0', note: 'must stay unset (or 0) with fastestvpn, nordvpn, protonvpn and surfshark', file: `${S}wireguardselection.go` },
  { key: 'WIREGUARD_PUBLIC_KEY', parse: 'string', keepCase: true, image: '', file: `${S}wireguardselection.go` },
  { key: 'WIREGUARD_PRIVATE_KEY', parse: 'string', keepCase: true, secret: true, image: '', file: `${S}wireguard.go` },
  { key: 'WIREGUARD_PRESHARED_KEY', parse: 'string', keepCase: true, secret: true, image: '', file: `${S}wireguard.go` },
  { key: 'WIREGUARD_ADDRESSES', parse: 'wg-addresses', retro: [{ key: 'WIREGUARD_ADDRESS', parse: 'wg-addresses' }], image: '', codeNote: '10.2.0.2/32 (protonvpn), 10.5.0.2/32 (nordvpn)', file: `${S}wireguard.go` },
  { key: 'WIREGUARD_ALLOWED_IPS', parse: 'prefix-csv', image: '', code: '0.0.0.0/0,::/0', file: `${S}wireguard.go` },
  { key: 'WIREGUARD_PERSISTENT_KEEPALIVE_INTERVAL', parse: 'duration', range: [0, Infinity], image: '0', code: '0', file: `${S}wireguard.go` },
  { key: 'WIREGUARD_MTU', parse: 'uint16', image: '1320', code: '1320', file: `${S}wireguard.go` },
  { key: 'WIREGUARD_IMPLEMENTATION', parse: 'string', values: ['auto', 'userspace', 'kernelspace'], image: 'auto', code: 'auto', file: `${S}wireguard.go` },
  { key: 'WIREGUARD_CONF_SECRETFILE', parse: 'string', keepCase: true, image: '/run/secrets/wg0.conf', note: 'read with os.Getenv: a wg-quick file whose PrivateKey, PresharedKey, Address, PublicKey and Endpoint fill the WIREGUARD_* settings', file: 'internal/configuration/sources/secrets/wireguard.go' },
  // portforward.go
  { key: 'VPN_PORT_FORWARDING', parse: 'bool', retro: [{ key: 'PORT_FORWARDING', parse: 'bool' }, { key: 'PRIVATE_INTERNET_ACCESS_VPN_PORT_FORWARDING', parse: 'bool' }], image: 'off', code: 'off', only: PF, file: `${S}portforward.go` },
  { key: 'VPN_PORT_FORWARDING_PROVIDER', parse: 'string', values: PF, image: '', codeNote: 'the VPN provider', file: `${S}portforward.go` },
  { key: 'VPN_PORT_FORWARDING_STATUS_FILE', parse: 'string', keepCase: true, retro: [{ key: 'PORT_FORWARDING_STATUS_FILE' }, { key: 'PRIVATE_INTERNET_ACCESS_VPN_PORT_FORWARDING_STATUS_FILE' }], image: '/tmp/gluetun/forwarded_port', code: '/tmp/gluetun/forwarded_port', file: `${S}portforward.go` },
  { key: 'VPN_PORT_FORWARDING_UP_COMMAND', parse: 'command', keepCase: true, image: '', note: 'split into words by internal/command/split.go and run without a shell, after each new port, before the port is kept alive', file: `${S}portforward.go` },
  { key: 'VPN_PORT_FORWARDING_DOWN_COMMAND', parse: 'command', keepCase: true, image: '', note: 'run when the port is released, with a 60 s timeout', file: `${S}portforward.go` },
  { key: 'VPN_PORT_FORWARDING_LISTENING_PORT', parse: 'uint16', image: '0', code: '0', file: `${S}portforward.go` },
  { key: 'VPN_PORT_FORWARDING_USERNAME', parse: 'string', keepCase: true, image: '', codeNote: 'OPENVPN_USER, then USER', file: `${S}portforward.go` },
  { key: 'VPN_PORT_FORWARDING_PASSWORD', parse: 'string', keepCase: true, secret: true, image: '', codeNote: 'OPENVPN_PASSWORD, then PASSWORD', file: `${S}portforward.go` },
];
