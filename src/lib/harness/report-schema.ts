/**
 * The shape of a saved report, as zod: the harness's `--json` report (src/lib/harness/report.ts, `Report`)
 * plus a `saved` block naming the target it verifies, the result and a one-line summary. The type check at
 * the bottom keeps this schema in step with the harness's interface (`npm run check` fails on drift), and
 * test/reports.test.ts parses a real report from the harness with it.
 */
import { z } from 'zod';
import type { Report } from './report.ts';
import { STEP_KINDS } from './types.ts';

const finding = z.object({
  check: z.string(),
  ok: z.boolean().nullable(),
  expected: z.string().optional(),
  found: z.string().optional(),
  next: z.string().optional(),
});

const step = z.object({
  id: z.string(),
  title: z.string(),
  kind: z.enum(STEP_KINDS),
  status: z.enum(['ok', 'failed', 'skipped', 'planned']),
  durationMs: z.number().nonnegative(),
  skipReason: z.string().optional(),
  notes: z.array(z.string()),
  findings: z.array(finding),
});

const command = z.object({
  step: z.string().optional(),
  argv: z.array(z.string()),
  mode: z.enum(['read', 'check', 'write']),
  stdin: z.string().optional(),
  ran: z.boolean(),
  code: z.number().int().optional(),
  durationMs: z.number().optional(),
});

/** The harness's --json report. Unknown fields are dropped on load (a newer harness may add some). */
export const runbookReportSchema = z.object({
  schema: z.literal('avalanche-runbook-report/v1'),
  runbook: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'expected a runbook name such as verify-proxy'),
  mode: z.enum(['apply', 'rollback']),
  dryRun: z.union([z.literal(false), z.enum(['client', 'server'])]),
  status: z.enum(['ok', 'failed', 'refused', 'planned']),
  exitCode: z.number().int(),
  startedAt: z.iso.datetime({ offset: true }),
  durationMs: z.number().nonnegative(),
  steps: z.array(step),
  changes: z.array(
    z.strictObject({
      step: z.string(),
      summary: z.string(),
      planned: z.boolean(),
      status: z.enum(['done', 'attempted']).optional(),
      rolledBack: z.boolean(),
    }),
  ),
  facts: z.record(z.string(), z.unknown()),
  commands: z.array(command),
  error: z
    .strictObject({
      step: z.string(),
      code: z.string(),
      message: z.string(),
      expected: z.string().optional(),
      found: z.string().optional(),
      next: z.string().optional(),
    })
    .optional(),
});

export const SAVED_SCHEMA = 'avalanche-saved-report/v1';

export const savedReportSchema = runbookReportSchema.extend({
  saved: z.strictObject({
    schema: z.literal(SAVED_SCHEMA),
    /** What was verified: a proxy or sidecar deployment name, a workload, or "remote-access". */
    target: z.string().regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, 'expected a target such as vpn-proxy-iceland'),
    result: z.enum(['verified', 'failed']),
    /** One line for the site: "exit IP in Iceland", or what failed. */
    summary: z.string().min(1).max(300),
    /** The runbook's own flags for that run (which regions, which services). */
    args: z.record(z.string(), z.unknown()),
  }),
});

export type RunbookReport = z.infer<typeof runbookReportSchema>;
export type SavedReport = z.infer<typeof savedReportSchema>;

// Compile-time guard (erased at run time): every Report the harness builds must fit the schema.
type Fits<T, U> = T extends U ? true : false;
export const REPORT_FITS_SCHEMA: Fits<Report, RunbookReport> = true;
