import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { InputError } from '../../src/lib/core/errors.ts';
import { loadInventory, sharedProxies } from '../../src/lib/inventory/inventory.ts';
import { fixtureInventory } from '../inventory/fixture.ts';
import { Secret } from '../../src/lib/core/secrets.ts';
import { DEFAULT_ROOT } from '../../src/lib/inventory/manifests.ts';
import { loadSetup } from '../../src/lib/harness/setup.ts';
import {
  keyEnvFor,
  newApiKey,
  proxyConfig,
  proxyRegions,
  proxyTarget,
  secretManifest,
  secretValue,
} from '../../src/lib/steps/vpn-proxy.ts';

// The bundled set: expectations are derived from the bundled inventory, never typed here.
const inv = loadInventory();
const setup = loadSetup({});
const proxies = inv.vpn.deployments.filter((d) => d.pattern === 'shared-proxy');
const ns = inv.kubernetes.namespace;

describe('proxyTarget()', () => {
  test.each(proxies.map((p) => [p.region!, p] as const))(
    '%s: names, Secrets, the client label and the URL from the inventory and the bundled manifests',
    (region, p) => {
      const t = proxyTarget(inv, region, DEFAULT_ROOT);
      expect(t).toMatchObject({
        name: p.name,
        country: p.country,
        namespace: ns,
        kustomizeDir: `${DEFAULT_ROOT.replace(/\/$/, '')}/manifests/${p.name}`,
        wireguardSecret: { name: `${p.name}-wireguard`, key: 'wireguard_private_key' },
        controlSecret: { name: `${p.name}-control-server`, key: 'apikey' },
        keyEnv: `PROTONVPN_WG_KEY_${region.toUpperCase()}`,
        serviceUrl: `http://${p.name}.${ns}.svc:${inv.vpn.http_proxy_port}`,
        clientLabel: { key: inv.vpn.client_label, value: p.name },
        gluetun: {
          resource: `deploy/${p.name}`,
          container: 'gluetun',
          port: inv.vpn.control_server_port,
          apiKeyEnv: 'GLUETUN_CONTROL_APIKEY',
        },
      });
      expect(t.objects.map((o) => o.kind)).toEqual(['Namespace', 'Deployment', 'Service', 'NetworkPolicy']);
    },
  );
  test('throws an InputError for an unknown region', () => {
    expect(() => proxyTarget(inv, 'no-such-region', DEFAULT_ROOT)).toThrow(InputError);
  });
  test('a region added to the inventory but not generated yet: says to run npm run generate, no ":1"', () => {
    const fixture = fixtureInventory();
    const region = sharedProxies(fixture)[0].region!;
    const root = mkdtempSync(join(tmpdir(), 'no-manifests-'));
    try {
      let err: InputError | undefined;
      try {
        proxyTarget(fixture, region, root);
      } catch (e) {
        err = e as InputError;
      }
      expect(err).toBeInstanceOf(InputError);
      expect(err!.message).toContain(
        `manifests/vpn-proxy-${region}/ does not exist yet: it is generated from the inventory (vpn.proxies region ${region}, ${fixture.file}:${fixture.lines[`vpn.proxies.${region}`]}) by \`npm run generate\`.`,
      );
      expect(err!.message).not.toMatch(/vpn-proxy-[a-z-]+:\d/);
      expect(err!.next).toMatch(/^run `npm run generate`/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('proxyConfig()', () => {
  test.each([
    [{ settle: '-1', echoUrl: 'https://api.ipify.org' }, /--settle -1: expected a whole number of seconds/],
    [{ settle: '5', echoUrl: 'ftp://x' }, /--echo-url ftp:\/\/x: expected an http\(s\) URL/],
  ])('refuses %o', (args, message) => {
    expect(() => proxyConfig(setup, { ...args, probeImage: 'curlimages/curl:8.11.1' }, undefined)).toThrow(message);
  });
  test('defaults to every shared proxy and the inventory context', () => {
    const c = proxyConfig(
      setup,
      { settle: '60', echoUrl: 'https://api.ipify.org', probeImage: 'curlimages/curl:8.11.1' },
      undefined,
    );
    expect(c.targets.map((t) => t.region)).toEqual(proxyRegions(inv));
    expect(c).toMatchObject({
      context: inv.kubernetes.context,
      contextFromFlag: false,
      managedBy: inv.kubernetes.labels.managed_by,
      egress: { settleS: 60, home: {} },
    });
  });
});

describe('secretManifest()', () => {
  const t = proxyTarget(inv, proxies[0]!.region!, DEFAULT_ROOT);
  test('puts the value base64 in data, with the labels; a placeholder when there is no value yet', () => {
    const s = secretManifest(t, 'wireguard', new Secret('k', 'value-123', '$K'), {
      'app.kubernetes.io/managed-by': 'avalanche-runbooks',
    });
    expect(s).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: `${t.name}-wireguard`,
        namespace: ns,
        labels: { 'app.kubernetes.io/name': t.name, 'app.kubernetes.io/managed-by': 'avalanche-runbooks' },
      },
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
    expect(keyEnvFor('south-pole')).toBe('PROTONVPN_WG_KEY_SOUTH_POLE');
  });
});
