/** The runbook harness (see src/lib/harness/): declare steps as data, run them with runMain. */
export {
  defineRunbook,
  DEFAULT_STEP_BUDGET_S,
  EXIT_CODES,
  STEP_KINDS,
  type ArgsOf,
  type ChangeSpec,
  type FlagDecl,
  type RunbookDecl,
  type RunbookDefinition,
  type RunbookSetup,
  type StepDecl,
  type StepKind,
} from './types.ts';
export { confirmStep, type ConfirmOptions } from './confirm.ts';
export { loadSetup } from './setup.ts';
export { runMain, scriptArgs, type MainOptions } from './main.ts';
export type { StepContext, Finding, Change } from './context.ts';
export { StepFailure, Refusal, Interrupted, BudgetSpent } from './errors.ts';
export { helpJson, helpText, type HelpJson } from './help.ts';
export type { Report, StepRecord } from './report.ts';
