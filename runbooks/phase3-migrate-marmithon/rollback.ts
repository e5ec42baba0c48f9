/**
 * Phase 3's rollback: put back exactly the objects recorded before the change (`kubectl replace` with the
 * recorded object, so fields phase 3 added disappear too) and delete those that did not exist then. Used by
 * `--rollback` and as the undo the harness offers after a failed forward run.
 */
import { existsSync, readFileSync } from 'node:fs';
import { deploymentAvailable, kubePreflight } from '../../src/lib/steps/egress-checks.ts';
import type { CommandResult, RunOptions } from '../../src/lib/core/exec.ts';
import { refName, type Kube, type KubeJson } from '../../src/lib/clients/kube.ts';
import {
  asRead,
  forDisplay,
  restoreOps,
  RUNBOOK,
  sameConfig,
  type MarmithonRecord,
  type RestoreOp,
} from './migration.ts';
import { recordPath, writeRecord, type MigrationRecord } from '../../src/lib/harness/records.ts';
import type { Ctx } from './state.ts';

type Run = (argv: string[], opts?: RunOptions) => Promise<CommandResult>;

async function liveOf(kube: Kube, data: MarmithonRecord): Promise<Map<string, KubeJson | null | undefined>> {
  const live = new Map<string, KubeJson | null | undefined>();
  for (const o of data.objects) live.set(refName(o.ref), await kube.get(o.ref));
  return live;
}

async function perform(run: Run, kube: Kube, op: RestoreOp): Promise<void> {
  if (op.op === 'delete') await kube.delete(op.ref);
  if (op.op === 'replace')
    await run(kube.argv('replace', '-f', '-'), { mode: 'write', input: JSON.stringify(op.object), timeoutMs: 30_000 });
}

/** Restores the record (the undo of a failed forward run) and marks it rolled back. */
export async function restoreRecorded(
  run: Run,
  kube: Kube,
  record: MigrationRecord<MarmithonRecord>,
  file: string,
  redact?: (text: string) => string,
): Promise<void> {
  const ops = restoreOps(record.data, await liveOf(kube, record.data), redact);
  for (const op of ops) await perform(run, kube, op);
  writeRecord(file, { ...record, status: 'rolled-back', updatedAt: new Date().toISOString() });
}

/** The phase 4 record says exit nodes are retired: then the old configuration has no exit node to leave through. */
function exitNodesRetired(env: NodeJS.ProcessEnv): boolean {
  const file = recordPath('phase4-retire-exit-nodes', env);
  if (!existsSync(file)) return false;
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { status?: string }).status === 'applied';
  } catch {
    return false;
  }
}

/** preflight (rollback): the cluster, the record, and what is live now. */
export async function readRecordAndLive(ctx: Ctx): Promise<void> {
  const s = ctx.state;
  const record = s.previous;
  if (!record) {
    ctx.fail({
      code: 'E_NO_RECORD',
      expected: `a record of marmithon's configuration before phase 3 at ${s.recordFile}`,
      found: 'none: phase 3 was not applied from this machine (or its state directory moved)',
      next: 'nothing to roll back here; if phase 3 ran elsewhere, copy its record to this path (or point AVALANCHE_STATE_DIR at it) and run again',
    });
  }
  if (record.data.context !== s.context) {
    ctx.fail({
      code: 'E_WRONG_CONTEXT',
      expected: `context "${record.data.context}" (where the record was taken)`,
      found: `"${s.context}"`,
      next: `run with --context ${record.data.context}`,
    });
  }
  if (record.status === 'applied' && exitNodesRetired(ctx.env)) {
    ctx.fail({
      code: 'E_EXIT_NODES_RETIRED',
      expected: 'the exit node marmithon used before phase 3 to still exist',
      found:
        'phase 4 retired the exit nodes (its record says applied): the old configuration would leave from home, with the home IP',
      next: 'roll back phase 4 first (npx zx runbooks/phase4-retire-exit-nodes.mjs --rollback), then run this again',
    });
  }
  await kubePreflight(ctx, s.kube, { expectedContext: s.context, fromFlag: s.contextFromFlag, namespace: s.namespace });
  s.live = await liveOf(s.kube, record.data);
  ctx.log(
    `record ${s.recordFile}: taken ${record.recordedAt}, ${record.status}${record.status === 'rolled-back' ? ` on ${record.updatedAt}` : ''}`,
  );
}

