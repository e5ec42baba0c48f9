import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import {
  aRecords,
  CliOutputError,
  compareVersions,
  funnelHostPorts,
  parseDnsQuery,
  parseDnsStatus,
  parseServeStatus,
  parseVersion,
  webHandlers,
} from '../../src/lib/clients/tailscale-cli.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/tailscale/${name}`, import.meta.url), 'utf8');

describe('parseVersion()', () => {
  test('reads the short and long versions of `tailscale version`', () => {
    expect(parseVersion(fixture('version.txt'))).toEqual({ short: '1.102.3', long: '1.102.3-t3c9b57f2e-g0c1f4a0b1' });
  });

  test('accepts a bare version line', () => expect(parseVersion('1.76.1\n')).toEqual({ short: '1.76.1' }));

  test('throws CliOutputError when the first line is not a version', () => {
    expect(() => parseVersion('bash: tailscale: command not found')).toThrow(CliOutputError);
  });
});

describe('compareVersions()', () => {
  test.each([
    ['1.102.3', '1.96.0', 1],
    ['1.74.0', '1.74.0', 0],
    ['1.70.9', '1.74.0', -1],
    ['1.102.3-t3c9b57f2e', '1.102.3', 0],
  ])('%s vs %s', (a, b, sign) => expect(Math.sign(compareVersions(a, b))).toBe(sign));
});

describe('parseDnsStatus()', () => {
  test('reads Tailscale DNS, MagicDNS and the split DNS routes without trailing dots', () => {
    expect(parseDnsStatus(fixture('dns-status.txt'))).toEqual({
      tailscaleDns: true,
      magicDns: true,
      splitDnsRoutes: { internal: ['10.1.0.53'], 'tail1234.ts.net': ['199.247.155.53'] },
    });
  });

  test('reads a device with Tailscale DNS off and no split DNS', () => {
    expect(parseDnsStatus(fixture('dns-status-no-split.txt'))).toEqual({
      tailscaleDns: false,
      magicDns: false,
      splitDnsRoutes: {},
    });
  });

  test('throws CliOutputError on other text', () => {
    expect(() => parseDnsStatus('unknown subcommand: dns')).toThrow(CliOutputError);
  });
});

describe('parseDnsQuery()', () => {
  test('reads the resolver and the A answer', () => {
    const result = parseDnsQuery(fixture('dns-query-kanidm.txt'));
    expect(result).toEqual({
      responseCode: 'Success',
      resolvers: ['10.1.0.53'],
      answers: [{ name: 'kanidm.internal', ttl: 300, type: 'A', body: '10.1.0.20' }],
    });
    expect(aRecords(result)).toEqual(['10.1.0.20']);
  });

  test('reads NXDOMAIN with several resolvers and no answers', () => {
    const result = parseDnsQuery(fixture('dns-query-nxdomain.txt'));
    expect(result).toEqual({ responseCode: 'NameError', resolvers: ['192.168.178.1', '1.1.1.1'], answers: [] });
    expect(aRecords(result)).toEqual([]);
  });

  test('throws CliOutputError without a response code', () => {
    expect(() => parseDnsQuery('failed to query DNS: context deadline exceeded')).toThrow(CliOutputError);
  });
});

describe('parseServeStatus()', () => {
  test('reads the web handlers of host:443 and finds no funnel', () => {
    const config = parseServeStatus(fixture('serve-status.json'));
    expect(webHandlers(config, 'calypso.tail1234.ts.net.', 443)).toEqual({
      '/': { Path: '/home/alice/avalanche-docs/dist' },
    });
    expect(webHandlers(config, 'calypso.tail1234.ts.net', 8443)).toEqual({});
    expect(funnelHostPorts(config)).toEqual([]);
  });

  test('lists host:ports open to the internet', () => {
    const config = parseServeStatus(
      JSON.stringify({ AllowFunnel: { 'calypso.tail1234.ts.net:443': true, 'calypso.tail1234.ts.net:8443': false } }),
    );
    expect(funnelHostPorts(config)).toEqual(['calypso.tail1234.ts.net:443']);
  });

  test.each(['', 'null', '{}'])('reads %j as an empty config', (text) => expect(parseServeStatus(text)).toEqual({}));

  test('throws CliOutputError on text', () => {
    expect(() => parseServeStatus('No serve config')).toThrow(CliOutputError);
  });
});
