/**
 * runMain: parse flags, run the steps in order with status and durations, offer a rollback after a
 * failure that changed something, print the summary and the report, and return the exit code.
 * One top-level handler: whatever escapes becomes one line on stderr (style habit 7).
 */
import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { AvalancheError } from '../core/errors.ts';
import { CommandRunner, formatCommand, type Exec } from '../core/exec.ts';
import { Redactor } from '../core/secrets.ts';
import { makeContext, type RunState } from './context.ts';
import { SkipStep, StepFailure } from './errors.ts';
import { parseFlags } from './flags.ts';
import { helpJson, helpText } from './help.ts';
import { ms, Output } from './output.ts';
import { buildReport, type StepRecord } from './report.ts';
import { loadSetup } from './setup.ts';
import { changesThings, validateDecl, type RunbookDecl, type RunbookDefinition, type RunbookSetup } from './types.ts';

export interface MainOptions {
  argv?: string[];
  env?: NodeJS.ProcessEnv;
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable;
  /** Interactive? Default: AVALANCHE_TTY=1/0 if set, else whether stdin and stdout are terminals. */
  isTTY?: boolean;
  exec?: Exec;
  /** The inventory and manifests to run against (default: loadSetup(env), i.e. the bundled ones or the AVALANCHE_* overrides). */
  setup?: RunbookSetup;
  now?: () => number;
  clock?: () => Date;
}

/** The runbook's own arguments, whether run as `zx runbooks/x.mjs ...` or `node runbooks/x.mjs ...`. */
export function scriptArgs(name: string, argv = process.argv): string[] {
  const i = argv.findIndex((a) => a.endsWith(`${name}.mjs`));
  return argv.slice(i >= 0 ? i + 1 : 2);
}

/**
 * Runs a runbook: makes its declaration from the setup (the inventory is loaded here, inside the one
 * handler, so a malformed inventory is one line and exit 2 even for --help), then runs it.
 */
export async function runMain(runbook: RunbookDefinition<any, any> | RunbookDecl<any, any>, opts: MainOptions = {}): Promise<number> {
  const stderr = opts.stderr ?? process.stderr;
  try {
    const decl = 'make' in runbook ? runbook.make(opts.setup ?? loadSetup(opts.env ?? process.env)) : validateDecl(runbook);
    return await main(decl, opts);
  } catch (err) {
    // The one place an escaped error becomes output: one line, no stack (a bug shows its code path only with DEBUG=1).
    const code = err instanceof AvalancheError ? err.exitCode : 1;
    stderr.write(`${runbook.name}: ${(err as Error).message ?? String(err)}\n`);
    if ((opts.env ?? process.env).DEBUG) stderr.write(`${(err as Error).stack}\n`);
    return code;
  }
}

