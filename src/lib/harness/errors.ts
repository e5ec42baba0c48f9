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
    super(detail.code ?? 'E_STEP', `expected ${detail.expected}; found ${detail.found}. Next: ${detail.next}`, exitCode);
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
