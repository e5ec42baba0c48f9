import { describe, expect, test } from 'vitest';
import { InputError } from '../../src/lib/core/errors.ts';
import { loadInventory } from '../../src/lib/inventory/inventory.ts';
import { Secret } from '../../src/lib/core/secrets.ts';
import { keyEnvFor, newApiKey, proxyConfig, proxyTarget, secretManifest, secretValue } from '../../src/lib/steps/vpn-proxy.ts';

const inv = loadInventory();

describe('proxyTarget()', () => {
  test('reads names, Secrets, the client label and the URL from the inventory and the bundled manifests', () => {
    const t = proxyTarget(inv, 'netherlands');
    expect(t).toMatchObject({
      name: 'vpn-proxy-netherlands',
      country: 'Netherlands',
      namespace: 'vpn-egress',
      wireguardSecret: { name: 'vpn-proxy-netherlands-wireguard', key: 'wireguard_private_key' },
      controlSecret: { name: 'vpn-proxy-netherlands-control-server', key: 'apikey' },
      keyEnv: 'PROTONVPN_WG_KEY_NETHERLANDS',
      serviceUrl: 'http://vpn-proxy-netherlands.vpn-egress.svc:8888',
      clientLabel: { key: 'avalanche.network/vpn-client', value: 'vpn-proxy-netherlands' },
      gluetun: { resource: 'deploy/vpn-proxy-netherlands', container: 'gluetun', port: 8000, apiKeyEnv: 'GLUETUN_CONTROL_APIKEY' },
    });
    expect(t.objects.map((o) => o.kind)).toEqual(['Namespace', 'Deployment', 'Service', 'NetworkPolicy']);
  });
  test('throws an InputError for an unknown region', () => {
    expect(() => proxyTarget(inv, 'mars')).toThrow(InputError);
  });
});

describe('proxyConfig()', () => {
  test.each([
    [{ settle: '-1', echoUrl: 'https://api.ipify.org' }, /--settle -1: expected a whole number of seconds/],
    [{ settle: '5', echoUrl: 'ftp://x' }, /--echo-url ftp:\/\/x: expected an http\(s\) URL/],
  ])('refuses %o', (args, message) => {
    expect(() => proxyConfig(inv, args, undefined)).toThrow(message);
  });
  test('defaults to every shared proxy and the inventory context', () => {
    const c = proxyConfig(inv, { settle: '60', echoUrl: 'https://api.ipify.org' }, undefined);
    expect(c.targets.map((t) => t.region)).toEqual(['iceland', 'netherlands']);
    expect(c).toMatchObject({ context: 'avalanche', contextFromFlag: false, managedBy: 'avalanche-runbooks', settleS: 60 });
  });
});

describe('secretManifest()', () => {
  const t = proxyTarget(inv, 'iceland');
  test('puts the value base64 in data, with the labels; a placeholder when there is no value yet', () => {
    const s = secretManifest(t, 'wireguard', new Secret('k', 'value-123', '$K'), { 'app.kubernetes.io/managed-by': 'avalanche-runbooks' });
    expect(s).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'vpn-proxy-iceland-wireguard', namespace: 'vpn-egress', labels: { 'app.kubernetes.io/name': 'vpn-proxy-iceland', 'app.kubernetes.io/managed-by': 'avalanche-runbooks' } },
      type: 'Opaque',
      data: { wireguard_private_key: Buffer.from('value-123').toString('base64') },
    });
    expect(secretValue(s, 'wireguard_private_key')).toBe('value-123');
    expect(secretManifest(t, 'control', undefined, {}).data).toEqual({ apikey: '<generated API key, base64>' });
  });
});

describe('newApiKey() / keyEnvFor()', () => {
  test('32 letters and digits, different each time', () => {
    const a = newApiKey();
    expect(a).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(newApiKey()).not.toBe(a);
  });
  test('the key variable is named after the region', () => {
    expect(keyEnvFor('iceland')).toBe('PROTONVPN_WG_KEY_ICELAND');
  });
});
