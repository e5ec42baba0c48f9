export { findingsFor, formatFinding, lint, type LintOptions, type LintResult } from './run.ts';
export { RULES, ruleById, rulesByConcern } from './rules.ts';
export type { Finding, Rule, Severity } from './types.ts';
