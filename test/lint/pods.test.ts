import { describe, expect, test } from 'vitest';
import { selectorMatches, serviceEnvName } from '../../src/lib/lint/pods.ts';

const labels = { app: 'proxy', tier: 'egress' };
describe('selectorMatches()', () => {
  test.each([
    ['a plain map that matches', { app: 'proxy' }, true],
    ['a plain map that does not', { app: 'other' }, false],
    ['matchLabels', { matchLabels: { tier: 'egress' } }, true],
    ['In', { matchExpressions: [{ key: 'app', operator: 'In', values: ['a', 'proxy'] }] }, true],
    ['NotIn', { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['proxy'] }] }, false],
    ['Exists', { matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, true],
    ['DoesNotExist', { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, false],
    ['an empty selector (selects everything)', {}, true],
  ])('%s', (_what, selector, expected) => expect(selectorMatches(selector, labels)).toBe(expected));
});

describe('serviceEnvName()', () => {
  test('spells a Service name as Kubernetes service-link variables do', () => {
    expect(serviceEnvName('vpn-endpoint')).toBe('VPN_ENDPOINT');
  });
});
