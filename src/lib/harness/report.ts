/**
 * The --json report: steps, status, durations, findings, changes and every command (argv redacted,
 * stdin shown as [secret NAME]). Saved reports are what the site's "last verified" reads.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AvalancheError } from '../core/errors.ts';
import type { RecordedCall } from '../core/exec.ts';
import type { Finding, RunState } from './context.ts';
import { StepFailure } from './errors.ts';
import type { CommonFlags } from './flags.ts';
import type { RunbookDecl, StepKind } from './types.ts';

export interface StepRecord {
  id: string;
  title: string;
  kind: StepKind;
  status: 'ok' | 'failed' | 'skipped' | 'planned';
  durationMs: number;
  skipReason?: string;
  notes: string[];
  findings: Finding[];
}

export interface Report {
  schema: 'avalanche-runbook-report/v1';
  runbook: string;
  mode: 'apply' | 'rollback';
  dryRun: false | 'client' | 'server';
  status: 'ok' | 'failed' | 'refused' | 'planned';
  exitCode: number;
  startedAt: string;
  durationMs: number;
  steps: StepRecord[];
  changes: Array<{
    step: string;
    summary: string;
    planned: boolean;
    status: 'done' | 'attempted';
    rolledBack: boolean;
  }>;
  facts: Record<string, unknown>;
  commands: RecordedCall[];
  error?: { step: string; code: string; message: string; expected?: string; found?: string; next?: string };
}

export function buildReport(o: {
  decl: RunbookDecl<any, any>;
  mode: Report['mode'];
  flags: CommonFlags;
  run: RunState;
  records: StepRecord[];
  startedAt: Date;
  durationMs: number;
  exitCode: number;
  failure?: { step: string; error: unknown };
}): Report {
  const err = o.failure?.error;
  const report: Report = {
    schema: 'avalanche-runbook-report/v1',
    runbook: o.decl.name,
    mode: o.mode,
    dryRun: o.flags.dryRun,
    status: o.failure ? (o.exitCode === 2 ? 'refused' : 'failed') : o.flags.dryRun ? 'planned' : 'ok',
    exitCode: o.exitCode,
    startedAt: o.startedAt.toISOString(),
    durationMs: Math.round(o.durationMs),
    steps: o.records,
    changes: o.run.changes.map((c) => ({
      step: c.step,
      summary: c.summary,
      planned: c.planned,
      status: c.status,
      rolledBack: Boolean(c.rolledBack),
    })),
    facts: o.run.facts,
    commands: o.run.runner.calls,
  };
  if (o.failure) {
    report.error = {
      step: o.failure.step,
      code: err instanceof AvalancheError ? err.code : 'E_UNEXPECTED',
      message: (err as Error)?.message ?? String(err),
      ...(err instanceof StepFailure
        ? { expected: err.detail.expected, found: err.detail.found, next: err.detail.next }
        : {}),
    };
  }
  return o.run.runner.redactor.redactDeep(report);
}

export function saveReport(dir: string, report: Report): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${report.runbook}-${report.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}
