/**
 * Running commands for runbooks: argument arrays only, a timeout on every call, stdin for secrets, every
 * call recorded (for --dry-run, plans and --json reports), every registered secret redacted, and each
 * command classified read-only or mutating so --dry-run=server runs only what changes nothing.
 *
 * Why zx's `$` underneath: it is the house tool, it quotes each element of an argument array itself
 * (https://google.github.io/zx/quotes), kills the whole process tree on timeout, and takes stdin as
 * `input`. We never build a command string: `$` receives the array and quotes every element.
 */
import { spawn, type SpawnOptions } from 'node:child_process';
import { $ } from 'zx';
import { AvalancheError } from './errors.ts';
import { Redactor, Secret } from './secrets.ts';

/**
 * read:  changes nothing (kubectl get/diff/version, wget of a status endpoint); runs under --dry-run=server.
 * check: asks the server to validate without persisting (kubectl apply --dry-run=server); runs under --dry-run=server.
 * write: changes something (apply, delete, run a probe pod); never runs under any --dry-run.
 */
export type CommandMode = 'read' | 'check' | 'write';

export interface RawResult {
  code: number;
  stdout: string;
  stderr: string;
  notFound?: boolean;
  timedOut?: boolean;
}
/**
 * The seam tests and the harness use: run argv with optional stdin, a timeout and an environment. When
 * `signal` aborts (Ctrl-C, or the step's time budget spent), the command and its children are killed.
 */
export type Exec = (
  argv: string[],
  opts: { input?: string; timeoutMs: number; env: NodeJS.ProcessEnv; signal?: AbortSignal },
) => Promise<RawResult>;

// zx hands spawn() the quoted command plus an empty args array with `shell` set, which Node 24 flags
// with DEP0190 on stderr (https://nodejs.org/api/deprecations.html#DEP0190); drop the empty array.
const spawnQuiet = ((cmd: string, args: readonly string[], opts: SpawnOptions) =>
  args.length ? spawn(cmd, args, opts) : spawn(cmd, opts)) as typeof spawn;

// zx starts each command in its own process group (detached), so killing the group ends the command and
// its children; this avoids zx's default `ps` tree lookup, which trips the same DEP0190 warning.
const killGroup = async (pid: number | `${number}`, signal: NodeJS.Signals = 'SIGTERM') => {
  try {
    process.kill(-Number(pid), signal);
  } catch {
    process.kill(Number(pid), signal);
  }
};

export const realExec: Exec = async (argv, { input, timeoutMs, env, signal }) => {
  const started = Date.now();
  // No input: stdin is /dev/null, so a tool that would prompt gets EOF instead of hanging the runbook.
  const stdio = [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] as const;
  // `signal`: zx kills the command (its whole process group, killGroup) when it aborts
  // (https://google.github.io/zx/process-promise#abort).
  const out = await $({
    input,
    env,
    nothrow: true,
    quiet: true,
    verbose: false,
    timeout: timeoutMs,
    signal,
    stdio: [...stdio],
    spawn: spawnQuiet,
    kill: killGroup,
  })`${argv}`;
  const code = out.exitCode ?? 128;
  return {
    code,
    stdout: out.stdout,
    stderr: out.stderr,
    // zx runs the array through bash, which answers 127 for a command it cannot find. Match the program's
    // own name: ssh also exits 127 when the *remote* command is missing, and that is not "ssh not found".
    notFound:
      code === 127 &&
      out.stderr
        .split('\n')
        .some((l) => l.includes(`${argv[0]}: command not found`) || l.includes(`${argv[0]}: No such file`)),
    timedOut: out.signal !== null && !signal?.aborted && Date.now() - started >= timeoutMs,
  };
};

export interface RunOptions {
  mode?: CommandMode;
  /** stdin. A Secret is revealed only into the pipe; the record shows `[secret NAME]`. */
  input?: string | Secret;
  timeoutMs?: number;
  /** Exit codes that are answers rather than failures (kubectl diff: 1 = differences), or 'any'. Default [0]. */
  okCodes?: number[] | 'any';
  /** stdout to pretend when the command is not run (--dry-run), so the happy path can be walked and listed. */
  assume?: string;
  /** Extra environment for this command only (not secrets: it is shown in the plan as `NAME=value command`). */
  env?: Record<string, string>;
  /**
   * What to show and record instead of argv, when an argument is private but not a registered secret (the text
   * of a secret's `_COMMAND`, which may hold the secret itself: `echo <key>`). Messages name this too.
   */
  show?: string[];
}

