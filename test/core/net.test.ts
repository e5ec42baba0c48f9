import { describe, expect, test } from 'vitest';
import { cidrContains, cidrsOverlap, maskIp, parseCidr, parseIPv4 } from '../../src/lib/core/net.ts';

describe('parseIPv4()', () => {
  test.each([
    ['10.1.0.53', true],
    ['256.1.1.1', false],
    ['10.1.0', false],
    ['a.b.c.d', false],
  ])('%s valid: %s', (ip, ok) => {
    expect(parseIPv4(ip) !== undefined).toBe(ok);
  });
});

describe('parseCidr()', () => {
  test('accepts canonical prefixes and rejects host bits, like Tailscale', () => {
    expect(parseCidr('10.1.0.0/24')).toMatchObject({ bits: 24 });
    expect(parseCidr('10.1.0.5/24')).toBeUndefined();
    expect(parseCidr('10.1.0.0/33')).toBeUndefined();
    expect(parseCidr('0.0.0.0/0')).toMatchObject({ bits: 0 });
  });
});

describe('cidrContains() and cidrsOverlap()', () => {
  test('tailnet and LAN ranges', () => {
    expect(cidrContains('100.64.0.0/10', '100.121.204.6')).toBe(true);
    expect(cidrContains('100.64.0.0/10', '100.128.0.1')).toBe(false);
    expect(cidrContains('10.1.0.0/24', '10.1.1.1')).toBe(false);
  });
  test('the ProtonVPN tunnel range overlaps 10.0.0.0/8 but not the LAN', () => {
    expect(cidrsOverlap('10.0.0.0/8', '10.2.0.0/24')).toBe(true);
    expect(cidrsOverlap('10.1.0.0/24', '10.2.0.0/24')).toBe(false);
  });
});

describe('maskIp()', () => {
  test('hides the last octet', () => {
    expect(maskIp('203.0.113.7')).toBe('203.0.113.x');
    expect(maskIp('nonsense')).toBe('x.x.x.x');
  });
});
