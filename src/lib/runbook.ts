/** The runbook harness (see src/lib/runbook/): declare steps as data, run them with runMain. */
export { defineRunbook, EXIT_CODES, STEP_KINDS, type FlagDecl, type RunbookDecl, type StepDecl, type StepKind } from './runbook/types.ts';
export { runMain, scriptArgs, type MainOptions } from './runbook/main.ts';
export type { StepContext, Finding, Change } from './runbook/context.ts';
export { StepFailure, Refusal } from './runbook/errors.ts';
export { helpJson, helpText, type HelpJson } from './runbook/help.ts';
export type { Report, StepRecord } from './runbook/report.ts';
