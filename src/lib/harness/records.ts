/**
 * What a migration runbook is about to change, recorded BEFORE it changes it, so `--rollback` undoes
 * exactly that (phase 3: marmithon's live objects; phase 4: which nodes stopped advertising an exit node
 * and which route approvals were withdrawn).
 *
 * Where: a local state file, `$AVALANCHE_STATE_DIR/<runbook>.json`, by default
 * `${XDG_STATE_HOME:-~/.local/state}/avalanche/` — the XDG base-directory spec's place for state that
 * "should persist between (application) restarts" such as "actions history"
 * (https://specifications.freedesktop.org/basedir-spec/latest/#variables).
 * Why not a ConfigMap or an annotation in the cluster: phase 4's record (tailnet nodes, API approvals) has
 * no cluster to live in, and one mechanism for both phases is easier to reason about; and a recorded
 * Deployment may carry environment values the operator considers private (an IRC password set inline),
 * which a ConfigMap would spread to everyone who may read ConfigMaps. Never in git: the file is outside
 * the checkout, 0600 in a 0700 directory. The cost: `--rollback` needs this machine's file (the plan
 * prints its path; copy it, or point AVALANCHE_STATE_DIR at it, to roll back from elsewhere).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { InputError } from '../core/errors.ts';

export const RECORD_SCHEMA = 'avalanche-migration-record/v1';

export interface MigrationRecord<T> {
  schema: typeof RECORD_SCHEMA;
  runbook: string;
  /** applied: the change (or part of it) is in place; rolled-back: --rollback restored what was recorded. */
  status: 'applied' | 'rolled-back';
  /** When the record was first taken (before the first change). */
  recordedAt: string;
  updatedAt: string;
  data: T;
}

export function recordSchema<T extends z.ZodType>(data: T) {
  return z.strictObject({
    schema: z.literal(RECORD_SCHEMA),
    runbook: z.string().min(1),
    status: z.enum(['applied', 'rolled-back']),
    recordedAt: z.string().min(1),
    updatedAt: z.string().min(1),
    data,
  });
}

/**
 * The directory of the state files: AVALANCHE_STATE_DIR, else $XDG_STATE_HOME/avalanche, else ~/.local/state/avalanche.
 */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.AVALANCHE_STATE_DIR) return env.AVALANCHE_STATE_DIR;
  const base = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
  return join(base, 'avalanche');
}

export function recordPath(runbook: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(stateDir(env), `${runbook}.json`);
}

/** The record at `file`, or undefined when there is none. A file that is not a valid record is bad input (exit 2). */
export function readRecord<T extends z.ZodType>(file: string, data: T): MigrationRecord<z.infer<T>> | undefined {
  if (!existsSync(file)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InputError(
      `${file}: not a migration record (${(err as Error).message}). Expected the JSON a migration runbook wrote; restore it from a backup, or move it away to start without a record.`,
      'E_RECORD',
    );
  }
  const parsed = recordSchema(data).safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(
      `${file}: not a valid migration record: ${issue.path.join('.') || '(top level)'}: ${issue.message}. Expected the JSON a migration runbook wrote; restore it from a backup, or move it away to start without a record.`,
      'E_RECORD',
    );
  }
  return parsed.data as MigrationRecord<z.infer<T>>;
}

/** Writes the record atomically (temp file + rename), readable by the owner only. */
export function writeRecord<T>(file: string, record: MigrationRecord<T>): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

/** A new record, or the existing one with new data (recordedAt kept: it dates the first change). */
export function nextRecord<T>(
  runbook: string,
  previous: MigrationRecord<T> | undefined,
  data: T,
  status: MigrationRecord<T>['status'],
  now = new Date(),
): MigrationRecord<T> {
  const at = now.toISOString();
  return {
    schema: RECORD_SCHEMA,
    runbook,
    status,
    recordedAt: previous && previous.status === 'applied' ? previous.recordedAt : at,
    updatedAt: at,
    data,
  };
}
