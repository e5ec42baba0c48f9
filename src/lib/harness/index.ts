/** The runbook harness (see src/lib/harness/): declare steps as data, run them with runMain. */
export { defineRunbook, EXIT_CODES, STEP_KINDS, type FlagDecl, type RunbookDecl, type StepDecl, type StepKind } from './types.ts';
export { runMain, scriptArgs, type MainOptions } from './main.ts';
export type { StepContext, Finding, Change } from './context.ts';
export { StepFailure, Refusal } from './errors.ts';
export { helpJson, helpText, type HelpJson } from './help.ts';
export type { Report, StepRecord } from './report.ts';
