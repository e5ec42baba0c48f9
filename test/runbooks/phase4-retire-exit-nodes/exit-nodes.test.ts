/**
 * runbooks/phase4-retire-exit-nodes/exit-nodes.ts: which nodes are exit nodes (from real-format `tailscale status
 * --json` and API
 * devices), how each is reached, the --ssh-alias flag, and the record's merge rule.
 */
import { describe, expect, test } from 'vitest';
import {
  findExitNodes,
  parseAliases,
  reachFor,
  upsertNode,
  withoutExitRoutes,
  type ExitNode,
} from '../../../runbooks/phase4-retire-exit-nodes/exit-nodes.ts';
import { InputError } from '../../../src/lib/core/errors.ts';
import { loadInventory } from '../../../src/lib/inventory/inventory.ts';
import type { ApiDevice } from '../../../src/lib/clients/tailscale-api.ts';
import { parseStatus } from '../../../src/lib/clients/tailscale-status.ts';
import { fixture } from '../../fakes/tailscale-scenarios.ts';

const EXIT = ['0.0.0.0/0', '::/0'];
const inv = loadInventory();

/** calypso's status with routy offering an exit node (advertised and approved). */
function status(routyExit: boolean) {
  const s = JSON.parse(fixture('status-calypso.json'));
  const routy = Object.values(s.Peer).find((p) => (p as { HostName: string }).HostName === 'routy') as {
    AllowedIPs: string[];
    ExitNodeOption: boolean;
  };
  if (routyExit) Object.assign(routy, { AllowedIPs: [...routy.AllowedIPs, ...EXIT], ExitNodeOption: true });
  return parseStatus(JSON.stringify(s));
}
const devices = (): ApiDevice[] => JSON.parse(fixture('api-devices.json')).devices;

describe('findExitNodes()', () => {
  test('none when no node offers, advertises or has an approved exit route', () => {
    expect(findExitNodes(status(false), devices())).toEqual([]);
  });

  test('a node offered in status (advertised and approved) is found, with its routes from the API', () => {
    const d = devices();
    Object.assign(d[0], { advertisedRoutes: ['10.1.0.0/24', ...EXIT], enabledRoutes: ['10.1.0.0/24', ...EXIT] });
    const [routy] = findExitNodes(status(true), d);
    expect(routy).toMatchObject({
      nodeId: 'nRoutyCNTRL',
      name: 'routy',
      fqdn: 'routy.tail1234.ts.net',
      os: 'linux',
      online: true,
      self: false,
      offered: true,
      advertised: true,
      approvedExit: EXIT,
      enabledRoutes: ['10.1.0.0/24', ...EXIT],
    });
  });

  test.each<[string, Partial<ApiDevice>, Partial<ExitNode>]>([
    [
      'advertised but never approved: invisible in status, found through the API',
      { advertisedRoutes: EXIT, enabledRoutes: [] },
      { offered: false, advertised: true, approvedExit: [] },
    ],
    [
      'no longer advertised, approval left over',
      { advertisedRoutes: [], enabledRoutes: EXIT },
      { offered: false, advertised: false, approvedExit: EXIT },
    ],
  ])('%s', (_, patch, expected) => {
    const d = devices();
    Object.assign(d[0], patch);
    expect(findExitNodes(status(false), d)).toEqual([expect.objectContaining({ name: 'routy', ...expected })]);
  });

  test("a device only the API knows (not in this machine's netmap) is still found", () => {
    const vps: ApiDevice = {
      id: '1',
      nodeId: 'nVps',
      name: 'vps.tail1234.ts.net',
      hostname: 'vps',
      addresses: [],
      os: 'linux',
      connectedToControl: false,
      advertisedRoutes: EXIT,
      enabledRoutes: EXIT,
    };
    expect(findExitNodes(status(false), [...devices(), vps])).toEqual([
      expect.objectContaining({ nodeId: 'nVps', name: 'vps', online: false, advertised: true }),
    ]);
  });

  test('without the API (dry run), status alone decides', () => {
    const nodes = findExitNodes(status(true), undefined);
    expect(nodes).toEqual([expect.objectContaining({ name: 'routy', offered: true })]);
    expect(nodes[0].advertised).toBeUndefined();
    expect(findExitNodes(undefined, undefined)).toEqual([]);
  });
});

describe('reachFor()', () => {
  const node = (patch: Partial<ExitNode>): ExitNode => ({
    nodeId: 'n',
    name: 'vps',
    fqdn: 'vps.tail1234.ts.net',
    os: 'linux',
    online: true,
    self: false,
    offered: true,
    approvedExit: EXIT,
    enabledRoutes: EXIT,
    ...patch,
  });
  test.each<[string, Partial<ExitNode>, Record<string, string>, object]>([
    ['this machine runs it locally', { self: true }, {}, { via: 'local' }],
    ['an inventory host uses its ssh_alias', { name: 'routy' }, {}, { via: 'ssh', alias: 'routy' }],
    ['--ssh-alias wins', { name: 'routy' }, { routy: 'root@10.1.0.1' }, { via: 'ssh', alias: 'root@10.1.0.1' }],
    ['another Linux node: its MagicDNS name', {}, {}, { via: 'ssh', alias: 'vps.tail1234.ts.net' }],
    [
      'a phone is switched off by hand',
      { os: 'android' },
      {},
      { via: 'manual', why: 'android: turn off "Run as exit node" in its Tailscale app' },
    ],
    ['an offline node is done by hand later', { online: false }, {}, { via: 'manual' }],
  ])('%s', (_, patch, aliases, expected) => {
    expect(reachFor(node(patch), inv, aliases)).toMatchObject(expected);
  });
});

describe('parseAliases()', () => {
  test('NODE=ALIAS pairs', () => {
    expect(parseAliases(['vps=vps.example.net', 'routy=admin@routy'])).toEqual({
      vps: 'vps.example.net',
      routy: 'admin@routy',
    });
    expect(parseAliases(undefined)).toEqual({});
  });
  test.each(['vps', '=vps', 'vps=-oProxyCommand=x', 'vps=a b'])('throws on %j, naming the expected form', (bad) => {
    expect(() => parseAliases([bad])).toThrow(InputError);
    expect(() => parseAliases([bad])).toThrow(/expected NODE=ALIAS/);
  });
});

describe('withoutExitRoutes() and upsertNode()', () => {
  test('keeps every route but the two exit routes', () => {
    expect(withoutExitRoutes(['10.1.0.0/24', '0.0.0.0/0', '::/0', '192.168.5.0/24'])).toEqual([
      '10.1.0.0/24',
      '192.168.5.0/24',
    ]);
  });
  test('a node done by an earlier run keeps what that run did', () => {
    const first = upsertNode(
      { nodes: [] },
      { nodeId: 'n1', name: 'routy', via: 'ssh', alias: 'routy', unadvertised: true, removedApprovals: [] },
    );
    const second = upsertNode(first, {
      nodeId: 'n1',
      name: 'routy',
      via: 'ssh',
      alias: 'routy',
      unadvertised: false,
      removedApprovals: EXIT,
    });
    expect(second.nodes).toEqual([
      { nodeId: 'n1', name: 'routy', via: 'ssh', alias: 'routy', unadvertised: true, removedApprovals: EXIT },
    ]);
  });
});