export interface CommandResult {
  argv: string[];
  code: number;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** false when --dry-run kept the command from running (stdout is then `assume`). */
  ran: boolean;
}

export interface RecordedCall {
  step?: string;
  argv: string[];
  mode: CommandMode;
  /** stdin as shown to humans: redacted text, or `[secret NAME]`. */
  stdin?: string;
  ran: boolean;
  code?: number;
  durationMs?: number;
  /** Extra environment given to this command (RunOptions.env). */
  env?: Record<string, string>;
  /** The time it was allowed (after the step's budget), in ms. */
  timeoutMs?: number;
}

/** Which commands actually run: all, read-only ones (--dry-run=server), or none (--dry-run). */
export type ExecPolicy = 'all' | 'read-only' | 'none';

export class CommandError extends AvalancheError {
  readonly argv: string[];
  readonly exit: number;
  readonly stderr: string;
  /** What the command printed before it failed (kubectl apply lists each object it applied). */
  readonly stdout: string;
  constructor(argv: string[], exit: number, stderr: string, code = 'E_COMMAND', message?: string, stdout = '') {
    const tail = stderr.trim().split('\n').slice(-3).join(' | ');
    super(code, message ?? `\`${argv.join(' ')}\` exited ${exit}${tail ? `: ${tail}` : ''}`, 1);
    this.argv = argv;
    this.exit = exit;
    this.stderr = stderr;
    this.stdout = stdout;
  }
}

/** A call's time when it names none: every external call is bounded (README, "What the harness guarantees"). */
export const DEFAULT_TIMEOUT_MS = 30_000;

export class CommandRunner {
  readonly calls: RecordedCall[] = [];
  readonly redactor: Redactor;
  policy: ExecPolicy;
  /** Step id stamped on each record. */
  step?: string;
  /** Called as each command is recorded, before it runs (the harness prints it). */
  onCall?: (call: RecordedCall, willRun: boolean) => void;
  /**
   * Set by the harness for each step: aborted on Ctrl-C or when the step's budget is spent (its reason is
   * the error to throw). A command running then is killed; no new command starts.
   */
  signal?: AbortSignal;
  /** When the step's budget ends (in `now()` ms): no call may be allowed longer than what is left. */
  deadline?: number;
  /** Tests only: every timeout is multiplied by this when the command runs (messages keep the real figure). */
  timeScale = 1;
  #exec: Exec;
  #env: NodeJS.ProcessEnv;
  #now: () => number;
  #withheld: RegExp[] = [];

  constructor(opts: {
    exec?: Exec;
    env?: NodeJS.ProcessEnv;
    redactor?: Redactor;
    policy?: ExecPolicy;
    now?: () => number;
  }) {
    this.#exec = opts.exec ?? realExec;
    this.#env = opts.env ?? process.env;
    this.redactor = opts.redactor ?? new Redactor();
    this.policy = opts.policy ?? 'all';
    this.#now = opts.now ?? (() => performance.now());
  }

  /**
   * Keep matching environment variables (the runbook's secrets) out of every child process:
   * ssh, tailscale or nc have no use for TAILSCALE_API_KEY, and a child's environment is
   * readable by its user through /proc. Variables whose value is a loaded secret are dropped too.
   */
  withhold(pattern: RegExp): void {
    this.#withheld.push(pattern);
  }

