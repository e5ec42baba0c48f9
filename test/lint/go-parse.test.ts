import { describe, expect, test } from 'vitest';
import {
  isMasked,
  isUnspecified,
  parseAddr,
  parseDuration,
  parsePrefix,
  parseUint,
  prefixesOverlap,
  splitHostPort,
} from '../../src/lib/lint/go-parse.ts';

describe('parseAddr() and parsePrefix(), as net/netip parses', () => {
  test.each(['10.1.0.53', '0.0.0.0', '::', '::1', 'fd7a:115c:a1e0::6b01:cc06', '::ffff:10.1.0.1', 'fe80::1%eth0'])(
    'accepts the address %s',
    (a) => expect(parseAddr(a)).toBeDefined(),
  );
  test.each(['010.1.0.1', '10.1.0', '256.1.1.1', '1::2::3', 'fe80::1%', 'localhost', ''])(
    'refuses the address %s',
    (a) => expect(parseAddr(a)).toBeUndefined(),
  );
  test.each(['10.1.0.0/24', '10.1.0.5/24', 'fd00:10:96::/112', '::/0', '0.0.0.0/8'])('accepts the prefix %s', (p) =>
    expect(parsePrefix(p)).toBeDefined(),
  );
  test.each(['10.1.0.0/33', '10.1.0.0/024', 'fe80::1%eth0/64', '10.1.0.0', ' 10.1.0.0/24'])(
    'refuses the prefix %s',
    (p) => expect(parsePrefix(p)).toBeUndefined(),
  );
  test('unspecified and masked', () => {
    expect(isUnspecified(parsePrefix('0.0.0.0/8')!.addr)).toBe(true);
    expect(isUnspecified(parsePrefix('::/0')!.addr)).toBe(true);
    expect(isMasked(parsePrefix('10.1.0.0/24')!)).toBe(true);
    expect(isMasked(parsePrefix('10.1.0.1/24')!)).toBe(false);
    expect(isMasked(parsePrefix('fd00:a:1::1/64')!)).toBe(false);
  });
  test('overlap', () => {
    expect(prefixesOverlap(parsePrefix('10.0.0.0/8')!, parsePrefix('10.2.0.0/24')!)).toBe(true);
    expect(prefixesOverlap(parsePrefix('10.152.183.0/24')!, parsePrefix('10.2.0.0/24')!)).toBe(false);
    expect(prefixesOverlap(parsePrefix('fd00::/8')!, parsePrefix('10.2.0.0/24')!)).toBe(false);
  });
});

describe('parseDuration(), as time.ParseDuration parses', () => {
  test.each([
    ['0', 0],
    ['25s', 25e9],
    ['1h30m', 5400e9],
    ['1.5h', 5400e9],
    ['-1s', -1e9],
    ['300ms', 3e8],
  ])('%s', (text, ns) => expect(parseDuration(text)).toBe(ns));
  test.each(['25', '', 's', '1h0', '1d'])('refuses %j', (text) => expect(parseDuration(text)).toBeUndefined());
});

describe('parseUint() and splitHostPort()', () => {
  test('ParseUint base 10 with a range', () => {
    expect(parseUint('0080', 65535)).toBe(80);
    expect(parseUint('65536', 65535)).toBeUndefined();
    expect(parseUint('+1', 65535)).toBeUndefined();
    expect(parseUint(' 1', 65535)).toBeUndefined();
  });
  test.each([
    [':8000', { host: '', port: '8000' }],
    ['127.0.0.1:9999', { host: '127.0.0.1', port: '9999' }],
    ['[::]:8888', { host: '::', port: '8888' }],
  ])('splits %s', (a, hp) => expect(splitHostPort(a)).toEqual(hp));
  test.each([
    ['8888', 'missing port in address'],
    ['::1:80', 'too many colons in address'],
    ['[::1:80', "missing ']' in address"],
  ])('refuses %s', (a, err) => expect(splitHostPort(a)).toBe(err));
});
