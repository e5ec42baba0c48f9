/**
 * runMain: parse flags, run the steps in order with status, durations and time budgets, offer a rollback
 * after a failure that changed something, print the summary and the report, and return the exit code.
 * One top-level handler: whatever escapes becomes one line on stderr (style habit 7).
 */
import type { Readable, Writable } from 'node:stream';
import { AvalancheError } from '../core/errors.ts';
import { CommandRunner, formatCommand, type Exec } from '../core/exec.ts';
import { Redactor } from '../core/secrets.ts';
import { makeContext, type RunState } from './context.ts';
import { BudgetSpent, Interrupted, SkipStep, StepFailure } from './errors.ts';
import { offerRollback, printSummary } from './finish.ts';
import { parseFlags } from './flags.ts';
import { helpJson, helpText } from './help.ts';
import { ms, Output } from './output.ts';
import { Prompt } from './prompt.ts';
import { buildReport, type StepRecord } from './report.ts';
import { loadSetup } from './setup.ts';
import {
  changesThings,
  DEFAULT_STEP_BUDGET_S,
  validateDecl,
  type RunbookDecl,
  type RunbookDefinition,
  type RunbookSetup,
  type StepDecl,
} from './types.ts';

/** How long undoing the changes of a failed run may take, in all (README, "What the harness guarantees"). */
export const ROLLBACK_BUDGET_S = 60;