  /** The environment a child process gets. */
  childEnv(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const [name, value] of Object.entries(this.#env)) {
      if (this.#withheld.some((re) => re.test(name))) continue;
      if (value && value.length >= 8 && this.redactor.redact(value) !== value) continue;
      env[name] = value;
    }
    return env;
  }

  /** Starts a time budget of `ms` from now (undefined: none); every call's timeout is cut to what is left. */
  setBudget(ms: number | undefined): void {
    this.deadline = ms === undefined ? undefined : this.#now() + ms;
  }

  /** Moves the budget's end later (the time a person took to answer a question does not count). */
  extendBudget(ms: number): void {
    if (this.deadline !== undefined) this.deadline += ms;
  }

  /** Would this mode run under the current policy? */
  runs(mode: CommandMode): boolean {
    return this.policy === 'all' || (this.policy === 'read-only' && mode !== 'write');
  }

  async run(argv: string[], opts: RunOptions = {}): Promise<CommandResult> {
    const mode = opts.mode ?? 'read';
    if (!Array.isArray(argv) || argv.length === 0 || argv.some((a) => typeof a !== 'string')) {
      throw new TypeError(`run() expects a non-empty array of strings (secrets go through input), got ${String(argv)}`);
    }
    const redacted = argv.map((a) => this.redactor.redact(a));
    if (redacted.some((a, i) => a !== argv[i])) {
      // Defence in depth: argv is visible to every user of the machine (ps, /proc); refuse rather than leak.
      throw new AvalancheError(
        'E_SECRET_IN_ARGV',
        `refusing to run \`${redacted.join(' ')}\`: a secret is in its arguments; pass it on stdin.`,
      );
    }
    const shown = opts.show ? opts.show.map((a) => this.redactor.redact(a)) : redacted;
    // This call's own signal: the harness moves on after an abort, and a later step must not clear it.
    const signal = this.signal;
    if (signal?.aborted) throw signal.reason;
    const input = opts.input instanceof Secret ? opts.input.reveal() : opts.input;
    const left = this.deadline === undefined ? Infinity : Math.floor(this.deadline - this.#now());
    const timeoutMs = Math.min(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, left);
    const record: RecordedCall = { step: this.step, argv: shown, mode, ran: false, timeoutMs };
    if (opts.env)
      record.env = Object.fromEntries(Object.entries(opts.env).map(([k, v]) => [k, this.redactor.redact(v)]));
    if (opts.input !== undefined)
      record.stdin = opts.input instanceof Secret ? String(opts.input) : this.redactor.redact(opts.input);
    this.calls.push(record);
    this.onCall?.(record, this.runs(mode));
    if (!this.runs(mode))
      return { argv: shown, code: 0, stdout: opts.assume ?? '', stderr: '', durationMs: 0, ran: false };

    if (timeoutMs <= 0)
      throw new CommandError(
        shown,
        0,
        '',
        'E_TIMEOUT',
        `\`${shown.join(' ')}\` was not started: the step's time budget is spent.`,
      );
    const t0 = this.#now();
    const raw = await this.#exec(argv, {
      input,
      timeoutMs: Math.max(1, Math.round(timeoutMs * this.timeScale)),
      env: { ...this.childEnv(), ...opts.env },
      signal,
    });
    const durationMs = Math.round(this.#now() - t0);
    if (signal?.aborted) throw signal.reason;
    Object.assign(record, { ran: true, code: raw.code, durationMs });
    const result: CommandResult = {
      argv: shown,
      code: raw.code,
      stdout: this.redactor.redact(raw.stdout),
      stderr: this.redactor.redact(raw.stderr),
      durationMs,
      ran: true,
    };
    if (raw.notFound) {
      throw new CommandError(
        shown,
        raw.code,
        '',
        'E_NOT_FOUND',
        `${argv[0]} was not found on PATH; expected it installed (${installHint(argv[0])}).`,
      );
    }
    if (raw.timedOut) {
      throw new CommandError(
        shown,
        raw.code,
        result.stderr,
        'E_TIMEOUT',
        `\`${shown.join(' ')}\` did not finish within ${Math.round(timeoutMs / 1000)} s.`,
      );
    }
    if (opts.okCodes !== 'any' && !(opts.okCodes ?? [0]).includes(raw.code))
      throw new CommandError(shown, raw.code, result.stderr, 'E_COMMAND', undefined, result.stdout);
    return result;
  }
}

const HINTS: Record<string, string> = {
  kubectl: 'https://kubernetes.io/docs/tasks/tools/ , e.g. `apt install kubectl` or `brew install kubectl`',
  ssh: 'the openssh client, e.g. `apt install openssh-client`',
  tailscale: 'https://tailscale.com/download',
  curl: 'e.g. `apt install curl`',
};

export function installHint(tool: string): string {
  return HINTS[tool] ?? `install ${tool} and put it on PATH`;
}

/**
 * A command as a person would type it, for plans and dry-run listings (display only, never executed).
 * `stdinShown`: whether the caller prints the stdin under this line; the line says "(shown below)" only then.
 */
export function formatCommand(
  call: Pick<RecordedCall, 'argv' | 'stdin' | 'env'>,
  o: { stdinShown?: boolean } = {},
): string {
  const q = (a: string) => (/^[\w/.\-@:=,+%]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  const env = Object.entries(call.env ?? {})
    .map(([k, v]) => `${k}=${q(v)} `)
    .join('');
  const line = env + call.argv.map(q).join(' ');
  if (call.stdin === undefined) return line;
  if (/^\[secret /.test(call.stdin)) return `${line}  < ${call.stdin}`;
  const lines = call.stdin.replace(/\n$/, '').split('\n').length;
  return `${line}  < stdin (${o.stdinShown === false ? `${lines} line${lines === 1 ? '' : 's'}; --dry-run shows it` : 'shown below'})`;
}
