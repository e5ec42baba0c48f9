/**
 * A runbook declares itself as data: purpose, prerequisites, flags, and steps with what each changes
 * and how to undo it. `--help`, `--help --json`, `--dry-run` and the docs pages are all drawn from this
 * one declaration, so nothing is typed twice.
 */
import type { CommandMode, CommandResult, CommandRunner, RunOptions } from '../core/exec.ts';
import type { Secret, SecretSpec } from '../core/secrets.ts';
import type { Inventory } from '../inventory/inventory.ts';
import type { FailureDetail } from './errors.ts';

export const STEP_KINDS = ['config', 'preflight', 'plan', 'confirm', 'apply', 'verify', 'summary'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

export interface FlagDecl {
  /** Long name without dashes, e.g. "region". */
  name: string;
  type: 'string' | 'boolean';
  /** A string flag that may repeat (`--region a --region b`); comma lists are split too. */
  multiple?: boolean;
  description: string;
  /** Placeholder in help, e.g. "REGION". */
  valueName?: string;
  /** Allowed values, checked before any step runs (exit 2 otherwise). A function is called lazily. */
  choices?: readonly string[] | (() => readonly string[]);
  default?: string | boolean | readonly string[];
  /**
   * It selects what the run acts on (--region) or how to reach it (--ssh-alias): after a failure, the printed
   * `--rollback` command repeats it with this run's values, so the copied command undoes exactly this run.
   */
  selects?: boolean;
}

/** `echo-url` -> `echoUrl`, as a type (flags are camel-cased into `ctx.args`). */
type Camel<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S;
type FlagValue<F extends FlagDecl> = F['type'] extends 'boolean'
  ? boolean
  : F extends { multiple: true }
    ? F extends { default: readonly string[] }
      ? string[]
      : string[] | undefined
    : F extends { default: string }
      ? string
      : string | undefined;
/** The type of `ctx.args`, from a runbook's flag declarations (declare them `as const` to get it exact). */
export type ArgsOf<F extends readonly FlagDecl[]> = { -readonly [K in F[number] as Camel<K['name']>]: FlagValue<K> };
/** Loose args, for declarations whose flags are not `as const`. */
export type AnyArgs = Record<string, any>;
/** Loose state, the default until a runbook declares its own. */
export type AnyState = Record<string, any>;

/**
 * What every runbook gets before its declaration is made: the inventory it runs against (the bundled
 * src/data/network.yaml, or $AVALANCHE_INVENTORY), the manifests root (the repository, or
 * $AVALANCHE_MANIFESTS_ROOT) and the state directory for records. Loaded inside runMain, so a malformed
 * inventory is a one-line error and exit 2, even for --help.
 */
export interface RunbookSetup {
  inventory: Inventory;
  /** The inventory file, as shown in messages. */
  inventoryFile: string;
  /** true when it came from $AVALANCHE_INVENTORY rather than the bundled file. */
  inventoryOverridden: boolean;
  /** Directory that holds manifests/. */
  manifestsRoot: string;
  manifestsOverridden: boolean;
}

export interface StepDecl<S = AnyState, A = AnyArgs> {
  id: string;
  title: string;
  kind: StepKind;
  /** What this step changes, in words (omit for steps that change nothing). */
  changes?: string;
  /** How to undo it by hand (or which flag does it). */
  undo?: string;
  /**
   * How long the step may take, in seconds (default DEFAULT_STEP_BUDGET_S), not counting time spent waiting
   * for the operator's answer. Every command's timeout is cut to what is left of it, and a step still running
   * when it is spent fails naming it. Steps that wait on purpose (a rollout, a build) declare theirs from
   * their flags.
   */
  budgetS?: number | ((ctx: StepContext<S, A>) => number);
  run(ctx: StepContext<S, A>): Promise<void> | void;
}

/** A step's budget when it declares none: a few commands of at most DEFAULT_TIMEOUT_MS each. */
export const DEFAULT_STEP_BUDGET_S = 120;

export interface SecretDecl {
  /**
   * Environment variable; `<ENV>_FILE` and `<ENV>_COMMAND` are accepted too. May contain {region}-style placeholders.
   */
  env: string;
  description: string;
}

export interface RunbookDecl<S = AnyState, A = AnyArgs> {
  /** File name without .mjs, e.g. "phase2-deploy-proxy". */
  name: string;
  title: string;
  /** One sentence for lists and the docs description. */
  summary: string;
  /** A short paragraph: why and when to run it. */
  purpose: string;
  prerequisites: string[];
  flags?: readonly FlagDecl[];
  /** Secrets it reads, for --help and the docs (never their values). */
  secrets?: SecretDecl[];
  /** Example invocations (arguments after the script name). */
  examples?: string[];
  steps: StepDecl<S, A>[];
  /** Declaring this adds `--rollback`, which runs these steps instead of `steps`. */
  rollback?: { summary: string; steps: StepDecl<S, A>[] };
  /** It drives kubectl: adds `--context` (a runbook that does not has no use for it, and refuses it as unknown). */
  kubectl?: boolean;
}

export const EXIT_CODES = {
  0: 'Done and verified (or, with --dry-run, planned without errors).',
  1: 'A step or a verification failed; the report says which, and what was changed.',
  2: 'Bad input or a preflight refusal; nothing was changed.',
  130: 'Interrupted (Ctrl-C): the running command was stopped; the output lists what was changed and how to undo it.',
} as const;

/**
 * A runbook: its name, and how its declaration is made from the setup (the inventory decides which
 * regions, hosts and defaults exist, so the declaration is made after the inventory is loaded).
 */
export interface RunbookDefinition<S = AnyState, A = AnyArgs> {
  readonly name: string;
  make(setup: RunbookSetup): RunbookDecl<S, A>;
}

/**
 * Declares a runbook, in runbooks/<name>/index.ts:
 * `export default defineRunbook<State, Args>('name', (setup) => ({ ...declaration }))`.
 * The declaration is made from the setup when the runbook runs (or its page is built) and checked then:
 * a programming error throws before any step runs. A fixed declaration (tests, fixtures) may be passed
 * directly: `defineRunbook({ name, ... })` checks it at once and returns it.
 */
export function defineRunbook<S = AnyState, A = AnyArgs>(
  name: string,
  make: (setup: RunbookSetup) => RunbookDecl<S, A>,
): RunbookDefinition<S, A>;
export function defineRunbook<S = AnyState, A = AnyArgs>(decl: RunbookDecl<S, A>): RunbookDecl<S, A>;
export function defineRunbook<S, A>(
  nameOrDecl: string | RunbookDecl<S, A>,
  make?: (setup: RunbookSetup) => RunbookDecl<S, A>,
): RunbookDefinition<S, A> | RunbookDecl<S, A> {
  if (typeof nameOrDecl !== 'string') return validateDecl(nameOrDecl);
  const name = nameOrDecl;
  return {
    name,
    make(setup) {
      const decl = make!(setup);
      if (decl.name !== name)
        throw new TypeError(`runbook "${name}": its declaration is named "${decl.name}"; the two must match.`);
      return validateDecl(decl);
    },
  };
}

/** Validates a declaration's shape. */
export function validateDecl<T extends RunbookDecl<any, any>>(decl: T): T {
  const ids = new Set<string>();
  const check = (steps: StepDecl<any, any>[], where: string) => {
    let last = -1;
    for (const s of steps) {
      if (!STEP_KINDS.includes(s.kind))
        throw new TypeError(
          `${decl.name}: ${where} step "${s.id}" has unknown kind "${s.kind}"; expected one of ${STEP_KINDS.join(', ')}.`,
        );
      const idx = STEP_KINDS.indexOf(s.kind);
      // The contract's order: config -> preflight -> plan -> confirm -> apply -> verify -> summary.
      if (idx < last)
        throw new TypeError(
          `${decl.name}: ${where} step "${s.id}" (${s.kind}) comes after a ${STEP_KINDS[last]} step; keep the contract's order.`,
        );
      last = idx;
      if (ids.has(`${where}:${s.id}`)) throw new TypeError(`${decl.name}: duplicate step id "${s.id}".`);
      ids.add(`${where}:${s.id}`);
      if (s.kind === 'apply' && (!s.changes || !s.undo))
        throw new TypeError(`${decl.name}: apply step "${s.id}" must declare changes and undo.`);
    }
    // Nothing changes unasked: a runbook with apply steps asks first (confirmStep(), which also refuses
    // without a terminal and without --yes).
    if (steps.some((s) => s.kind === 'apply') && !steps.some((s) => s.kind === 'confirm')) {
      throw new TypeError(
        `${decl.name}: ${where} steps change something (apply steps ${steps
          .filter((s) => s.kind === 'apply')
          .map((s) => `"${s.id}"`)
          .join(', ')}) but have no confirm step; add confirmStep() from src/lib/harness before them.`,
      );
    }
  };
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(decl.name))
    throw new TypeError(`runbook name "${decl.name}" must be kebab-case like phase2-deploy-proxy.`);
  check(decl.steps, 'main');
  if (decl.rollback) check(decl.rollback.steps, 'rollback');
  return decl;
}

