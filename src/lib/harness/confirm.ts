/**
 * The confirm step every runbook that changes something uses (validateDecl refuses a declaration with apply
 * steps and no confirm step). It asks once, before the first change: `--yes` answers yes, `--dry-run` lists
 * the question, no terminal and no `--yes` is a refusal (exit 2), and "no" is a refusal too; nothing was
 * changed in any of these. When `question` finds nothing to change the step is skipped, and so are the
 * apply steps after it.
 */
import type { StepContext, StepDecl } from './types.ts';

export interface ConfirmOptions<S, A> {
  /** The question, from what the plan found; undefined when there is nothing to change. */
  question: (ctx: StepContext<S, A>) => string | undefined;
  /** Why the step is skipped when `question` returns undefined (default "nothing to change"). */
  nothing?: string | ((ctx: StepContext<S, A>) => string);
  title?: string;
}

export function confirmStep<S, A>(o: ConfirmOptions<S, A>): StepDecl<S, A> {
  return {
    id: 'confirm',
    kind: 'confirm',
    title: o.title ?? 'Confirm',
    async run(ctx) {
      const question = o.question(ctx);
      if (question === undefined)
        return ctx.skip(typeof o.nothing === 'function' ? o.nothing(ctx) : (o.nothing ?? 'nothing to change'));
      if (!(await ctx.confirm(question)) && !ctx.dryRun) {
        ctx.fail({
          code: 'E_DECLINED',
          expected: 'a yes to go on',
          found: 'no',
          next: 'nothing was changed; run it again when ready',
        });
      }
    },
  };
}
