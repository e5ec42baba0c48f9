/**
 * gluetun rules on names and values (gluetun.ts, gluetun-combos.ts). A reject case is a config gluetun
 * v3.41.1 refuses, ignores or misruns; an accept case is one it reads as meant. The examples are
 * all here: HTTPPROXY_LOG=info, PROXY_LOG=yes, 0.0.0.0/8, port 0, bash -c, unbalanced quotes; IPv6 subnets,
 * PPROF_*_RATE, OPENVPN_CLIENT*_SECRETFILE, VPN_SERVICE_PROVIDER=pia, FREE_ONLY with PORT_FORWARD_ONLY=off.
 */
import { accept, addEnv, FIRST, ICE, NL, QB, reject, SECOND, setEnv, setUpCommand, type Case } from '../cases.ts';
import type { Fixture } from '../fixture.ts';

const D = `${ICE}deployment.yaml`;
const Q = `${QB}deployment.yaml`;
const KEY_REF = `              valueFrom:\n                secretKeyRef:\n                  name: ${FIRST.name}-wireguard\n                  key: wireguard_private_key\n`;
/** The first proxy over OpenVPN with private internet access, named the old way ("pia"). */
const pia = (f: Fixture) => {
  setEnv(f, D, 'VPN_SERVICE_PROVIDER', 'protonvpn', 'pia');
  setEnv(f, D, 'VPN_TYPE', 'wireguard', 'openvpn');
  f.replace(
    D,
    `            - name: WIREGUARD_PRIVATE_KEY\n${KEY_REF}`,
    `            - name: OPENVPN_USER\n${KEY_REF}            - name: OPENVPN_PASSWORD\n${KEY_REF}`,
  );
};
const WIKI_UP = `/bin/sh -c 'wget -O- -nv --retry-connrefused --post-data "json={\\"listen_port\\":{{PORT}}}" http://127.0.0.1:8080/api/v2/app/setPreferences'`;

