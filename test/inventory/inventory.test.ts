import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { DataFileError } from '../../src/lib/core/errors.ts';
import { DEFAULT_INVENTORY, loadInventory, sharedProxies, subnetRouter, yearlySavings } from '../../src/lib/inventory/inventory.ts';

const source = readFileSync(DEFAULT_INVENTORY, 'utf8');
const edit = (from: string, to: string) => {
  expect(source).toContain(from);
  return source.replace(from, to);
};
const lineOf = (needle: string) => source.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('loadInventory()', () => {
  test('loads the bundled inventory with the seed facts', () => {
    const inv = loadInventory();
    expect(inv.lan.subnet).toBe('10.1.0.0/24');
    expect(subnetRouter(inv)).toMatchObject({ name: 'routy', ip: '100.121.204.6' });
    expect(inv.tailnet.hosts.map((h) => h.name)).toEqual(expect.arrayContaining(['routy', 'calypso', 'mysecrets']));
    expect(inv.tailnet.split_dns.domain).toBe('internal');
    expect(inv.tailnet.exit_nodes).toBe(false);
    expect(sharedProxies(inv).map((p) => [p.name, p.country])).toEqual([
      ['vpn-proxy-iceland', 'Iceland'],
      ['vpn-proxy-netherlands', 'Netherlands'],
    ]);
    expect(inv.vpn.deployments.find((d) => d.name === 'qbittorrent')).toMatchObject({ pattern: 'sidecar', country: 'Iceland' });
    expect(inv.migration.phases.map((p) => p.status)).toEqual(['done', 'next', 'planned', 'planned']);
    expect(inv.meta.last_updated).toBe('2025-12-14');
  });

  test('computes the yearly saving from the cost figures (4.49 x 12)', () => {
    expect(yearlySavings(loadInventory())).toBe(53.88);
  });

  test.each([
    ['a wrong type', edit('http_proxy_port: 8888', 'http_proxy_port: "eighty"'), lineOf('http_proxy_port'), /vpn\.http_proxy_port: .*expected number/],
    ['an unknown key', edit('  magic_dns: true', '  magic_dns: true\n  magicdns: true'), lineOf('magic_dns') + 1, /unknown key "magicdns"/],
    ['a tailnet IP outside 100.64.0.0/10', edit('ip: 100.121.204.6', 'ip: 10.1.0.6'), lineOf('ip: 100.121.204.6'), /outside the tailnet range/],
    ['a DNS server outside the LAN', edit('dns_server: 10.1.0.53', 'dns_server: 10.2.0.53'), lineOf('dns_server'), /outside the LAN 10\.1\.0\.0\/24/],
    ['a duplicate host name', edit('name: calypso', 'name: routy'), lineOf('name: calypso'), /duplicate name "routy"/],
    ['a non-canonical subnet', edit('subnet: 10.1.0.0/24', 'subnet: 10.1.0.5/24'), lineOf('subnet: 10.1.0.0/24'), /canonical IPv4 CIDR/],
    ['an unpinned image', edit('image: qmcgaw/gluetun:v3.41.1', 'image: qmcgaw/gluetun:latest'), lineOf('image: qmcgaw'), /pinned to a release/],
    ['a proxy named apart from its region', edit('name: vpn-proxy-netherlands', 'name: vpn-proxy-nl'), lineOf('name: vpn-proxy-netherlands'), /vpn-proxy-<region>/],
  ])('rejects %s with file, line and what was expected', (_what, text, line, message) => {
    let error: unknown;
    try {
      loadInventory(DEFAULT_INVENTORY, text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DataFileError);
    const err = error as DataFileError;
    expect(err.file).toBe('src/data/network.yaml');
    expect(err.line).toBe(line);
    expect(err.message).toMatch(message);
    expect(err.exitCode).toBe(2);
  });

  test('rejects malformed YAML with the line of the error', () => {
    expect(() => loadInventory(DEFAULT_INVENTORY, 'meta:\n  title: [unclosed\n')).toThrow(/network\.yaml:\d+: not valid YAML/);
  });
});
