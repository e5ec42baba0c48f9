/**
 * The inventory loader, on a fixture inventory of its own (test/fixtures/inventory/network.yaml): no
 * assertion here pins a value of the bundled network, so a correct change to src/data/network.yaml never
 * breaks this file. The bundled file is only required to load.
 */
import { describe, expect, test } from 'vitest';
import { DataFileError } from '../../src/lib/core/errors.ts';
import {
  DEFAULT_INVENTORY,
  loadInventory,
  sharedProxies,
  subnetRouter,
  yearlySavings,
} from '../../src/lib/inventory/inventory.ts';

import { editFixture as edit, FIXTURE, fixtureText as source } from './fixture.ts';

const lineOf = (needle: string) => source.split('\n').findIndex((l) => l.includes(needle)) + 1;
const load = (text = source) => loadInventory(FIXTURE, text);

function failure(text: string): DataFileError {
  try {
    load(text);
  } catch (e) {
    expect(e).toBeInstanceOf(DataFileError);
    return e as DataFileError;
  }
  throw new Error('expected the inventory to be refused');
}

describe('loadInventory()', () => {
  test('loads the bundled inventory', () => {
    const inv = loadInventory(DEFAULT_INVENTORY);
    expect(inv.tailnet.hosts.length).toBeGreaterThan(0);
    expect(subnetRouter(inv).role).toBe('subnet-router');
  });

  test('derives what the file does not state: routes, DNS server, nameservers, names, proxies', () => {
    const inv = load();
    expect(inv.lan.dns_server).toBe('192.0.2.10');
    expect(inv.tailnet.split_dns).toEqual({ domain: 'home.arpa', nameservers: ['192.0.2.10'] });
    expect(subnetRouter(inv)).toMatchObject({
      name: 'gateway',
      advertise_routes: ['192.0.2.0/24'],
      ssh_alias: 'gateway',
    });
    expect(inv.lan.services[0].fqdn).toBe('wiki.home.arpa');
    expect(sharedProxies(inv).map((p) => [p.name, p.region, p.country, p.status])).toEqual([
      ['vpn-proxy-alpha', 'alpha', 'Switzerland', 'live'],
      ['vpn-proxy-beta', 'beta', 'Japan', 'planned'],
    ]);
    expect(inv.vpn.deployments.find((d) => d.pattern === 'sidecar')).toMatchObject({
      name: 'torrents',
      port_forwarding: true,
    });
    expect(inv.vpn.tunnel_gateway).toBe('10.2.0.1');
  });

  test("derives each access pattern's hops and status from the entries it goes through", () => {
    const inv = load();
    expect(inv.access_patterns.map((p) => p.hops)).toEqual([
      ['tablet (Tailscale)', 'gateway (subnet router)', '192.0.2.0/24', 'Service'],
      ['chatbot pod', 'vpn-proxy-alpha service', 'ProtonVPN Switzerland', 'Chat network'],
      ['torrents container', 'gluetun sidecar', 'ProtonVPN Switzerland', 'Peers'],
    ]);
    const planned = load(edit('egress: vpn-proxy-alpha', 'egress: vpn-proxy-beta'));
    expect(planned.access_patterns.find((p) => p.name === 'irc-bot')?.status).toBe('planned');
  });

  test('a retired route is no longer advertised', () => {
    const inv = load(edit('        - to: lan\n          status: live', '        - to: lan\n          status: retired'));
    expect(subnetRouter(inv).advertise_routes).toEqual([]);
  });

  test('records every assumed value with its key, reason and line, and unwraps it', () => {
    const inv = load();
    expect(inv.lan.dns_server_host).toBe(10);
    expect(inv.assumptions).toEqual([
      {
        key: 'lan.dns_server_host',
        value: 10,
        why: 'The fixture marks the DNS server as assumed.',
        line: lineOf('value: 10'),
      },
    ]);
    const entry = load(
      edit(
        '      description: Workstation\n',
        '      description: Workstation\n      assumed: true\n      why: The fixture assumes this host.\n',
      ),
    );
    expect(entry.assumptions.map((a) => a.key)).toContain('tailnet.hosts.desk');
  });

  test('accepts a country in another case, as gluetun compares SERVER_COUNTRIES without case', () => {
    expect(sharedProxies(load(edit('country: Japan', 'country: japan')))[1].country).toBe('japan');
  });

  test('computes the yearly saving from the cost figures', () => {
    expect(yearlySavings(load())).toBe(30);
  });

  test.each([
    [
      'a wrong type',
      edit('http_proxy_port: 8888', 'http_proxy_port: "eighty"'),
      lineOf('http_proxy_port'),
      /vpn\.http_proxy_port: .*expected number/,
    ],
    [
      'an unknown key',
      edit('  magic_dns: true', '  magic_dns: true\n  magicdns: true'),
      lineOf('magic_dns') + 1,
      /tailnet: unknown key magicdns; did you mean magic_dns\? \(magic_dns is set too: keep one\)/,
    ],
    [
      'a misspelled required key (named, not reported as the key it replaces being missing)',
      edit('  dns_server_host:', '  dns_server_hots:'),
      lineOf('dns_server_host:'),
      /lan: unknown key dns_server_hots; did you mean dns_server_host\?/,
    ],
    [
      'a misspelled optional key in a list entry',
      edit('      description: Workstation\n', '      descripton: Workstation\n'),
      lineOf('description: Workstation'),
      /tailnet\.hosts\.1: unknown key descripton; did you mean description\?/,
    ],
    [
      'an unknown key like no known one',
      edit('  magic_dns: true', '  magic_dns: true\n  colour: blue'),
      lineOf('magic_dns') + 1,
      /unknown key colour; expected one of range, split_dns, magic_dns, exit_nodes, hosts/,
    ],
    [
      'a tailnet IP outside the tailnet range',
      edit('ip: 100.100.1.1', 'ip: 192.0.2.6'),
      lineOf('ip: 100.100.1.1'),
      /outside the tailnet range/,
    ],
    [
      'a DNS server host outside the LAN',
      edit('value: 10\n', 'value: 300\n'),
      lineOf('value: 10'),
      /does not fit in 192\.0\.2\.0\/24/,
    ],
    ['a duplicate host name', edit('name: desk', 'name: gateway'), lineOf('name: desk'), /duplicate name "gateway"/],
    [
      'a non-canonical subnet',
      edit('subnet: 192.0.2.0/24', 'subnet: 192.0.2.5/24'),
      lineOf('subnet: 192.0.2.0/24'),
      /canonical IPv4 CIDR/,
    ],
    [
      'an unpinned image',
      edit('image: qmcgaw/gluetun:v3.41.1', 'image: qmcgaw/gluetun:latest'),
      lineOf('image: qmcgaw'),
      /pinned to a release/,
    ],
    [
      'a workload using a proxy that does not exist',
      edit('egress: vpn-proxy-alpha', 'egress: vpn-proxy-gamma'),
      lineOf('egress: vpn-proxy-alpha'),
      /"vpn-proxy-gamma" is not a shared proxy; expected one of vpn-proxy-alpha, vpn-proxy-beta/,
    ],
    ['a duplicate region', edit('region: beta', 'region: alpha'), lineOf('region: beta'), /duplicate region "alpha"/],
    [
      'a second subnet router',
      edit('role: workstation', 'role: subnet-router'),
      lineOf('- name: desk'),
      /exactly one host with role subnet-router/,
    ],
    [
      'routes on a host that is not a router',
      edit(
        '      description: Workstation\n',
        '      description: Workstation\n      routes: [{ to: lan, status: live }]\n',
      ),
      lineOf('description: Workstation') + 1,
      /only a subnet router advertises routes/,
    ],
    [
      'an access pattern from nowhere',
      edit('from: chatbot', 'from: nobody'),
      lineOf('from: chatbot'),
      /"nobody" is not a workload/,
    ],
    [
      // Unworkable, not only untidy: the router would advertise addresses the cluster routes to pods.
      'a LAN inside the pod range (reported at the LAN, naming the pod range and its line)',
      edit('subnet: 192.0.2.0/24', 'subnet: 198.51.100.64/26'),
      lineOf('subnet: 192.0.2.0/24'),
      new RegExp(
        `lan\\.subnet: 198\\.51\\.100\\.64/26 overlaps kubernetes\\.pod_cidr 198\\.51\\.100\\.0/25 \\(line ${lineOf('pod_cidr:')}\\)`,
      ),
    ],
    [
      'a LAN around the service range',
      edit('subnet: 192.0.2.0/24', 'subnet: 198.51.100.0/24'),
      lineOf('subnet: 192.0.2.0/24'),
      /lan\.subnet: 198\.51\.100\.0\/24 overlaps kubernetes\.pod_cidr/,
    ],
    [
      "a LAN containing ProtonVPN's tunnel gateway",
      edit('subnet: 192.0.2.0/24', 'subnet: 10.2.0.0/24'),
      lineOf('subnet: 192.0.2.0/24'),
      /lan\.subnet: 10\.2\.0\.0\/24 contains ProtonVPN's WireGuard tunnel address 10\.2\.0\.2/,
    ],
    [
      "a region's country as Proton's two-letter code",
      edit('country: Japan', 'country: JP'),
      lineOf('country: Japan'),
      /vpn\.proxies\.beta\.country: "JP" is not a country gluetun v3\.41\.1 knows for ProtonVPN; did you mean Japan\?.*Proton's two-letter codes such as JP are not accepted/,
    ],
    [
      'a country gluetun spells otherwise',
      edit('country: Japan', 'country: The Netherlands'),
      lineOf('country: Japan'),
      /"The Netherlands" is not a country .*; did you mean Netherlands\?/,
    ],
    [
      "a sidecar's country that is no country",
      edit(
        '      country: Switzerland\n      status: live\n      port_forwarding',
        '      country: Atlantis\n      status: live\n      port_forwarding',
      ),
      lineOf('port_forwarding') - 2,
      /vpn\.sidecars\.torrents\.country: "Atlantis" is not a country gluetun v3\.41\.1 knows for ProtonVPN\. Write/,
    ],
    [
      'an assumed value without a reason',
      edit('    why: The fixture marks the DNS server as assumed.\n', ''),
      lineOf('dns_server_host:') + 1,
      /needs `why:`/,
    ],
    [
      'a wrapper that is not assumed',
      edit('    assumed: true\n', '    assumed: false\n'),
      lineOf('assumed: true'),
      /expected `assumed: true`/,
    ],
  ])('rejects %s with the file, the line of the entry and what was expected', (_what, text, line, message) => {
    const err = failure(text);
    expect(err.file).toMatch(/network\.yaml$/);
    expect({ line: err.line, message: err.message }).toMatchObject({ line, message: expect.stringMatching(message) });
    expect(err.exitCode).toBe(2);
  });

  test('rejects malformed YAML with the line of the error', () => {
    expect(() => load('meta:\n  title: [unclosed\n')).toThrow(/network\.yaml:\d+: not valid YAML/);
  });
});
