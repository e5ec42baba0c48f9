import { describe, expect, test } from 'vitest';
import { ambiguousScalars, schemaUrl } from '../../src/lib/lint/kubernetes.ts';

describe('ambiguousScalars()', () => {
  test.each([
    ['on', true],
    ['Off', true],
    ['yes', true],
    ['n', true],
    ['0755', true],
    ['1:20', true],
    ['1_000', true],
    ['"on"', false],
    ["'yes'", false],
    ['true', false],
    ['8888', false],
    ['0', false],
    ['10.1.0.0/24', false],
    [':8888', false],
    ['Iceland', false],
  ])('value %s flagged: %s', (value, flagged) => {
    expect(ambiguousScalars(`key: ${value}\n`).length).toBe(flagged ? 1 : 0);
  });
  test('finds them in sequences, flow collections and keys, with their line', () => {
    expect(ambiguousScalars('a:\n  - x\n  - off\nb: [yes]\non: 1\n').map((f) => f.line)).toEqual([3, 4, 5]);
  });
});

describe('schemaUrl()', () => {
  test.each([
    ['apps/v1', 'Deployment', 'deployment-apps-v1.json'],
    ['v1', 'Service', 'service-v1.json'],
    ['networking.k8s.io/v1', 'NetworkPolicy', 'networkpolicy-networking-v1.json'],
  ])('%s %s', (apiVersion, kind, file) => {
    expect(schemaUrl(apiVersion, kind, '1.33')).toBe(
      `https://raw.githubusercontent.com/yannh/kubernetes-json-schema/master/v1.33.0-standalone-strict/${file}`,
    );
  });
});
