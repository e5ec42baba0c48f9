import { describe, expect, test } from 'vitest';
import { decodeRole } from '../../src/lib/lint/gluetun-role.ts';
import {
  classify,
  GLUETUN_SETTINGS,
  normalize,
  PORT_NUMBER_KEYS,
  setting,
} from '../../src/lib/lint/gluetun-settings.ts';
import { checkValue } from '../../src/lib/lint/gluetun-values.ts';

describe('the gluetun v3.41.1 settings table', () => {
  test('one row per key, no old name that is also a current one, every row citing a file', () => {
    const keys = GLUETUN_SETTINGS.map((s) => s.key);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
    expect(GLUETUN_SETTINGS.flatMap((s) => (s.retro ?? []).map((r) => r.key)).filter((k) => keys.includes(k))).toEqual(
      [],
    );
    expect(GLUETUN_SETTINGS.filter((s) => !/^internal\/.+\.go$/.test(s.file)).map((s) => s.key)).toEqual([]);
  });

  test.each([
    ['SERVER_COUNTRIES', 'current'],
    ['COUNTRY', 'retro'],
    ['HTTPPROXY_PORT', 'retro'],
    ['OPENVPN_CLIENTCRT_SECRETFILE', 'file'],
    ['OPENVPN_CLIENTKEY_SECRETFILE', 'file'],
    ['WIREGUARD_PRIVATE_KEY_SECRETFILE', 'file'],
    ['HTTPPROXY_USER_FILE', 'file'],
    ['OPENVPN_KEY_SECRETFILE', 'unknown'],
    ['FIREWALL', 'ignored'],
    ['DOT_VERBOSITY', 'ignored'],
    ['SERVER_COUNTRY', 'unknown'],
  ])('classify(%s) is %s', (name, kind) => expect(classify(name).kind).toBe(kind));

  test('normalize() trims spaces and quotes, then lowercases unless told not to', () => {
    expect(normalize(' "On" ')).toBe('on');
    expect(normalize(`'"Key"'`, true)).toBe('Key');
  });

  test('the service-link keys are the port-number keys of the table', () => {
    expect([...PORT_NUMBER_KEYS].sort()).toEqual([
      'HTTPPROXY_PORT',
      'OPENVPN_ENDPOINT_PORT',
      'OPENVPN_PORT',
      'PROXY_PORT',
      'SHADOWSOCKS_PORT',
      'TINYPROXY_PORT',
      'VPN_ENDPOINT_PORT',
      'VPN_PORT_FORWARDING_LISTENING_PORT',
      'WIREGUARD_ENDPOINT_PORT',
    ]);
  });
});

describe('checkValue()', () => {
  const rules = (key: string, value: string) => checkValue(key, value, setting(key)!).map((p) => p.rule);
  test.each([
    ['HTTPPROXY_LOG', 'info', ['gluetun/boolean-value']],
    ['HTTPPROXY_LOG', 'yes', []],
    ['FIREWALL_OUTBOUND_SUBNETS', '0.0.0.0/8', ['gluetun/address-value']],
    ['FIREWALL_OUTBOUND_SUBNETS', 'fd00:10:96::/112', []],
    ['FIREWALL_INPUT_PORTS', '8888,0', ['gluetun/address-value']],
    ['SERVER_COUNTRIES', 'Iceland, Netherlands', ['gluetun/csv-spaces']],
    ['WIREGUARD_ADDRESSES', '10.2.0.2', []],
    ['UPDATER_MIN_RATIO', '0', ['gluetun/value-type']],
    ['DNS_REBINDING_PROTECTION_EXEMPT_HOSTNAMES', '*.example.com', ['gluetun/value-type']],
    ['HTTPPROXY', '', []],
  ])('%s=%j', (key, value, expected) => expect(rules(key, value)).toEqual(expected));
});

describe('decodeRole()', () => {
  test.each([
    ['{"auth":"apikey","apikey":"x"}', []],
    ['{"Name":"r","AUTH":"basic","username":"u","password":"p"}', []],
    ['{}', []],
    [
      '{"auth":"apikey","apikey":"x","routes":["GET /v1/version"]}',
      [expect.stringMatching(/"routes" is an unknown field/)],
    ],
    ['{"auth":"APIKEY","apikey":"x"}', [expect.stringMatching(/not one of none, apikey, basic/)]],
    ['{"auth":"apikey"}', [expect.stringMatching(/empty apikey/)]],
    ['{"auth":', [expect.stringMatching(/not valid JSON/)]],
  ])('%s', (value, refused) => expect(decodeRole(value).refused).toEqual(refused));
});
