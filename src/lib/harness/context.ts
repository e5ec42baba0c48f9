/**
 * What a step receives. Steps never touch process globals: commands go through ctx.run (recorded,
 * redacted, skipped under --dry-run, bounded by the step's budget), output through ctx.log, questions
 * through ctx.confirm, changes through ctx.change (recorded before they are made).
 */
import { AvalancheError } from '../core/errors.ts';
import type { CommandRunner } from '../core/exec.ts';
import { loadSecret } from '../core/secrets.ts';
import { Refusal, SkipStep, StepFailure } from './errors.ts';
import type { Output } from './output.ts';
import type { Prompt } from './prompt.ts';
import type { Change, ChangeSpec, CommonFlags, Finding, RunbookSetup, StepContext, StepDecl } from './types.ts';

export type { Change, Finding, StepContext } from './types.ts';

/** State shared by one run (the harness owns it; steps see it through StepContext). */
export interface RunState {
  runbook: string;
  flags: CommonFlags;
  args: Record<string, unknown>;
  env: NodeJS.ProcessEnv;
  setup: RunbookSetup;
  isTTY: boolean;
  runner: CommandRunner;
  out: Output;
  changes: Change[];
  facts: Record<string, unknown>;
  state: Record<string, unknown>;
  prompt: Prompt;
  timeScale: number;
}

/** Asks on the terminal; the time spent waiting for the person does not count against the step's budget. */
export async function askPerson(run: RunState, question: string): Promise<string> {
  const t0 = performance.now();
  try {
    return await run.prompt.ask(question);
  } finally {
    run.runner.extendBudget(performance.now() - t0);
  }
}

export function makeContext(
  run: RunState,
  step: StepDecl<any, any>,
  simulated: boolean,
  signal: AbortSignal,
): StepContext<any, any> {
  const findings: Finding[] = [];
  const notes: string[] = [];
  // Before the apply steps nothing has changed: a failure there is a refusal (exit 2).
  const preflight = step.kind === 'config' || step.kind === 'preflight' || step.kind === 'confirm';
  const dryRun = run.flags.dryRun;
  const ctx: StepContext<any, any> = {
    runbook: run.runbook,
    step: { id: step.id, title: step.title, kind: step.kind },
    args: run.args,
    setup: run.setup,
    flags: run.flags,
    dryRun,
    simulated,
    env: run.env,
    state: run.state,
    isTTY: run.isTTY,
    findings,
    notes,
    runner: run.runner,
    signal,
    timeScale: run.timeScale,
    run: (argv, opts) => run.runner.run(argv, opts),
    runs: (mode) => run.runner.runs(mode),
    log(text) {
      notes.push(text);
      run.out.line(`      ${text}`);
    },
    warn(text) {
      notes.push(`warning: ${text}`);
      run.out.line(`      ! ${text}`);
    },
    show(title, body) {
      run.out.line(`      ${title}`);
      run.out.block(body, '        ');
    },
    check(name, ok, detail) {
      if (simulated || ok === undefined) {
        findings.push({ check: name, ok: null });
        run.out.line(`      · would check: ${name}`);
        return true;
      }
      // A pass keeps what was found but not `next`: that is the advice for a failure, and a report that
      // says "the probe failed for another reason" beside ok: true misleads whoever reads it later.
      const { next: _next, ...seen } = detail ?? {};
      findings.push({ check: name, ok, ...(ok ? seen : detail) });
      run.out.line(
        `      ${ok ? '✓' : '✗'} ${name}${!ok && detail ? `: expected ${detail.expected}; found ${detail.found}` : ''}`,
      );
      return ok;
    },
    fail(detail): never {
      throw preflight ? new Refusal(detail) : new StepFailure(detail);
    },
    skip(reason): never {
      throw new SkipStep(reason);
    },
    async confirm(question) {
      if (dryRun) {
        ctx.log(`(--dry-run: would ask "${question}")`);
        return false;
      }
      if (run.flags.yes) {
        ctx.log(`${question} yes (--yes)`);
        return true;
      }
      if (!run.isTTY) {
        throw new Refusal({
          code: 'E_NEED_CONFIRM',
          expected: 'a terminal to confirm in, or --yes',
          found: 'no TTY and no --yes, and this run would change something',
          next: 'run it in a terminal, or add --yes to confirm non-interactively (CI); nothing was changed',
        });
      }
      const answer = await askPerson(run, `      ${question} [y/N] `);
      const ok = /^y(es)?$/i.test(answer.trim());
      notes.push(`${question} ${ok ? 'yes' : 'no'}`);
      return ok;
    },
    async change(what, fn, opts) {
      const specs: ChangeSpec[] = typeof what === 'string' ? [{ summary: what }] : Array.isArray(what) ? what : [what];
      const planned = Boolean(dryRun) || simulated;
      // The record first: whatever happens to `fn` (a failure part-way, Ctrl-C, a crash), the record on
      // disk and the run's list of changes already name this change and its undo.
      if (!planned) opts?.record?.();
      const entries: Change[] = specs.map((c) => ({
        step: step.id,
        summary: c.summary,
        planned,
        status: 'attempted',
        undo: c.undo,
      }));
      run.changes.push(...entries);
      const done = (summary: string) => {
        const e = entries.find((x) => x.summary === summary && x.status === 'attempted');
        if (!e) return;
        e.status = 'done';
        run.out.line(`      ${planned ? '~ would change' : '+ changed'}: ${summary}`);
      };
      let result: Awaited<ReturnType<typeof fn>>;
      try {
        result = await fn(done);
      } catch (err) {
        // Refused outright (an HTTP 4xx): it did not happen, so it is neither listed nor undone.
        // (Not after Ctrl-C or a spent budget: a command killed then proves nothing.)
        if (err instanceof AvalancheError && err.refused && !signal.aborted) {
          for (const e of entries.filter((x) => x.status === 'attempted'))
            run.changes.splice(run.changes.indexOf(e), 1);
          if (!planned) opts?.forget?.();
        }
        throw err;
      }
      for (const e of entries) done(e.summary);
      return result;
    },
    // Nothing runs while simulated: no progress line for a wait that does not happen.
    wait: (label, fn) => (simulated ? fn() : run.out.wait(label, fn)),
    secret: (spec) =>
      loadSecret(spec, {
        env: run.env,
        redactor: run.runner.redactor,
        command: async (command, label) =>
          (await run.runner.run(['sh', '-c', command], { mode: 'read', timeoutMs: 60_000, show: ['sh', '-c', label] }))
            .stdout,
      }),
    mask: (value, replacement) => run.runner.redactor.add(value, replacement),
    fact(key, value) {
      run.facts[key] = value;
    },
  };
  return ctx;
}