export const GLUETUN_ENV_CASES: Case[] = [
  reject('gluetun/unknown-env', 'SERVER_COUNTRY (singular)', D, (f) =>
    f.replace(D, 'name: SERVER_COUNTRIES', 'name: SERVER_COUNTRY'),
  ),
  reject(
    'gluetun/unknown-env',
    'OPENVPN_KEY_SECRETFILE (its secret file is openvpn_clientkey)',
    D,
    (f) => addEnv(f, D, 'OPENVPN_KEY_SECRETFILE', '/run/secrets/key'),
    /not a setting gluetun v3\.41\.1 reads/,
  ),
  reject(
    'gluetun/unknown-env',
    'a name only gluetun master reads',
    D,
    (f) => addEnv(f, D, 'FIREWALL_IPTABLES_LOG_LEVEL', 'info'),
    /only on gluetun master/,
  ),
  accept('gluetun/unknown-env', 'PPROF_BLOCK_PROFILE_RATE', (f) => addEnv(f, D, 'PPROF_BLOCK_PROFILE_RATE', '0')),
  accept('gluetun/unknown-env', 'PPROF_MUTEX_PROFILE_RATE', (f) => addEnv(f, D, 'PPROF_MUTEX_PROFILE_RATE', '5')),
  accept('gluetun/unknown-env', 'OPENVPN_CLIENTCRT_SECRETFILE', (f) =>
    addEnv(f, D, 'OPENVPN_CLIENTCRT_SECRETFILE', '/run/secrets/openvpn_clientcrt'),
  ),
  accept('gluetun/unknown-env', 'OPENVPN_CLIENTKEY_SECRETFILE', (f) =>
    addEnv(f, D, 'OPENVPN_CLIENTKEY_SECRETFILE', '/run/secrets/openvpn_clientkey'),
  ),
  reject('gluetun/deprecated-env', 'PROXY instead of HTTPPROXY', D, (f) =>
    f.replace(D, 'name: HTTPPROXY\n', 'name: PROXY\n'),
  ),
  accept('gluetun/deprecated-env', 'PUBLICIP_ENABLED, the name that replaced PUBLICIP_PERIOD', (f) =>
    addEnv(f, D, 'PUBLICIP_ENABLED', 'off'),
  ),
  reject('gluetun/old-name-wins', 'COUNTRY next to SERVER_COUNTRIES', D, (f) => addEnv(f, D, 'COUNTRY', 'Netherlands')),
  accept(
    'gluetun/old-name-wins',
    'COUNTRY alone (only deprecated)',
    (f) => f.replace(D, 'name: SERVER_COUNTRIES', 'name: COUNTRY'),
    ['gluetun/deprecated-env'],
  ),
  reject('gluetun/ignored-env', 'FIREWALL=off', D, (f) => addEnv(f, D, 'FIREWALL', 'off')),
  accept('gluetun/ignored-env', 'the firewall setting under its real name', (f) =>
    addEnv(f, D, 'FIREWALL_ENABLED_DISABLING_IT_SHOOTS_YOU_IN_YOUR_FOOT', 'on'),
  ),
  reject('gluetun/csv-spaces', 'a space after a comma', D, (f) =>
    setEnv(
      f,
      D,
      'SERVER_COUNTRIES',
      FIRST.country,
      `"${FIRST.country}, ${SECOND.country === FIRST.country ? 'Japan' : SECOND.country}"`,
    ),
  ),
  accept('gluetun/csv-spaces', 'a list without spaces', (f) =>
    addEnv(f, D, 'DNS_UNBLOCK_HOSTNAMES', 'irc.example.org,example.com'),
  ),
  reject('gluetun/boolean-value', 'HTTPPROXY=1', D, (f) => setEnv(f, D, 'HTTPPROXY', '"on"', '"1"')),
  reject(
    'gluetun/boolean-value',
    'HTTPPROXY_LOG=info (a boolean under its current name)',
    D,
    (f) => addEnv(f, D, 'HTTPPROXY_LOG', 'info'),
    /HTTPPROXY_LOG="info": not a boolean/,
  ),
  accept('gluetun/boolean-value', 'HTTPPROXY_LOG=on', (f) => addEnv(f, D, 'HTTPPROXY_LOG', 'on')),
  accept(
    'gluetun/boolean-value',
    'PROXY_LOG=info (a level under the old name)',
    (f) => addEnv(f, D, 'PROXY_LOG', 'info'),
    ['gluetun/deprecated-env'],
  ),
  reject(
    'gluetun/value-type',
    'a keepalive without a unit',
    D,
    (f) => addEnv(f, D, 'WIREGUARD_PERSISTENT_KEEPALIVE_INTERVAL', '25'),
    /needs a unit/,
  ),
  reject('gluetun/value-type', 'a negative profile rate', D, (f) => addEnv(f, D, 'PPROF_MUTEX_PROFILE_RATE', '-1')),
  reject('gluetun/value-type', 'a space in a list of prefixes', D, (f) =>
    addEnv(f, D, 'FIREWALL_OUTBOUND_SUBNETS', '10.152.183.0/24, 10.42.0.0/16'),
  ),
  reject('gluetun/value-type', 'a DNS update period under 30 s', D, (f) => addEnv(f, D, 'DNS_UPDATE_PERIOD', '10s')),
  accept('gluetun/value-type', 'a keepalive with a unit and a DNS update period of 0', (f) => {
    addEnv(f, D, 'WIREGUARD_PERSISTENT_KEEPALIVE_INTERVAL', '25s');
    addEnv(f, D, 'DNS_UPDATE_PERIOD', '0');
  }),
  reject('gluetun/enum-value', 'LOG_LEVEL=verbose', D, (f) => addEnv(f, D, 'LOG_LEVEL', 'verbose')),
  reject(
    'gluetun/enum-value',
    'PROXY_LOG=yes (not a tinyproxy level)',
    D,
    (f) => addEnv(f, D, 'PROXY_LOG', 'yes'),
    /"yes" is not one of on, info, connect, notice/,
  ),
  accept('gluetun/enum-value', 'LOG_LEVEL=DEBUG (read lowercased)', (f) => addEnv(f, D, 'LOG_LEVEL', 'DEBUG')),
  accept('gluetun/enum-value', 'a custom echoip public-IP API', (f) =>
    addEnv(f, D, 'PUBLICIP_API', 'ipinfo,echoip#https://echoip.example.com'),
  ),
  reject('gluetun/address-value', 'a listening address without a colon', D, (f) =>
    setEnv(f, D, 'HTTPPROXY_LISTENING_ADDRESS', '":8888"', '"8888"'),
  ),
  reject(
    'gluetun/address-value',
    'FIREWALL_OUTBOUND_SUBNETS=0.0.0.0/8',
    D,
    (f) => addEnv(f, D, 'FIREWALL_OUTBOUND_SUBNETS', '0.0.0.0/8'),
    /unspecified address/,
  ),
  reject(
    'gluetun/address-value',
    'port 0 in FIREWALL_INPUT_PORTS',
    D,
    (f) => setEnv(f, D, 'FIREWALL_INPUT_PORTS', '"8888"', '"8888,0"'),
    /port 0 is refused/,
  ),
  accept('gluetun/address-value', 'IPv4 and IPv6 outbound subnets', (f) =>
    addEnv(f, D, 'FIREWALL_OUTBOUND_SUBNETS', '10.152.183.0/24,fd00:10:96::/112'),
  ),
  accept('gluetun/address-value', 'an IPv6 listening address', (f) =>
    setEnv(f, D, 'HTTPPROXY_LISTENING_ADDRESS', '":8888"', '"[::]:8888"'),
  ),
  reject('gluetun/secret-literal', 'a literal WireGuard key', D, (f) =>
    f.replace(D, KEY_REF, '              value: replace-me\n'),
  ),
  reject('gluetun/secret-literal', 'a literal control-server API key', D, (f) =>
    f.replace(D, '"apikey":"$(GLUETUN_CONTROL_APIKEY)"', '"apikey":"abc123"'),
  ),
  accept('gluetun/secret-literal', 'a literal user name, which is not a secret', (f) =>
    addEnv(f, D, 'HTTPPROXY_USER', 'proxy'),
  ),
  reject('gluetun/image-pinned', 'gluetun on latest', D, (f) =>
    f.replace(D, 'image: qmcgaw/gluetun:v3.41.1', 'image: qmcgaw/gluetun:latest'),
  ),
  accept(
    'gluetun/image-pinned',
    'gluetun pinned by tag and digest',
    (f) => f.replace(D, 'image: qmcgaw/gluetun:v3.41.1', `image: qmcgaw/gluetun:v3.41.1@sha256:${'0'.repeat(64)}`),
    ['inventory/vpn-settings'],
  ),
  // Across settings (gluetun-combos.ts)
  reject('gluetun/provider', 'a misspelled provider', D, (f) =>
    setEnv(f, D, 'VPN_SERVICE_PROVIDER', 'protonvpn', 'protonvpm'),
  ),
  accept('gluetun/provider', 'VPN_SERVICE_PROVIDER=pia with OpenVPN', pia, ['inventory/vpn-settings']),
  reject('gluetun/vpn-type', 'a misspelled VPN type', D, (f) => setEnv(f, D, 'VPN_TYPE', 'wireguard', 'wiregard')),
  reject('gluetun/vpn-type', 'WireGuard without a private key', D, (f) =>
    f.replace(D, `            - name: WIREGUARD_PRIVATE_KEY\n${KEY_REF}`, ''),
  ),
  reject('gluetun/vpn-type', 'pia with WireGuard', D, (f) => setEnv(f, D, 'VPN_SERVICE_PROVIDER', 'protonvpn', 'pia')),
  accept('gluetun/vpn-type', 'VPN_TYPE=WireGuard (read lowercased)', (f) =>
    setEnv(f, D, 'VPN_TYPE', 'wireguard', 'WireGuard'),
  ),
  reject('gluetun/feature-filter', 'OWNED_ONLY with protonvpn (mullvad only)', D, (f) =>
    addEnv(f, D, 'OWNED_ONLY', 'on'),
  ),
  accept('gluetun/feature-filter', 'SECURE_CORE_ONLY with protonvpn', (f) =>
    addEnv(f, `${NL}deployment.yaml`, 'SECURE_CORE_ONLY', 'on'),
  ),
  reject('gluetun/free-port-forward', 'FREE_ONLY with port forwarding', Q, (f) => addEnv(f, Q, 'FREE_ONLY', 'on')),
  accept('gluetun/free-port-forward', 'FREE_ONLY=on with an explicit PORT_FORWARD_ONLY=off', (f) => {
    addEnv(f, Q, 'FREE_ONLY', 'on');
    addEnv(f, Q, 'PORT_FORWARD_ONLY', 'off');
  }),
  reject('gluetun/wireguard-endpoint-port', 'WIREGUARD_ENDPOINT_PORT with protonvpn', D, (f) =>
    addEnv(f, D, 'WIREGUARD_ENDPOINT_PORT', '51820'),
  ),
  accept('gluetun/wireguard-endpoint-port', 'WIREGUARD_ENDPOINT_PORT=0 (unset for gluetun)', (f) =>
    addEnv(f, D, 'WIREGUARD_ENDPOINT_PORT', '0'),
  ),
  reject('gluetun/outbound-subnets-overlap', '10.0.0.0/8 with port forwarding', Q, (f) =>
    addEnv(f, Q, 'FIREWALL_OUTBOUND_SUBNETS', '10.0.0.0/8'),
  ),
  accept('gluetun/outbound-subnets-overlap', 'the cluster ranges only, IPv6 included', (f) =>
    addEnv(f, Q, 'FIREWALL_OUTBOUND_SUBNETS', '10.152.183.0/24,fd00:10:96::/112'),
  ),
  reject('gluetun/up-command', 'curl in the up command', Q, (f) =>
    f.replace(Q, 'wget -q -O /dev/null -T 10 --post-data', 'curl -s --data'),
  ),
  reject(
    'gluetun/up-command',
    'a bash -c up command (the image has no bash)',
    Q,
    (f) => f.replace(Q, "/bin/sh -c '(exec", "bash -c '(exec"),
    /has no bash/,
  ),
  reject(
    'gluetun/up-command',
    'unbalanced quotes',
    Q,
    (f) =>
      f.replace(
        Q,
        '"$(cat /tmp/gluetun/forwarded_port 2>/dev/null)"',
        '"$(cat /tmp/gluetun/forwarded_port 2>/dev/null)\'',
      ),
    /cannot split it into words \(unterminated/,
  ),
  reject('gluetun/up-command', 'an up command without port forwarding', D, (f) =>
    addEnv(f, D, 'VPN_PORT_FORWARDING_UP_COMMAND', 'echo {{PORT}}'),
  ),
  accept('gluetun/up-command', 'sh found on PATH instead of /bin/sh', (f) =>
    f.replace(Q, "/bin/sh -c '(exec", "sh -c '(exec"),
  ),
  reject(
    'gluetun/port-forward-timing',
    "the gluetun wiki's foreground --retry-connrefused",
    Q,
    (f) => setUpCommand(f, WIKI_UP),
    /retries in the foreground/,
  ),
  reject(
    'gluetun/port-forward-timing',
    'a single attempt',
    Q,
    (f) => setUpCommand(f, WIKI_UP.replace(' --retry-connrefused', '')),
    /calls the app once/,
  ),
  reject(
    'gluetun/port-forward-timing',
    'a background loop writing to the closed pipe',
    Q,
    (f) => f.replace(Q, '(exec >/proc/1/fd/1 2>&1; n=0;', '(n=0;'),
    /SIGPIPE/,
  ),
  accept('gluetun/port-forward-timing', 'another background retry interval', (f) =>
    f.replace(Q, 'sleep 5; done) &', 'sleep 2; done) &'),
  ),
  accept('gluetun/port-forward-timing', 'an up command that only writes a file', (f) =>
    setUpCommand(f, "/bin/sh -c 'echo {{PORT}} > /tmp/gluetun/port-copy'"),
  ),
];
