/**
 * Phase 4's steps: refuse while a workload depends on an exit node; find every node offering or advertising
 * one; stop the advertisement over ssh; withdraw leftover approvals through the API (each recorded before it
 * is made); verify (./verify.ts); then the VPS checklist and the yearly saving (./vps.ts). Rollback: ./rollback.ts.
 */
import { AvalancheError } from '../../src/lib/core/errors.ts';
import { CommandError } from '../../src/lib/core/exec.ts';
import {
  advertises,
  exitNodesRecord,
  findExitNodes,
  hasExitRoute,
  parseAliases,
  reachFor,
  SET_FALSE,
  SET_TRUE,
  upsertNode,
  withoutExitRoutes,
  type ExitNode,
} from './exit-nodes.ts';
import { rmSync } from 'node:fs';
import { nextRecord, readRecord, recordPath, writeRecord } from '../../src/lib/harness/records.ts';
import type { Ctx, State } from './state.ts';
import { backendProblem, parseStatus, type TailscaleStatus } from '../../src/lib/clients/tailscale-status.ts';
import { apiCall, apiFor, loadApiKey, remote } from '../../src/lib/steps/tailscale.ts';

export const RUNBOOK = 'phase4-retire-exit-nodes';

/** config: the inventory (refuse while a workload depends on an exit node), flags, the API key, the record. */
export async function loadPhase4(ctx: Ctx): Promise<void> {
  const inv = ctx.setup.inventory;
  const settleS = Number(ctx.args.settle);
  if (!Number.isInteger(settleS) || settleS < 0)
    ctx.fail({
      code: 'E_FLAG',
      expected: '--settle in whole seconds (0 or more)',
      found: String(ctx.args.settle),
      next: 'e.g. --settle 30',
    });
  const recordFile = recordPath(RUNBOOK, ctx.env);
  const init: Omit<State, 'key' | 'api' | 'status' | 'previous' | 'vpsRetired'> = {
    inv,
    aliases: parseAliases(ctx.args.sshAlias),
    settleS,
    recordFile,
    nodes: [],
    reach: new Map(),
    unadvertise: [],
    withdraw: [],
    readvertised: [],
    reapproved: [],
  };
  const s = Object.assign(ctx.state, init, { previous: readRecord(recordFile, exitNodesRecord) });
  if (ctx.setup.inventoryOverridden) ctx.log(`inventory from ${ctx.setup.inventoryFile} (AVALANCHE_INVENTORY)`);
  ctx.log(
    `record for --rollback: ${recordFile}${s.previous ? ` (exists: ${s.previous.status}, taken ${s.previous.recordedAt})` : ' (none yet)'}`,
  );
  if (!ctx.flags.rollback) {
    const dependents = inv.workloads.filter((w) => w.depends_on_exit_node);
    if (dependents.length) {
      const detail = {
        code: 'E_DEPENDS_ON_EXIT_NODE',
        expected: `no workload in ${ctx.setup.inventoryFile} with depends_on_exit_node: true`,
        found: `${dependents.map((w) => w.name).join(', ')} still depends on an exit node`,
        next: `finish phase 3 first (npx zx runbooks/phase3-migrate-marmithon.mjs moves ${dependents.map((w) => w.name).join(', ')} onto the shared proxy and verifies it); then set depends_on_exit_node: false for it in ${ctx.setup.inventoryFile} and run this again`,
      };
      if (ctx.dryRun === 'client') ctx.warn(`a real run refuses here: ${detail.found}; ${detail.next}`);
      else ctx.fail(detail);
    } else ctx.log('no workload in the inventory depends on an exit node');
    checkVpsFlags(ctx);
  }
  s.key = await loadApiKey(ctx);
  if (s.key) s.api = apiFor(ctx, s.key);
}

/**
 * The VPS checklist must be answered by a person: --yes does not answer it. Without a terminal (or with
 * --yes), say explicitly --vps-done (done by hand) or --skip-vps (not now) — decided up front, before anything
 * changes, because a cancelled VPS cannot be rolled back and a silent skip would let CI report phase 4 done.
 */
function checkVpsFlags(ctx: Ctx): void {
  const { vpsDone, skipVps } = ctx.args;
  if (vpsDone && skipVps)
    ctx.fail({ code: 'E_FLAG', expected: 'at most one of --vps-done and --skip-vps', found: 'both', next: 'pick one' });
  if (vpsDone || skipVps || ctx.dryRun) return;
  if (ctx.flags.yes || !ctx.isTTY) {
    ctx.fail({
      code: 'E_VPS_CHECKLIST',
      expected: 'a terminal to confirm the VPS checklist step by step, or --vps-done / --skip-vps',
      found: ctx.flags.yes ? '--yes, which does not confirm manual steps' : 'no terminal',
      next: 'run it in a terminal, or add --vps-done once you have done the VPS steps by hand (see --help), or --skip-vps to retire only the exit nodes now; nothing was changed',
    });
  }
}

