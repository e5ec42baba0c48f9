import { describe, expect, test } from 'vitest';
import { evaluateTests, splitHostPort, type Policy } from '../../src/lib/lint/tailscale-eval.ts';

const base: Policy = {
  groups: { 'group:ops': ['alice@example.com'] },
  hosts: { lan: '10.1.0.0/24', dns: '10.1.0.53' },
  tagOwners: { 'tag:router': ['autogroup:admin'] },
};
const outcome = (policy: Policy, test: NonNullable<Policy['tests']>[number]) =>
  evaluateTests({ ...base, ...policy, tests: [test] });

describe('evaluateTests()', () => {
  test.each([
    [
      'a member reaching a LAN address through a host alias grant',
      { grants: [{ src: ['autogroup:member'], dst: ['lan'], ip: ['*'] }] },
      { src: 'alice@example.com', accept: ['10.1.0.10:443'] },
      true,
    ],
    [
      'a member outside the granted ports',
      { grants: [{ src: ['autogroup:member'], dst: ['dns'], ip: ['udp:53'] }] },
      { src: 'alice@example.com', proto: 'tcp', accept: ['10.1.0.53:53'] },
      false,
    ],
    [
      'udp on a udp grant',
      { grants: [{ src: ['autogroup:member'], dst: ['dns'], ip: ['udp:53'] }] },
      { src: 'alice@example.com', proto: 'udp', accept: ['dns:53'] },
      true,
    ],
    [
      'a group member reaching a tag',
      { grants: [{ src: ['group:ops'], dst: ['tag:router'], ip: ['tcp:22'] }] },
      { src: 'alice@example.com', accept: ['tag:router:22'] },
      true,
    ],
    [
      'a non-member of the group',
      { grants: [{ src: ['group:ops'], dst: ['tag:router'], ip: ['tcp:22'] }] },
      { src: 'bob@example.com', accept: ['tag:router:22'] },
      false,
    ],
    [
      'a tagged source is not a member',
      { grants: [{ src: ['autogroup:member'], dst: ['lan'], ip: ['*'] }] },
      { src: 'tag:router', accept: ['10.1.0.10:443'] },
      false,
    ],
    [
      'a port range',
      { grants: [{ src: ['*'], dst: ['lan'], ip: ['tcp:8000-8999'] }] },
      { src: 'alice@example.com', accept: ['10.1.0.10:8443'] },
      true,
    ],
    [
      'a legacy ACL',
      { acls: [{ action: 'accept', src: ['group:ops'], dst: ['lan:22,443'] }] },
      { src: 'alice@example.com', accept: ['10.1.0.1:443'] },
      true,
    ],
    [
      'the internet through autogroup:internet',
      { grants: [{ src: ['autogroup:member'], dst: ['autogroup:internet'], ip: ['*'] }] },
      { src: 'alice@example.com', accept: ['8.8.8.8:443'] },
      true,
    ],
    [
      'a private address is not the internet',
      { grants: [{ src: ['autogroup:member'], dst: ['autogroup:internet'], ip: ['*'] }] },
      { src: 'alice@example.com', accept: ['10.1.0.10:443'] },
      false,
    ],
  ])('%s', (_what, policy, t, ok) => {
    const { outcomes, unsupported } = outcome(policy as Policy, t);
    expect(unsupported).toEqual([]);
    expect(outcomes.map((o) => o.ok)).toEqual([ok]);
  });

  test('a deny test fails when a grant allows the destination, saying so', () => {
    const { outcomes } = outcome(
      { grants: [{ src: ['*'], dst: ['*'], ip: ['*'] }] },
      { src: 'alice@example.com', proto: 'tcp', deny: ['8.8.8.8:443'] },
    );
    expect(outcomes).toEqual([
      expect.objectContaining({
        ok: false,
        kind: 'deny',
        message: 'alice@example.com can reach 8.8.8.8:443/tcp, which the test expects to be denied',
      }),
    ]);
  });

  test('reports what it cannot model instead of guessing', () => {
    const { unsupported } = outcome(
      { grants: [{ src: ['autogroup:admin'], dst: ['lan'], ip: ['*'], via: ['tag:x'] }], ipsets: {} },
      { src: 'alice@example.com', accept: ['10.1.0.1:22'] },
    );
    expect(unsupported.sort()).toEqual(['grants with "via"', 'ipsets', 'source autogroup:admin']);
  });

  test("ignores application-only grants (no ip), as Tailscale's network tests do", () => {
    const { outcomes } = outcome(
      { grants: [{ src: ['*'], dst: ['*'], app: { 'tailscale.com/cap/x': [{}] } }] },
      { src: 'alice@example.com', deny: ['10.1.0.1:22'] },
    );
    expect(outcomes[0].ok).toBe(true);
  });
});

describe('splitHostPort()', () => {
  test.each([
    ['10.1.0.53:53', { host: '10.1.0.53', port: '53' }],
    ['tag:router:22', { host: 'tag:router', port: '22' }],
    ['10.1.0.0/24:443', { host: '10.1.0.0/24', port: '443' }],
    ['host:*', undefined],
    ['no-port', undefined],
  ])('%s', (dst, expected) => expect(splitHostPort(dst)).toEqual(expected));
});
