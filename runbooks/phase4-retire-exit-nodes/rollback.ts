/**
 * Phase 4's rollback: re-advertise the exit routes on exactly the nodes the runbook stopped (recorded), and
 * give back exactly the approvals it withdrew. The record is updated node by node, so a rollback that fails
 * part-way leaves a record of what is still to undo. The VPS is not rolled back (a cancelled VPS is gone).
 */
import { AvalancheError } from '../../src/lib/core/errors.ts';
import { hasExitRoute, SET_TRUE } from './exit-nodes.ts';
import { onNode, patchRecord, readStatus, RUNBOOK } from './steps.ts';
import { writeRecord } from '../../src/lib/harness/records.ts';
import type { Ctx } from './state.ts';
import type { ApiDevice } from '../../src/lib/clients/tailscale-api.ts';
import { backendProblem } from '../../src/lib/clients/tailscale-status.ts';
import { apiCall, remote } from '../../src/lib/steps/tailscale.ts';

const todo = (ctx: Ctx) => {
  const rec = ctx.state.previous;
  const nodes = rec?.status === 'applied' ? rec.data.nodes : [];
  return {
    readvertise: nodes.filter((n) => n.unadvertised && n.via !== 'manual'),
    reapprove: nodes.filter((n) => n.removedApprovals.length),
  };
};
const count = (ctx: Ctx) => todo(ctx).readvertise.length + todo(ctx).reapprove.length;

/** preflight: the record, this machine in the tailnet, each node to re-advertise reachable. */
export async function readRollbackRecord(ctx: Ctx): Promise<void> {
  const s = ctx.state;
  if (!s.previous) {
    ctx.fail({
      code: 'E_NO_RECORD',
      expected: `a record of what phase 4 changed at ${s.recordFile}`,
      found: 'none: phase 4 was not run from this machine (or its state directory moved)',
      next: 'nothing to roll back here; if phase 4 ran elsewhere, copy its record to this path (or point AVALANCHE_STATE_DIR at it) and run again',
    });
  }
  if (s.previous.status === 'rolled-back')
    return void ctx.log(`already rolled back (${s.previous.updatedAt}): nothing to change`);
  s.status = await readStatus(ctx);
  const problem = s.status && backendProblem(s.status);
  if (problem)
    ctx.fail({
      code: 'E_NOT_RUNNING',
      expected: 'this machine logged in to the tailnet (BackendState Running)',
      found: problem,
      next: 'fix that here, then run again',
    });
  for (const n of todo(ctx).readvertise.filter((x) => x.via === 'ssh')) {
    try {
      await remote(ctx, n.alias!)(['tailscale', 'version'], { timeoutMs: 30_000 });
    } catch (err) {
      if (!(err instanceof AvalancheError)) throw err;
      ctx.fail({
        code: 'E_UNREACHABLE',
        expected: `${n.name} reachable over ssh (${n.alias}) to advertise its exit routes again`,
        found: err.message,
        next: `fix ssh to ${n.alias} and run again; nothing was changed`,
      });
    }
  }
}

export function planRollback(ctx: Ctx): void {
  const { readvertise, reapprove } = todo(ctx);
  for (const n of readvertise)
    ctx.log(
      `↶ ${n.name}: advertise 0.0.0.0/0 and ::/0 again (${n.via === 'local' ? 'here' : `ssh ${n.alias}`} -- ${SET_TRUE.join(' ')})`,
    );
  for (const n of reapprove)
    ctx.log(
      `↶ ${n.name}: approve ${n.removedApprovals.join(', ')} again (POST /api/v2/device/${n.nodeId}/routes, keeping its other routes)`,
    );
  if (!readvertise.length && !reapprove.length) ctx.log('nothing to roll back');
  else ctx.log('the VPS is not part of the rollback: a cancelled VPS cannot be restored');
}

/** The confirm step's question: undefined when the record leaves nothing to put back. */
export const rollbackQuestion = (ctx: Ctx) =>
  count(ctx) ? `Make ${count(ctx)} exit-node change(s) again in the tailnet?` : undefined;

