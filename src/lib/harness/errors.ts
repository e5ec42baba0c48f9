/**
 * How a step fails. Every failure names the step, what was expected, what was found and what to do
 * next; the harness turns it into one line and an exit code (2 before anything changed, 1 after).
 */
import { AvalancheError } from '../core/errors.ts';

export interface FailureDetail {
  expected: string;
  found: string;
  next: string;
  /** Machine-readable code, e.g. E_WRONG_CONTEXT. */
  code?: string;
}

export class StepFailure extends AvalancheError {
  readonly detail: FailureDetail;
  step?: string;
  constructor(detail: FailureDetail, exitCode = 1) {
    super(
      detail.code ?? 'E_STEP',
      `expected ${detail.expected}; found ${detail.found}. Next: ${detail.next}`,
      exitCode,
    );
    this.detail = detail;
  }
}

/** A refusal before anything changed (preflight, or no TTY and no --yes): exit 2. */
export class Refusal extends StepFailure {
  constructor(detail: FailureDetail) {
    super({ code: 'E_REFUSED', ...detail }, 2);
  }
}

/** Thrown by ctx.skip(): the step ends as "skipped" with a reason, not as a failure. */
export class SkipStep extends Error {
  readonly reason: string;
  constructor(reason: string) {
    super(reason);
    this.reason = reason;
  }
}

/**
 * The operator pressed Ctrl-C (SIGINT) or sent SIGTERM: the running command is killed, nothing more
 * starts, what was changed (and recorded) so far is listed with how to undo it. Exit 130 = 128 + SIGINT,
 * what a shell reports for a process ended by Ctrl-C.
 */
export class Interrupted extends AvalancheError {
  constructor(signal: string) {
    super('E_INTERRUPTED', `interrupted by ${signal}`, 130);
  }
}

/** A step ran past its time budget: its running command is killed and the step fails naming the budget. */
export class BudgetSpent extends StepFailure {
  constructor(budgetS: number, waitingOn: string | undefined) {
    super({
      code: 'E_STEP_BUDGET',
      expected: `the step to finish within its budget of ${budgetS} s`,
      found: `still running after ${budgetS} s${waitingOn ? `, waiting on \`${waitingOn}\`` : ''}`,
      next: 'a tool or service is not answering: check it by hand (the command above), then run again',
    });
  }
}
