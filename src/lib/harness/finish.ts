/**
 * The end of a run: after a failure or Ctrl-C, what was changed (done, or attempted and perhaps in place)
 * and how to undo it; the offer to undo it now; and the closing summary lines.
 */
import { formatCommand } from '../core/exec.ts';
import { askPerson, type RunState } from './context.ts';
import { camel } from './flags.ts';
import { ms } from './output.ts';
import type { Change, RunbookDecl } from './types.ts';

const line = (c: Change) =>
  `${c.rolledBack ? '↶ rolled back:' : c.status === 'attempted' ? '? may have changed:' : '+'} ${c.summary}`;

/** After a failure that changed something: list it, then undo it (--yes, or a yes on a terminal) or say how. */
export async function offerRollback(
  decl: RunbookDecl<any, any>,
  run: RunState,
  done: Change[],
  o: { inRollback: boolean; interrupted: boolean; rollbackBudgetS: number },
): Promise<void> {
  const { out } = run;
  out.line(o.interrupted ? 'Changed before the interruption:' : 'Changed before the failure:');
  done.forEach((c) => out.line(`  ${line(c)}`));
  const undoable = done.filter((c) => c.undo).reverse();
  const later = decl.rollback && !o.inRollback ? rollbackCommand(decl, run) : `see each step's "undo" in --help`;
  // Ctrl-C means "stop now": nothing more runs; the way back is printed.
  if (!undoable.length || o.interrupted) {
    out.line(`To undo: ${later}`);
    return;
  }
  let agree = run.flags.yes;
  if (!agree && run.isTTY)
    agree = /^y(es)?$/i.test((await askPerson(run, 'Roll these changes back now? [y/N] ')).trim());
  if (!agree) {
    out.line(`Left as is. To undo later: ${later}`);
    return;
  }
  run.runner.policy = 'all';
  run.runner.step = 'rollback';
  run.runner.signal = undefined;
  // The undo is bounded too: a hung delete must not keep the run going (README, "What the harness guarantees").
  run.runner.setBudget(o.rollbackBudgetS * 1000);
  for (const c of undoable) {
    try {
      await c.undo!();
      c.rolledBack = true;
      out.line(`  ↶ rolled back: ${c.summary}`);
    } catch (err) {
      out.line(`  ✗ could not roll back "${c.summary}": ${(err as Error).message}`);
    }
  }
  const left = undoable.filter((c) => !c.rolledBack);
  if (left.length) out.line(`Not rolled back (${left.length}); to undo them: ${later}.`);
}

/**
 * The exact `--rollback` command for what this run touched, to copy as printed: the flags that select it
 * (`selects: true`, e.g. `--region iceland`: a bare --rollback would act on every region) with this run's values,
 * and --context when it was given. Flags only, never the environment (where secrets live); a value the redactor
 * knows is left out rather than printed.
 */
export function rollbackCommand(decl: RunbookDecl<any, any>, run: Pick<RunState, 'args' | 'flags' | 'runner'>): string {
  const argv = ['npx', 'zx', `runbooks/${decl.name}.mjs`, '--rollback'];
  const secret = (v: string) => run.runner.redactor.redact(v) !== v;
  for (const f of (decl.flags ?? []).filter((x) => x.selects)) {
    const value = run.args[camel(f.name)] as string | boolean | string[] | undefined;
    if (value === true) argv.push(`--${f.name}`);
    else if (value !== undefined && value !== false)
      for (const v of Array.isArray(value) ? value : [value]) if (!secret(v)) argv.push(`--${f.name}`, v);
  }
  if (run.flags.context && !secret(run.flags.context)) argv.push('--context', run.flags.context);
  return formatCommand({ argv });
}

export function printSummary(
  run: RunState,
  o: { failed: boolean; declined?: boolean; exitCode: number; startedMs: number; now: () => number },
): void {
  const { out, flags } = run;
  out.line('');
  if (flags.dryRun) {
    const planned = run.changes.filter((c) => c.planned);
    out.line(planned.length ? `Would change (${planned.length}):` : 'Would change nothing.');
    planned.forEach((c) => out.line(`  ~ ${c.summary}`));
  } else {
    const made = run.changes.filter((c) => !c.planned);
    out.line(made.length ? `Changed (${made.length}):` : 'Nothing changed.');
    made.forEach((c) => out.line(`  ${line(c)}`));
  }
  const result = o.declined
    ? `declined, nothing changed (exit ${o.exitCode})`
    : o.failed
      ? `${o.exitCode === 130 ? 'INTERRUPTED' : 'FAILED'} (exit ${o.exitCode})`
      : flags.dryRun
        ? `planned, nothing run${flags.dryRun === 'server' ? ' that changes anything' : ''}`
        : 'done';
  out.line(`Result: ${result} in ${ms(o.now() - o.startedMs)}`);
}