export async function readvertise(ctx: Ctx): Promise<void> {
  const list = todo(ctx).readvertise;
  if (!list.length) ctx.skip('no node to re-advertise');
  for (const n of list) {
    await ctx.change(`${n.name} advertises 0.0.0.0/0 and ::/0 again`, () =>
      onNode(ctx, n.via as 'ssh' | 'local', n.alias, SET_TRUE),
    );
    // Marked undone only once it is: interrupted before, the record still says what to put back.
    patchRecord(ctx, n.nodeId, { unadvertised: false });
  }
  ctx.state.readvertised = list;
}

export async function reapprove(ctx: Ctx): Promise<void> {
  const s = ctx.state;
  const list = todo(ctx).reapprove;
  if (!list.length) ctx.skip('no approval to give back');
  for (const n of list) {
    const now = await apiCall(ctx, 'read', `GET /api/v2/device/${n.nodeId}/routes`, () => s.api!.getRoutes(n.nodeId));
    const routes = [...new Set([...(now?.enabledRoutes ?? ['<its approved routes>']), ...n.removedApprovals])];
    await ctx.change(`${n.name}: ${n.removedApprovals.join(', ')} approved again`, () =>
      apiCall(ctx, 'write', `POST /api/v2/device/${n.nodeId}/routes {"routes":${JSON.stringify(routes)}}`, () =>
        s.api!.setRoutes(n.nodeId, routes),
      ),
    );
    patchRecord(ctx, n.nodeId, { removedApprovals: [] });
  }
  ctx.state.reapproved = list;
}

/**
 * verify: each re-advertised node advertises the exit routes again; each approval is back. Then the record is closed.
 */
export async function verifyRollback(ctx: Ctx): Promise<void> {
  const s = ctx.state;
  const { readvertised, reapproved } = s;
  const list = () => apiCall(ctx, 'read', 'GET /api/v2/tailnet/-/devices?fields=all', () => s.api!.listDevices());
  const pending = (devices: ApiDevice[]) =>
    readvertised.filter((n) => !hasExitRoute(devices.find((d) => d.nodeId === n.nodeId)?.advertisedRoutes));
  let devices = await list();
  for (let waited = 0; devices && pending(devices).length && waited < s.settleS; waited += 3) {
    await new Promise((r) => setTimeout(r, 3000)); // the control plane learns the node's new prefs within seconds
    devices = await list();
  }
  for (const n of readvertised) {
    const d = devices?.find((x) => x.nodeId === n.nodeId);
    ctx.check(
      `${n.name} advertises 0.0.0.0/0 and ::/0 again`,
      devices === undefined ? undefined : hasExitRoute(d?.advertisedRoutes),
      {
        expected: 'the exit routes in advertisedRoutes (API)',
        found: d?.advertisedRoutes?.join(', ') || 'none',
        next: `run \`${SET_TRUE.join(' ')}\` on ${n.name}`,
      },
    );
  }
  for (const n of reapproved) {
    const d = devices?.find((x) => x.nodeId === n.nodeId);
    ctx.check(
      `${n.name} has ${n.removedApprovals.join(', ')} approved again`,
      devices === undefined ? undefined : n.removedApprovals.every((r) => d?.enabledRoutes?.includes(r)),
      {
        expected: n.removedApprovals.join(', '),
        found: d?.enabledRoutes?.join(', ') || 'none',
        next: 'approve them in the admin console (Machines > the device > Edit route settings)',
      },
    );
  }
  if (!ctx.dryRun && s.previous?.status === 'applied' && !count(ctx)) {
    s.previous = { ...s.previous, status: 'rolled-back', updatedAt: new Date().toISOString() };
    writeRecord(s.recordFile, s.previous);
  }
}

export function summarizeRollback(ctx: Ctx): void {
  if (ctx.dryRun) return void ctx.log('planned only (--dry-run).');
  const n = ctx.state.readvertised.length + ctx.state.reapproved.length;
  ctx.log(n ? `rolled back: ${n} change(s); those nodes are exit nodes again.` : 'nothing to roll back.');
  if (n) ctx.log(`Retire them again with: npx zx runbooks/${RUNBOOK}.mjs`);
}