async function main(decl: RunbookDecl<any, any>, opts: MainOptions): Promise<number> {
  const env = opts.env ?? process.env;
  const stdin = opts.stdin ?? process.stdin;
  const stdout = opts.stdout ?? process.stdout;
  const stderr = opts.stderr ?? process.stderr;
  const now = opts.now ?? (() => performance.now());
  const clock = opts.clock ?? (() => new Date());
  const forced = env.AVALANCHE_TTY === '1' ? true : env.AVALANCHE_TTY === '0' ? false : undefined;
  const isTTY = opts.isTTY ?? forced ?? Boolean((stdin as { isTTY?: boolean }).isTTY && (stdout as { isTTY?: boolean }).isTTY);

  const { common: flags, args } = parseFlags(decl, opts.argv ?? scriptArgs(decl.name));
  if (flags.help) {
    stdout.write(flags.json ? `${JSON.stringify(helpJson(decl), null, 2)}\n` : helpText(decl));
    return 0;
  }

  const redactor = new Redactor();
  const basePolicy = flags.dryRun === 'client' ? 'none' : flags.dryRun === 'server' ? 'read-only' : 'all';
  const runner = new CommandRunner({ exec: opts.exec, env, redactor, policy: basePolicy, now });
  // Declared secrets never reach child processes ("PROTONVPN_WG_KEY_<REGION>" covers every region).
  for (const secret of decl.secrets ?? []) {
    runner.withhold(new RegExp(`^${secret.env.replace(/<[A-Z_]+>|\{[a-z_]+\}/g, '[A-Z0-9_]+')}$`));
  }
  const out = new Output(flags.json ? stderr : stdout, redactor, isTTY, now);
  runner.onCall = (call, willRun) => {
    out.line(`      $ ${formatCommand(call)}${willRun ? '' : flags.dryRun === 'server' && call.mode === 'write' ? '   (not run: --dry-run=server)' : ''}`);
    // Under --dry-run the exact stdin (a manifest) is part of the plan; secrets show as [secret NAME].
    if (!willRun && call.stdin !== undefined && !call.stdin.startsWith('[secret ')) out.block(call.stdin, '          ');
  };
  let rl: Interface | undefined;
  const lines: string[] = [];
  const waiting: Array<(l: string) => void> = [];
  const ask = (question: string) => {
    out.stream.write(question);
    if (!rl) {
      rl = createInterface({ input: stdin, terminal: false });
      rl.on('line', (l) => (waiting.length ? waiting.shift()!(l) : lines.push(l)));
      rl.on('close', () => waiting.splice(0).forEach((w) => w('')));
    }
    return lines.length ? Promise.resolve(lines.shift()!) : new Promise<string>((r) => waiting.push(r));
  };
  const setup = opts.setup ?? loadSetup(env);
  const run: RunState = { runbook: decl.name, flags, args, env, setup, isTTY, runner, out, changes: [], facts: {}, state: {}, ask };

  const mode = flags.rollback ? 'rollback' : 'apply';
  const steps = flags.rollback ? decl.rollback!.steps : decl.steps;
  const changing = changesThings(steps);
  const startedAt = clock();
  const t0 = now();
  const tag = flags.dryRun === 'client' ? ' [--dry-run: no command runs]' : flags.dryRun === 'server' ? ' [--dry-run=server: read-only]' : '';
  out.line(`${decl.title}${flags.rollback ? ' — ROLLBACK' : ''} (${decl.name})${tag}`);

  const records: StepRecord[] = [];
  let failure: { step: string; error: unknown } | undefined;
  try {
    for (const [i, step] of steps.entries()) {
      out.line('');
      out.line(`[${i + 1}/${steps.length}] ${step.title}`);
      // Under --dry-run=server nothing was applied, so checking the result would test the old state.
      const simulated = flags.dryRun === 'client' || (flags.dryRun === 'server' && step.kind === 'verify' && changing);
      runner.policy = simulated ? 'none' : basePolicy;
      runner.step = step.id;
      const ctx = makeContext(run, step, simulated);
      const s0 = now();
      const record: StepRecord = { id: step.id, title: step.title, kind: step.kind, status: 'ok', durationMs: 0, notes: ctx.notes, findings: ctx.findings };
      records.push(record);
      try {
        await step.run(ctx);
        const failed = ctx.findings.filter((f) => f.ok === false);
        if (failed.length) {
          const f = failed[0];
          const more = failed.length > 1 ? ` (and ${failed.length - 1} more failed check(s): ${failed.slice(1).map((x) => x.check).join('; ')})` : '';
          ctx.fail({ code: 'E_CHECK', expected: `${f.check}: ${f.expected ?? 'ok'}`, found: `${f.found ?? 'not ok'}${more}`, next: f.next ?? 'see the findings above' });
        }
        record.status = simulated || (flags.dryRun && step.kind === 'confirm') ? 'planned' : 'ok';
      } catch (err) {
        if (!(err instanceof SkipStep)) throw Object.assign(new Error('step failed'), { cause: err, stepId: step.id });
        record.status = 'skipped';
        record.skipReason = err.reason;
        out.line(`      – skipped: ${err.reason}`);
      } finally {
        record.durationMs = Math.round(now() - s0);
        runner.step = undefined;
      }
      if (record.status !== 'skipped') out.line(`      ${record.status === 'planned' ? '·' : '✓'} ${record.status} (${ms(record.durationMs)})`);
    }
  } catch (wrapped) {
    const { cause, stepId } = wrapped as { cause: unknown; stepId: string };
    failure = { step: stepId, error: cause };
    records[records.length - 1].status = 'failed';
  } finally {
    rl?.close();
  }

  const done = run.changes.filter((c) => !c.planned);
  let exitCode = 0;
  if (failure) {
    const step = steps.find((s) => s.id === failure!.step)!;
    const err = failure.error;
    const early = step.kind === 'config' || step.kind === 'preflight' || step.kind === 'confirm';
    exitCode = err instanceof AvalancheError ? err.exitCode : 1;
    if (early && err instanceof AvalancheError) exitCode = 2; // a preflight that cannot proceed is a refusal
    if (done.length) exitCode = 1; // 2 promises nothing changed
    const message = err instanceof StepFailure ? err.message : err instanceof AvalancheError ? `${err.message} Next: fix the cause and run again.` : `unexpected error: ${(err as Error)?.message ?? String(err)}`;
    out.line('');
    stderr.write(`${redactor.redact(`✗ ${decl.name}: step "${step.id}" (${step.title}) failed: ${message}`)}\n`);
    if ((env.DEBUG ?? '') && err instanceof Error) stderr.write(`${redactor.redact(err.stack ?? '')}\n`);
    if (done.length) await offerRollback(decl, run, done, flags.rollback);
  }

  out.line('');
  if (flags.dryRun) {
    const planned = run.changes.filter((c) => c.planned);
    out.line(planned.length ? `Would change (${planned.length}):` : 'Would change nothing.');
    planned.forEach((c) => out.line(`  ~ ${c.summary}`));
  } else {
    out.line(done.length ? `Changed (${done.length}):` : 'Nothing changed.');
    done.forEach((c) => out.line(`  ${c.rolledBack ? '↶ rolled back:' : '+'} ${c.summary}`));
  }
  out.line(`Result: ${failure ? `FAILED (exit ${exitCode})` : flags.dryRun ? 'planned, nothing run' + (flags.dryRun === 'server' ? ' that changes anything' : '') : 'done'} in ${ms(now() - t0)}`);

  const report = buildReport({ decl, mode, flags, run, records, startedAt, durationMs: now() - t0, exitCode, failure });
  if (flags.json) stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  const reportDir = flags.reportDir ?? env.AVALANCHE_REPORT_DIR;
  if (reportDir) {
    // One file per target verified, public IPs masked (src/lib/harness/reports.ts); loaded only when asked for.
    const { saveRunReport } = await import('./reports.ts');
    try {
      const files = saveRunReport(reportDir, report, { args: run.args, inventory: setup.inventory, redactor });
      out.line(files.length ? `Report saved: ${files.join(', ')}` : 'Report not saved: a dry run or a rollback verifies nothing.');
    } catch (err) {
      // The exit code stays what the run earned; the lost report is said loudly.
      stderr.write(`✗ ${decl.name}: the report was not saved in ${reportDir}: ${(err as Error).message}\n`);
    }
  }
  return exitCode;
}

async function offerRollback(decl: RunbookDecl<any, any>, run: RunState, done: RunState['changes'], inRollback: boolean): Promise<void> {
  const { out } = run;
  out.line('Changed before the failure:');
  done.forEach((c) => out.line(`  + ${c.summary}`));
  const undoable = done.filter((c) => c.undo).reverse();
  const how = decl.rollback && !inRollback ? `npx zx runbooks/${decl.name}.mjs --rollback` : undefined;
  if (!undoable.length) {
    if (how) out.line(`To undo: ${how} (with the same flags).`);
    return;
  }
  let agree = run.flags.yes;
  if (!agree && run.isTTY) agree = /^y(es)?$/i.test((await run.ask('Roll these changes back now? [y/N] ')).trim());
  if (!agree) {
    out.line(`Left as is. To undo later: ${how ?? 'see each step\'s "undo" in --help'}.`);
    return;
  }
  run.runner.policy = 'all';
  run.runner.step = 'rollback';
  for (const c of undoable) {
    try {
      await c.undo!();
      c.rolledBack = true;
      out.line(`  ↶ rolled back: ${c.summary}`);
    } catch (err) {
      out.line(`  ✗ could not roll back "${c.summary}": ${(err as Error).message}`);
    }
  }
}