export async function readStatus(ctx: Ctx): Promise<TailscaleStatus | undefined> {
  const r = await ctx.run(['tailscale', 'status', '--json'], { timeoutMs: 20_000 });
  return r.ran ? parseStatus(r.stdout) : undefined;
}

/** preflight: this machine's view of the tailnet, and every device with its routes from the API. */
export async function readTailnet(ctx: Ctx): Promise<void> {
  const s = ctx.state;
  try {
    s.status = await readStatus(ctx);
  } catch (err) {
    if ((err as AvalancheError).code === 'E_NOT_FOUND')
      ctx.fail({
        code: 'E_NO_TAILSCALE',
        expected: 'tailscale on PATH, logged in to the tailnet',
        found: 'no tailscale',
        next: 'install it (https://tailscale.com/download) and run again',
      });
    throw err;
  }
  const problem = s.status && backendProblem(s.status);
  if (problem)
    ctx.fail({
      code: 'E_NOT_RUNNING',
      expected: 'this machine logged in to the tailnet (BackendState Running)',
      found: problem,
      next: 'fix that here, then run again',
    });
  const devices = await apiCall(ctx, 'read', 'GET /api/v2/tailnet/-/devices?fields=all', () => s.api!.listDevices());
  s.nodes = findExitNodes(s.status, devices);
  if (!s.status)
    return void ctx.log(
      'every node that offers, advertises or still has an approved exit route is listed here in a real run',
    );
  for (const n of s.nodes)
    ctx.log(
      `${n.name} (${n.os || 'unknown OS'}, ${n.online ? 'online' : 'offline'}): ${[n.offered && 'offered as an exit node', advertises(n) && 'advertises 0.0.0.0/0 and ::/0', n.approvedExit.length && `approved ${n.approvedExit.join(', ')}`].filter(Boolean).join('; ')}`,
    );
  if (!s.nodes.length) ctx.log('no node offers or advertises an exit node, and no exit route is approved');
}

/** preflight: how each advertising node is reached; an ssh that fails makes it a by-hand step, not a refusal. */
export async function reachNodes(ctx: Ctx): Promise<void> {
  const s = ctx.state;
  for (const n of s.nodes.filter(advertises)) {
    let r = reachFor(n, s.inv, s.aliases);
    if (r.via === 'ssh') {
      try {
        await remote(ctx, r.alias!)(['tailscale', 'version'], { timeoutMs: 30_000 });
      } catch (err) {
        if (!(err instanceof AvalancheError)) throw err;
        r = { via: 'manual', alias: r.alias, why: `not reachable: ${err.message}` };
      }
    }
    s.reach.set(n.nodeId, r);
    ctx.log(`${n.name}: ${r.via === 'manual' ? `by hand (${r.why})` : r.why}`);
  }
}

export function planRetire(ctx: Ctx): void {
  const s = ctx.state;
  if (!s.status) {
    ctx.log(`for each node found: ${SET_FALSE.join(' ')} (over ssh, or here for this machine); keeps its other routes`);
    ctx.log(
      'then for each device with an exit route approved: POST /api/v2/device/<id>/routes with its approved routes minus 0.0.0.0/0 and ::/0',
    );
    return;
  }
  s.unadvertise = s.nodes.filter((n) => advertises(n) && s.reach.get(n.nodeId)?.via !== 'manual');
  s.withdraw = s.nodes.filter((n) => n.approvedExit.length);
  for (const n of s.unadvertise)
    ctx.log(`~ ${n.name}: stop advertising the exit routes (${s.reach.get(n.nodeId)!.why} -- ${SET_FALSE.join(' ')})`);
  for (const n of s.withdraw)
    ctx.log(
      `~ ${n.name}: withdraw the approval of ${n.approvedExit.join(', ')}: POST /api/v2/device/${n.nodeId}/routes {"routes":${JSON.stringify(withoutExitRoutes(n.enabledRoutes))}}`,
    );
  for (const n of s.nodes.filter((x) => advertises(x) && s.reach.get(x.nodeId)?.via === 'manual'))
    ctx.warn(`${n.name}: by hand, ${s.reach.get(n.nodeId)!.why}`);
  if (!s.unadvertise.length && !s.withdraw.length) ctx.log('no exit node to retire: nothing to change');
}

/** The confirm step's question; undefined when the tailnet was read and nothing is left to retire. */
export function retireQuestion(ctx: Ctx): string | undefined {
  const s = ctx.state;
  const n = s.unadvertise.length + s.withdraw.length;
  if (s.status && !n) return undefined;
  return `Retire ${n || 'every'} exit node setting(s) in the tailnet (recorded for --rollback)?`;
}

/**
 * Writes into the record what is about to be done to a node, before it is done (ctx.change's `record`): an
 * interruption or a failure during the change leaves it in the record, so --rollback undoes it (its undo,
 * `set --advertise-exit-node=true` or re-approving a route, is harmless if the change never happened).
 */