export function planRestore(ctx: Ctx): void {
  const s = ctx.state;
  const record = s.previous!;
  const ops = restoreOps(record.data, s.live, (t) => ctx.runner.redactor.redact(t));
  s.ops = ops;
  for (const op of ops) {
    if (op.op === 'keep') ctx.log(`= ${refName(op.ref)}: already as recorded`);
    if (op.op === 'delete') ctx.log(`- delete ${refName(op.ref)} (it did not exist before phase 3)`);
    if (op.op === 'replace')
      ctx.show(
        `↶ put back ${refName(op.ref)} as recorded ${record.recordedAt} (kubectl replace):`,
        JSON.stringify(forDisplay(op.object), null, 2),
      );
  }
  if (!todo(ctx).length)
    ctx.log(
      record.status === 'rolled-back'
        ? `already rolled back (${record.updatedAt}): nothing to change`
        : 'marmithon already matches the record: nothing to change',
    );
}

const todo = (ctx: Ctx) => ctx.state.ops.filter((o) => o.op !== 'keep');

/** The confirm step's question: undefined when everything is already as recorded. */
export const restoreQuestion = (ctx: Ctx) =>
  todo(ctx).length
    ? `Restore marmithon's recorded configuration (${todo(ctx).length} object(s)) in context "${ctx.state.context}"?`
    : undefined;

export async function restore(ctx: Ctx): Promise<void> {
  const s = ctx.state;
  for (const op of todo(ctx)) {
    await ctx.change(
      op.op === 'delete' ? `deleted ${refName(op.ref)}` : `restored ${refName(op.ref)} as recorded`,
      () => perform(ctx.run, s.kube, op),
    );
  }
  // Marked only once everything is back: interrupted before, the record still says what to restore.
  if (!ctx.dryRun)
    writeRecord(s.recordFile, { ...s.previous!, status: 'rolled-back', updatedAt: new Date().toISOString() });
}

export async function waitRestoredRollout(ctx: Ctx): Promise<void> {
  const s = ctx.state;
  if (!todo(ctx).some((o) => o.op === 'replace' && o.ref.kind === 'Deployment')) ctx.skip('no Deployment was put back');
  try {
    await ctx.wait(`rollout of ${s.cfg.workload} (up to ${s.rolloutTimeoutS} s)`, () =>
      s.kube.rolloutStatus(s.cfg.deployment, s.rolloutTimeoutS),
    );
  } catch (err) {
    ctx.fail({
      code: 'E_ROLLOUT',
      expected: `the restored Deployment rolled out within ${s.rolloutTimeoutS} s`,
      found: (err as Error).message,
      next: `kubectl --context ${s.context} -n ${s.namespace} describe pods -l app.kubernetes.io/name=${s.cfg.workload}`,
    });
  }
}

export async function verifyRestored(ctx: Ctx): Promise<void> {
  const s = ctx.state;
  for (const o of s.previous!.data.objects) {
    const live = await s.kube.get(o.ref);
    if (o.live === null) {
      ctx.check(`${refName(o.ref)} is absent, as before phase 3`, live === undefined ? undefined : live === null, {
        expected: 'absent',
        found: live === null ? 'absent' : 'still present (terminating?)',
        next: `kubectl --context ${s.context} get ${o.ref.kind.toLowerCase()} ${o.ref.name} -n ${o.ref.namespace}`,
      });
      continue;
    }
    const sameAsRecorded =
      live !== undefined &&
      live !== null &&
      sameConfig(
        live,
        asRead(o.live as KubeJson, (t) => ctx.runner.redactor.redact(t)),
      );
    ctx.check(`${refName(o.ref)} is as recorded`, live === undefined ? undefined : sameAsRecorded, {
      expected: 'labels, annotations and spec as recorded',
      found: live === null ? 'absent' : sameAsRecorded ? 'as recorded' : 'different',
      next: 'run --rollback again, or compare by hand with the record',
    });
    if (o.ref.kind === 'Deployment' && live) {
      const avail = deploymentAvailable(live);
      ctx.check(`${refName(o.ref)} is available`, avail?.ok, {
        expected: 'Available=True',
        found: avail?.found ?? '',
        next: `kubectl --context ${s.context} -n ${s.namespace} describe deployment ${o.ref.name}`,
      });
    }
  }
}

export function summarizeRollback(ctx: Ctx): void {
  const s = ctx.state;
  if (ctx.dryRun) return void ctx.log('planned only (--dry-run).');
  ctx.log(
    todo(ctx).length
      ? `marmithon is back to the configuration recorded ${s.previous!.recordedAt}; it no longer uses ${s.cfg.proxy.name}.`
      : 'nothing to roll back.',
  );
  ctx.log(
    `If you had set depends_on_exit_node to false for marmithon in src/data/network.yaml, set it back to true (and phase 3 back to next). Re-apply later with: npx zx runbooks/${RUNBOOK}.mjs`,
  );
}