/** A runbook changes things when it has an apply step (or a rollback). */
export function changesThings(steps: StepDecl<any, any>[]): boolean {
  return steps.some((s) => s.kind === 'apply');
}

export type DryRun = false | 'client' | 'server';

export interface CommonFlags {
  help: boolean;
  json: boolean;
  dryRun: DryRun;
  yes: boolean;
  context?: string;
  rollback: boolean;
  reportDir?: string;
}

export interface Finding {
  check: string;
  /** null: not checked (the step was only listed, under --dry-run). */
  ok: boolean | null;
  expected?: string;
  found?: string;
  next?: string;
}

export interface Change {
  step: string;
  summary: string;
  /** true under --dry-run: it would happen. */
  planned: boolean;
  /**
   * done: the change went through. attempted: it was started and then failed or was interrupted, so it may
   * be in place, in part or whole (kubectl apply goes on past a refused object; a dropped connection hides
   * what the server did): listed as "may have changed" and undone like a done one (undos are idempotent).
   */
  status: 'done' | 'attempted';
  undo?: () => Promise<void>;
  rolledBack?: boolean;
}

/**
 * One change a step is about to make: what, in words, and how to undo it (idempotent: it may be run on a change that
 * did not happen).
 */
export interface ChangeSpec {
  summary: string;
  undo?: () => Promise<void>;
}