function remember(ctx: Ctx, n: ExitNode, done: { unadvertised?: boolean; removedApprovals?: string[] }): void {
  if (ctx.dryRun) return;
  const s = ctx.state;
  const r = s.reach.get(n.nodeId);
  const base = s.previous?.status === 'applied' ? s.previous.data : { nodes: [] };
  const data = upsertNode(base, {
    nodeId: n.nodeId,
    name: n.name,
    via: r?.via ?? 'manual',
    ...(r?.alias ? { alias: r.alias } : {}),
    unadvertised: Boolean(done.unadvertised),
    removedApprovals: done.removedApprovals ?? [],
  });
  s.previous = nextRecord(RUNBOOK, s.previous, data, 'applied');
  writeRecord(s.recordFile, s.previous);
}

/** A change was refused (it did not happen): the record goes back to what it said before. */
function restoreRecord(ctx: Ctx, before: State['previous']): void {
  const s = ctx.state;
  s.previous = before;
  if (before) writeRecord(s.recordFile, before);
  else rmSync(s.recordFile, { force: true });
}

/** After an undo: the record no longer claims what was undone, so --rollback does only what is left. */
export function patchRecord(
  ctx: Ctx,
  nodeId: string,
  patch: { unadvertised?: boolean; removedApprovals?: string[] },
): void {
  const s = ctx.state;
  if (ctx.dryRun || !s.previous) return;
  const nodes = s.previous.data.nodes.map((n) => (n.nodeId === nodeId ? { ...n, ...patch } : n));
  s.previous = { ...s.previous, data: { nodes }, updatedAt: new Date().toISOString() };
  writeRecord(s.recordFile, s.previous);
}

/**
 * Runs `tailscale set ...` on a node: here, or over ssh. When tailscale itself (or sudo) exits non-zero,
 * the setting was refused and nothing changed: the error says so (`refused`), unlike ssh failing to
 * connect (exit 255) or a timeout, after which nobody knows.
 */
export async function onNode(ctx: Ctx, via: 'ssh' | 'local', alias: string | undefined, argv: string[]) {
  try {
    return await (via === 'local'
      ? ctx.run(argv, { mode: 'write', timeoutMs: 30_000 })
      : remote(ctx, alias!)(argv, { mode: 'write', timeoutMs: 30_000 }));
  } catch (err) {
    if (err instanceof CommandError && (err.code === 'E_COMMAND' || err.code === 'E_REMOTE')) err.refused = true;
    throw err;
  }
}

export async function stopAdvertising(ctx: Ctx): Promise<void> {
  const s = ctx.state;
  if (s.status && !s.unadvertise.length) ctx.skip('no reachable node advertises an exit node');
  if (!s.status)
    await ctx.change(`each node found stops advertising 0.0.0.0/0 and ::/0 (${SET_FALSE.join(' ')})`, () => undefined);
  for (const n of s.unadvertise) {
    const r = s.reach.get(n.nodeId)!;
    const undo = async () => {
      await onNode(ctx, r.via as 'ssh' | 'local', r.alias, SET_TRUE);
      patchRecord(ctx, n.nodeId, { unadvertised: false });
    };
    const before = s.previous;
    await ctx.change(
      { summary: `${n.name} stopped advertising 0.0.0.0/0 and ::/0`, undo },
      () => onNode(ctx, r.via as 'ssh' | 'local', r.alias, SET_FALSE),
      {
        record: () => remember(ctx, n, { unadvertised: true }),
        forget: () => restoreRecord(ctx, before),
      },
    );
  }
}

export async function withdrawApprovals(ctx: Ctx): Promise<void> {
  const s = ctx.state;
  if (s.status && !s.withdraw.length) ctx.skip('no exit route is approved');
  if (!s.status)
    await ctx.change('each exit-route approval is withdrawn (POST /api/v2/device/<id>/routes)', () => undefined);
  for (const n of s.withdraw) {
    // Read again just before the POST: it replaces the whole enabled set (POST /device/{deviceId}/routes,
    // https://tailscale.com/api#tag/devices/POST/device/{deviceId}/routes), so send the freshest one.
    const now = (await apiCall(ctx, 'read', `GET /api/v2/device/${n.nodeId}/routes`, () =>
      s.api!.getRoutes(n.nodeId),
    )) ?? { advertisedRoutes: [], enabledRoutes: n.enabledRoutes };
    const removed = now.enabledRoutes.filter((r) => hasExitRoute([r]));
    if (!removed.length) continue;
    const keep = withoutExitRoutes(now.enabledRoutes);
    const before = s.previous;
    const undo = async () => {
      const current = await s.api!.getRoutes(n.nodeId);
      await s.api!.setRoutes(n.nodeId, [...new Set([...current.enabledRoutes, ...removed])]);
      patchRecord(ctx, n.nodeId, { removedApprovals: [] });
    };
    await ctx.change(
      { summary: `${n.name}: approval of ${removed.join(', ')} withdrawn`, undo },
      () =>
        apiCall(ctx, 'write', `POST /api/v2/device/${n.nodeId}/routes {"routes":${JSON.stringify(keep)}}`, () =>
          s.api!.setRoutes(n.nodeId, keep),
        ),
      { record: () => remember(ctx, n, { removedApprovals: removed }), forget: () => restoreRecord(ctx, before) },
    );
  }
}
