/**
 * Reading facts by key (src/lib/inventory/facts.ts), on the fixture inventory: role keys, list entries by
 * name, assumptions inherited through derived values.
 */
import { describe, expect, test } from 'vitest';
import {
  assumptionAnchor,
  assumptionFor,
  exampleProxy,
  factAt,
  listOf,
  proxyOf,
  proxyUrl,
  regions,
  resolveKey,
  sidecarOf,
  workloadOf,
} from '../../src/lib/inventory/facts.ts';
import { editFixture, fixtureInventory } from './fixture.ts';

const inv = fixtureInventory();

describe('factAt()', () => {
  test.each([
    ['lan.subnet', '192.0.2.0/24'],
    ['lan.dns_server', '192.0.2.10'],
    ['tailnet.hosts.gateway.ip', '100.100.1.1'],
    ['vpn.proxies.beta.country', 'Japan'],
    ['vpn.deployments.vpn-proxy-alpha.region', 'alpha'],
    ['router.ip', '100.100.1.1'],
    ['router.advertise_routes', ['192.0.2.0/24']],
    ['bot.egress', 'vpn-proxy-alpha'],
    ['botproxy.country', 'Switzerland'],
    ['torrent.name', 'torrents'],
    ['example.region', 'beta'],
    ['exit.name', 'oldexit'],
    ['phone.name', 'tablet'],
    ['migration.phases.1.title', 'Documentation'],
  ])('%s is %j', (key, value) => expect(factAt(inv, key)).toEqual(value));

  test('returns undefined for a key with nothing behind it', () => {
    expect(factAt(inv, 'tailnet.hosts.nobody.ip')).toBeUndefined();
    expect(factAt(inv, 'lan.subnet.more')).toBeUndefined();
  });

  test('resolves role keys to the entry they name', () => {
    expect(resolveKey(inv, 'router.lan_interface')).toBe('tailnet.hosts.gateway.lan_interface');
    expect(resolveKey(inv, 'lan.subnet')).toBe('lan.subnet');
  });
});

describe('assumptionFor()', () => {
  test('finds an assumed value, and the values derived from it', () => {
    expect(assumptionFor(inv, 'lan.dns_server_host')?.key).toBe('lan.dns_server_host');
    expect(assumptionFor(inv, 'lan.dns_server')?.key).toBe('lan.dns_server_host');
    expect(assumptionFor(inv, 'tailnet.split_dns.nameservers')?.key).toBe('lan.dns_server_host');
    expect(assumptionFor(inv, 'lan.subnet')).toBeUndefined();
  });

  test('an assumed entry covers its fields, reached by role key too', () => {
    const assumed = fixtureInventory(
      editFixture(
        '      description: Subnet router\n',
        '      description: Subnet router\n      assumed: true\n      why: The fixture assumes the router.\n',
      ),
    );
    expect(assumptionFor(assumed, 'router.ip')?.key).toBe('tailnet.hosts.gateway');
    expect(assumptionAnchor('tailnet.hosts.gateway')).toBe('assumed-tailnet-hosts-gateway');
  });
});

describe('derived helpers', () => {
  test('proxies, regions, URLs and the entries use cases start from', () => {
    expect(regions(inv)).toEqual(['alpha', 'beta']);
    expect(proxyUrl(inv, 'vpn-proxy-beta')).toBe('http://vpn-proxy-beta.egress.svc:8888');
    expect(proxyOf(inv, 'chatbot')?.country).toBe('Switzerland');
    expect(workloadOf(inv, 'irc-bot')?.name).toBe('chatbot');
    expect(sidecarOf(inv, 'torrent')?.name).toBe('torrents');
    expect(exampleProxy(inv, 'region-specific-access')?.name).toBe('vpn-proxy-beta');
    expect(exampleProxy(inv, 'no-such-use-case')?.name).toBe('vpn-proxy-alpha');
  });

  test.each([
    [[], ''],
    [['a'], 'a'],
    [['a', 'b'], 'a and b'],
    [['a', 'b', 'c'], 'a, b and c'],
  ])('listOf(%j) is %j', (items, text) => expect(listOf(items)).toBe(text));
});
