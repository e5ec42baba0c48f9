import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import {
  backendProblem,
  CliOutputError,
  dnsName,
  findNode,
  offersExitNode,
  parsePrefs,
  parseStatus,
} from '../../src/lib/clients/tailscale-status.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/tailscale/${name}`, import.meta.url), 'utf8');

describe('parseStatus()', () => {
  test('reads a client status: Self, peers, routes and the tailnet', () => {
    const status = parseStatus(fixture('status-calypso.json'));
    expect(status.BackendState).toBe('Running');
    expect(dnsName(status.Self!)).toBe('calypso.tail1234.ts.net');
    expect(status.CurrentTailnet).toMatchObject({ MagicDNSSuffix: 'tail1234.ts.net', MagicDNSEnabled: true });
    const routy = findNode(status, 'routy')!;
    expect(routy).toMatchObject({
      ID: 'nRoutyCNTRL',
      Online: true,
      PrimaryRoutes: ['10.1.0.0/24'],
      Tags: ['tag:router'],
    });
    expect(offersExitNode(routy)).toBe(false);
  });

  test('defaults omitted lists to empty (AllowedIPs, PrimaryRoutes and Tags are omitempty)', () => {
    const phone = findNode(parseStatus(fixture('status-calypso.json')), 'phone')!;
    expect(phone.PrimaryRoutes).toEqual([]);
    expect(phone.Tags).toEqual([]);
    expect(phone.Online).toBe(false);
  });

  test('reads a logged-out node whose Peer and CurrentTailnet are null', () => {
    const status = parseStatus(fixture('status-logged-out.json'));
    expect(status.Peer).toEqual({});
    expect(status.CurrentTailnet).toBeNull();
    expect(backendProblem(status)).toMatch(/logged out.*https:\/\/login\.tailscale\.com\/a\/1a2b3c4d5e6f/);
  });

  test.each(['', 'tailscale: command not found', '[]', '{"Self": {}}'])('throws CliOutputError on %j', (text) => {
    expect(() => parseStatus(text)).toThrow(CliOutputError);
  });
});

describe('findNode()', () => {
  test('matches the MagicDNS label before the OS hostname, and finds Self', () => {
    const status = parseStatus(fixture('status-calypso.json'));
    expect(findNode(status, 'calypso')?.ID).toBe('nCalypsoCNTRL');
    const renamed = parseStatus(
      fixture('status-calypso.json').replace(
        '"DNSName": "routy.tail1234.ts.net."',
        '"DNSName": "routy-1.tail1234.ts.net."',
      ),
    );
    expect(findNode(renamed, 'routy')?.ID).toBe('nRoutyCNTRL');
    expect(findNode(status, 'mysecrets')).toBeUndefined();
  });
});

describe('offersExitNode()', () => {
  test.each([
    [['100.121.204.6/32', '10.1.0.0/24'], false, false],
    [['100.121.204.6/32', '10.1.0.0/24', '0.0.0.0/0', '::/0'], false, true],
    [['100.121.204.6/32', '::/0'], false, true],
    [['100.121.204.6/32'], true, true],
  ])('AllowedIPs %j with ExitNodeOption %j gives %j', (AllowedIPs, ExitNodeOption, offered) => {
    const peer = { ...findNode(parseStatus(fixture('status-calypso.json')), 'routy')!, AllowedIPs, ExitNodeOption };
    expect(offersExitNode(peer)).toBe(offered);
  });
});

describe('backendProblem()', () => {
  test.each([
    ['Running', undefined],
    ['Stopped', /stopped.*tailscale up` with no flags/],
    ['NeedsMachineAuth', /approve it in the admin console/],
    ['Starting', /not running \(BackendState Starting\)/],
  ])('%s', (state, expected) => {
    const status = parseStatus(JSON.stringify({ BackendState: state }));
    if (expected === undefined) expect(backendProblem(status)).toBeUndefined();
    else expect(backendProblem(status)).toMatch(expected);
  });
});

describe('parsePrefs()', () => {
  test('reads RouteAll and CorpDNS from `tailscale debug prefs`', () => {
    expect(parsePrefs(fixture('debug-prefs-calypso.json'))).toMatchObject({
      RouteAll: true,
      CorpDNS: true,
      WantRunning: true,
      AdvertiseRoutes: [],
    });
  });

  test('throws CliOutputError on non-JSON', () => {
    expect(() => parsePrefs('error: no such command')).toThrow(CliOutputError);
  });
});