export interface StepContext<S = AnyState, A = AnyArgs> {
  readonly runbook: string;
  readonly step: Pick<StepDecl, 'id' | 'title' | 'kind'>;
  /** The runbook's own flags, camel-cased. */
  readonly args: A;
  /** The inventory and manifests this run uses (see RunbookSetup). */
  readonly setup: RunbookSetup;
  readonly flags: CommonFlags;
  readonly dryRun: DryRun;
  /** true when this step's commands are listed, not run (client dry-run; a verify step under a server dry-run). */
  readonly simulated: boolean;
  readonly env: NodeJS.ProcessEnv;
  /** Shared between steps: config puts what later steps need here. */
  readonly state: S;
  readonly isTTY: boolean;
  readonly findings: Finding[];
  readonly notes: string[];
  readonly runner: CommandRunner;
  run(argv: string[], opts?: RunOptions): Promise<CommandResult>;
  /** Would a command of this mode run now? */
  runs(mode: CommandMode): boolean;
  log(text: string): void;
  warn(text: string): void;
  /** Shows a titled block (a manifest, a diff, a command list). */
  show(title: string, body: string): void;
  /**
   * Records a finding; a failed one fails the step when it returns (all checks of the step are still
   * reported). `ok` undefined = could not be checked because --dry-run kept its command from running.
   * `detail.found` must say what was found whether the check passed or failed (it is kept in the report
   * either way); `detail.next` is advice for a failure and is dropped when the check passes.
   */
  check(name: string, ok: boolean | undefined, detail?: Omit<FailureDetail, 'code'>): boolean;
  fail(detail: FailureDetail): never;
  skip(reason: string): never;
  confirm(question: string): Promise<boolean>;
  /**
   * Makes a change: records it first (in the run's list of changes, with its undo, and on disk through
   * `record` when the runbook keeps a record for --rollback), then runs `fn`. A failure or Ctrl-C inside `fn`
   * leaves the change listed as attempted, so it is reported and undone. `fn` may call `done(summary)` for
   * the parts it knows went through before it failed. An error marked `refused` (the other side said no,
   * so nothing happened) drops the change again and calls `forget` to take it out of the record. Under
   * --dry-run nothing is recorded on disk and the change is listed as "would change".
   */
  change<T>(
    what: string | ChangeSpec | ChangeSpec[],
    fn: (done: (summary: string) => void) => Promise<T> | T,
    opts?: { record?: () => void; forget?: () => void },
  ): Promise<T>;
  /** Aborted on Ctrl-C or when the step's budget is spent: pass it to anything that waits outside ctx.run (fetch). */
  readonly signal: AbortSignal;
  /** Tests only (1 otherwise): timeouts outside ctx.run (HTTP) are multiplied by it, like the runner's. */
  readonly timeScale: number;
  wait<T>(label: string, fn: () => Promise<T>): Promise<T>;
  secret(spec: SecretSpec): Promise<Secret>;
  /** Hides a value (e.g. the home IP) from all output and reports, replaced by `replacement`. */
  mask(value: string, replacement: string): void;
  /** A fact for the --json report (e.g. exit country), shown on the site by later tooling. */
  fact(key: string, value: unknown): void;
}