export interface MainOptions {
  argv?: string[];
  env?: NodeJS.ProcessEnv;
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable;
  /** Interactive? Default: AVALANCHE_TTY=1/0 if set, else whether stdin and stdout are terminals. */
  isTTY?: boolean;
  exec?: Exec;
  /**
   * The inventory and manifests to run against (default: loadSetup(env), i.e. the bundled ones or the AVALANCHE_*
   * overrides).
   */
  setup?: RunbookSetup;
  /** Aborted on Ctrl-C (start.mjs wires SIGINT and SIGTERM to it); its reason names the signal. */
  signal?: AbortSignal;
  /** Tests only: multiplies every command and HTTP timeout (not the figures in messages). Default 1. */
  timeScale?: number;
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
export async function runMain(
  runbook: RunbookDefinition<any, any> | RunbookDecl<any, any>,
  opts: MainOptions = {},
): Promise<number> {
  const stderr = opts.stderr ?? process.stderr;
  try {
    const setup = opts.setup ?? loadSetup(opts.env ?? process.env);
    const decl = 'make' in runbook ? runbook.make(setup) : validateDecl(runbook);
    return await main(decl, setup, opts);
  } catch (err) {
    // The one place an escaped error becomes output: one line, no stack (a bug shows its code path only with DEBUG=1).
    const code = err instanceof AvalancheError ? err.exitCode : 1;
    stderr.write(`${runbook.name}: ${(err as Error).message ?? String(err)}\n`);
    if ((opts.env ?? process.env).DEBUG) stderr.write(`${(err as Error).stack}\n`);
    return code;
  }
}

/** Resolves with `work`, or rejects with the signal's reason as soon as it aborts (the work is abandoned). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  work.catch(() => undefined); // an abandoned step may still reject later: nobody waits for it
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

async function main(decl: RunbookDecl<any, any>, setup: RunbookSetup, opts: MainOptions): Promise<number> {
  const env = opts.env ?? process.env;
  const stdin = opts.stdin ?? process.stdin;
  const stdout = opts.stdout ?? process.stdout;
  const stderr = opts.stderr ?? process.stderr;
  const now = opts.now ?? (() => performance.now());
  const clock = opts.clock ?? (() => new Date());
  const forced = env.AVALANCHE_TTY === '1' ? true : env.AVALANCHE_TTY === '0' ? false : undefined;
  const isTTY =
    opts.isTTY ?? forced ?? Boolean((stdin as { isTTY?: boolean }).isTTY && (stdout as { isTTY?: boolean }).isTTY);

  const { common: flags, args } = parseFlags(decl, opts.argv ?? scriptArgs(decl.name));
  if (flags.help) {
    stdout.write(flags.json ? `${JSON.stringify(helpJson(decl), null, 2)}\n` : helpText(decl));
    return 0;
  }

  const redactor = new Redactor();
  const basePolicy = flags.dryRun === 'client' ? 'none' : flags.dryRun === 'server' ? 'read-only' : 'all';
  const runner = new CommandRunner({ exec: opts.exec, env, redactor, policy: basePolicy, now });
  runner.timeScale = opts.timeScale ?? 1;
  // Declared secrets never reach child processes ("PROTONVPN_WG_KEY_<REGION>" covers every region).
  for (const secret of decl.secrets ?? []) {
    runner.withhold(new RegExp(`^${secret.env.replace(/<[A-Z_]+>|\{[a-z_]+\}/g, '[A-Z0-9_]+')}$`));
  }
  const out = new Output(flags.json ? stderr : stdout, redactor, isTTY, now);
  let running: string | undefined;
  runner.onCall = (call, willRun) => {
    // Under either dry run the exact stdin (a manifest) is part of the plan, whether the command runs (a server dry
    // run, a diff) or not; secrets show as [secret NAME] and registered values are redacted by `out`.
    const stdinShown =
      (!willRun || Boolean(flags.dryRun)) && call.stdin !== undefined && !call.stdin.startsWith('[secret ');
    running = willRun ? formatCommand(call) : undefined;
    out.line(
      `      $ ${formatCommand(call, { stdinShown })}${willRun ? '' : flags.dryRun === 'server' && call.mode === 'write' ? '   (not run: --dry-run=server)' : ''}`,
    );
    if (stdinShown) out.block(call.stdin!, '          ');
  };
  const prompt = new Prompt(stdin, out.stream);
  const run: RunState = {
    runbook: decl.name,
    flags,
    args,
    env,
    setup,
    isTTY,
    runner,
    out,
    changes: [],
    facts: {},
    state: {},
    prompt,
    timeScale: runner.timeScale,
  };
  try {
    const mode = flags.rollback ? 'rollback' : 'apply';
    const steps: StepDecl<any, any>[] = flags.rollback ? decl.rollback!.steps : decl.steps;
    const changing = changesThings(steps);
    const startedAt = clock();
    const t0 = now();
    const tag =
      flags.dryRun === 'client'
        ? ' [--dry-run: no command runs]'
        : flags.dryRun === 'server'
          ? ' [--dry-run=server: read-only]'
          : '';
    out.line(`${decl.title}${flags.rollback ? ' — ROLLBACK' : ''} (${decl.name})${tag}`);

    const records: StepRecord[] = [];
    let failure: { step: string; error: unknown } | undefined;
    // Set when a confirm step finds nothing to change: the apply steps after it do not run.
    let nothingToChange: string | undefined;
    const interrupted = () => new Interrupted(String(opts.signal?.reason ?? 'SIGINT'));
    for (const [i, step] of steps.entries()) {
      out.line('');
      out.line(`[${i + 1}/${steps.length}] ${step.title}`);
      // Under --dry-run=server nothing was applied, so checking the result would test the old state.
      const simulated = flags.dryRun === 'client' || (flags.dryRun === 'server' && step.kind === 'verify' && changing);
      runner.policy = simulated ? 'none' : basePolicy;
      runner.step = step.id;
      const abort = new AbortController();
      const onInterrupt = () => abort.abort(interrupted());
      opts.signal?.addEventListener('abort', onInterrupt, { once: true });
      const ctx = makeContext(run, step, simulated, abort.signal);
      const s0 = now();
      const record: StepRecord = {
        id: step.id,
        title: step.title,
        kind: step.kind,
        status: 'ok',
        durationMs: 0,
        notes: ctx.notes,
        findings: ctx.findings,
      };
      records.push(record);
      let timer: NodeJS.Timeout | undefined;
      try {
        if (opts.signal?.aborted) throw interrupted();
        if (step.kind === 'apply' && nothingToChange !== undefined) throw new SkipStep(nothingToChange);
        const budgetS =
          typeof step.budgetS === 'function' ? step.budgetS(ctx) : (step.budgetS ?? DEFAULT_STEP_BUDGET_S);
        runner.signal = abort.signal;
        runner.setBudget(budgetS * 1000);
        // The backstop for what runs outside ctx.run (HTTP, sleeps): checked again when a question moved the end.
        const arm = () => {
          const left = (runner.deadline ?? Infinity) - now();
          timer = left > 0 ? setTimeout(arm, left) : undefined;
          if (left <= 0) abort.abort(new BudgetSpent(budgetS, running));
        };
        arm();
        await untilAborted(
          Promise.resolve().then(() => step.run(ctx)),
          abort.signal,
        );
        const failed = ctx.findings.filter((f) => f.ok === false);
        if (failed.length) {
          const f = failed[0];
          const more =
            failed.length > 1
              ? ` (and ${failed.length - 1} more failed check(s): ${failed
                  .slice(1)
                  .map((x) => x.check)
                  .join('; ')})`
              : '';
          ctx.fail({
            code: 'E_CHECK',
            expected: `${f.check}: ${f.expected ?? 'ok'}`,
            found: `${f.found ?? 'not ok'}${more}`,
            next: f.next ?? 'see the findings above',
          });
        }
        record.status = simulated || (flags.dryRun && step.kind === 'confirm') ? 'planned' : 'ok';
      } catch (err) {
        if (!(err instanceof SkipStep)) {
          failure = { step: step.id, error: err };
          record.status = 'failed';
          break;
        }
        record.status = 'skipped';
        record.skipReason = err.reason;
        if (step.kind === 'confirm') nothingToChange = err.reason;
        out.line(`      – skipped: ${err.reason}`);
      } finally {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onInterrupt);
        record.durationMs = Math.round(now() - s0);
        runner.step = undefined;
        runner.signal = undefined;
        runner.setBudget(undefined);
      }
      if (record.status !== 'skipped')
        out.line(`      ${record.status === 'planned' ? '·' : '✓'} ${record.status} (${ms(record.durationMs)})`);
    }

    const made = run.changes.filter((c) => !c.planned);
    let exitCode = 0;
    let declined = false;
    if (failure) {
      const step = steps.find((s) => s.id === failure!.step)!;
      const err = failure.error;
      const early = step.kind === 'config' || step.kind === 'preflight' || step.kind === 'confirm';
      exitCode = err instanceof AvalancheError ? err.exitCode : 1;
      if (early && err instanceof AvalancheError) exitCode = 2; // a preflight that cannot proceed is a refusal
      if (made.length) exitCode = 1; // 2 promises nothing changed
      if (err instanceof Interrupted) exitCode = 130;
      const message =
        err instanceof StepFailure || err instanceof Interrupted
          ? err.message
          : err instanceof AvalancheError
            ? `${err.message} Next: ${err.next ?? 'fix the cause and run again'}.`
            : `unexpected error: ${(err as Error)?.message ?? String(err)}`;
      out.line('');
      // "No" at the confirmation is a choice, not a failure: exit 2 all the same (nothing changed), worded as such.
      declined = err instanceof StepFailure && err.code === 'E_DECLINED';
      const line = declined
        ? `${decl.name}: declined at step "${step.id}" (${step.title}): ${(err as StepFailure).detail.next}.`
        : `✗ ${decl.name}: step "${step.id}" (${step.title}) ${err instanceof Interrupted ? 'was' : 'failed:'} ${message}`;
      stderr.write(`${redactor.redact(line)}\n`);
      if ((env.DEBUG ?? '') && err instanceof Error) stderr.write(`${redactor.redact(err.stack ?? '')}\n`);
      if (made.length)
        await offerRollback(decl, run, made, {
          inRollback: flags.rollback,
          interrupted: err instanceof Interrupted,
          rollbackBudgetS: ROLLBACK_BUDGET_S,
        });
      else if (err instanceof Interrupted) out.line('Nothing was changed.');
    }

    printSummary(run, { failed: Boolean(failure), declined, exitCode, startedMs: t0, now });
    const report = buildReport({
      decl,
      mode,
      flags,
      run,
      records,
      startedAt,
      durationMs: now() - t0,
      exitCode,
      failure,
    });
    if (flags.json) stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    const reportDir = flags.reportDir ?? env.AVALANCHE_REPORT_DIR;
    if (reportDir) {
      // One file per target verified, public IPs masked (src/lib/harness/reports.ts); loaded only when asked for.
      const { saveRunReport } = await import('./reports.ts');
      try {
        const files = saveRunReport(reportDir, report, { args: run.args, inventory: setup.inventory, redactor });
        out.line(
          files.length
            ? `Report saved: ${files.join(', ')}`
            : 'Report not saved: a dry run or a rollback verifies nothing.',
        );
      } catch (err) {
        // The exit code stays what the run earned; the lost report is said loudly.
        stderr.write(`✗ ${decl.name}: the report was not saved in ${reportDir}: ${(err as Error).message}\n`);
      }
    }
    return exitCode;
  } finally {
    // Only now, when nothing more can be asked: an offer to roll back after a failure still gets its answer.
    prompt.close();
  }
}
