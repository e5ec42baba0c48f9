import { describe, expect, test } from 'vitest';
import { DataFileError } from '../../src/lib/core/errors.ts';
import {
  autoApproverFor,
  exitNodeApprovers,
  lineDiff,
  parsePolicy,
  prefixWithin,
  samePolicyText,
} from '../../src/lib/clients/tailscale-policy.ts';

const POLICY = `// home
{
  "tagOwners": { "tag:router": ["autogroup:admin"] },
  "autoApprovers": {
    "routes": { "10.1.0.0/16": ["group:admins", "tag:router"] }, // trailing comma next
  },
}
`;

describe('parsePolicy()', () => {
  test('reads HuJSON with comments and trailing commas', () => {
    expect(parsePolicy(POLICY, 'policy.hujson').autoApprovers?.routes).toEqual({
      '10.1.0.0/16': ['group:admins', 'tag:router'],
    });
  });

  test('throws a DataFileError with the line of a syntax error', () => {
    const error = (() => {
      try {
        parsePolicy('{\n  "acls": [\n    { "action": "accept" \n  ]\n}\n', 'policy.hujson');
      } catch (e) {
        return e as DataFileError;
      }
    })();
    expect(error).toBeInstanceOf(DataFileError);
    expect(error?.line).toBe(4);
    expect(error?.message).toMatch(/^policy\.hujson:4: not valid HuJSON/);
  });

  test('throws on a policy that is not an object', () => {
    expect(() => parsePolicy('[]', 'p.hujson')).toThrow(/expected a policy object/);
  });
});

describe('prefixWithin()', () => {
  test.each([
    ['10.1.0.0/24', '10.1.0.0/24', true],
    ['10.1.0.0/24', '10.1.0.0/16', true],
    ['10.1.0.0/24', '10.0.0.0/8', true],
    ['10.1.0.0/16', '10.1.0.0/24', false],
    ['10.2.0.0/24', '10.1.0.0/16', false],
    ['10.1.0.0/24', '0.0.0.0/0', true],
    ['::/0', '0.0.0.0/0', false],
  ])('%s within %s: %s', (inner, outer, within) => expect(prefixWithin(inner, outer)).toBe(within));
});

describe('autoApproverFor()', () => {
  const policy = parsePolicy(POLICY, 'p');
  test('returns the tag that approves a route inside its prefix', () => {
    expect(autoApproverFor(policy, '10.1.0.0/24', ['tag:router'])).toBe('tag:router');
  });

  test.each([
    ['an untagged device', '10.1.0.0/24', []],
    ['another tag', '10.1.0.0/24', ['tag:server']],
    ['a route outside every prefix', '192.168.1.0/24', ['tag:router']],
  ])('returns undefined for %s', (_, route, tags) => expect(autoApproverFor(policy, route, tags)).toBeUndefined());

  test('lists exit-node approvers', () => {
    expect(exitNodeApprovers(policy)).toEqual([]);
    expect(exitNodeApprovers({ autoApprovers: { exitNode: ['tag:exit'] } })).toEqual(['tag:exit']);
  });
});

describe('lineDiff()', () => {
  test('is empty for equal text, ignoring CRLF and trailing blanks', () => {
    expect(lineDiff('a\r\nb  \n', 'a\nb')).toBe('');
    expect(samePolicyText('a\r\nb  \n\n', 'a\nb')).toBe(true);
    expect(samePolicyText('a\nb', 'a\nc')).toBe(false);
  });

  test('marks removed and added lines with context and elides far lines', () => {
    const before = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', 'old', '12'].join('\n');
    const after = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', 'new', '12'].join('\n');
    expect(lineDiff(before, after, { before: 'live', after: 'bundled' }, 1)).toBe(
      ['--- live', '+++ bundled', '  ...', '  10', '- old', '+ new', '  12', ''].join('\n'),
    );
  });
});
