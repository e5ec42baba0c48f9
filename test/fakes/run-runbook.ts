/**
 * Test helpers around fake-tool.sh and fake-server.ts: a temp bin dir holding only the fakes a test
 * asks for plus the few system programs a runbook legitimately needs (node, bash, sh, ps), so nothing
 * else on the machine (a real kubectl, ssh or curl) can be reached by accident. See test/fakes/README.md.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fakeServerPort, registerFake, unregisterFake } from './fake-server.ts';
import { runInProcess } from './in-process.ts';
import { BUNDLE_ENV } from './runbook-bundle.ts';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const FAKE = join(ROOT, 'test/fakes/fake-tool.sh');
// One server per test process answers every fake call (fake-server.ts).
const FAKE_PORT = await fakeServerPort();

export interface Answer {
  /** A string is written as is; anything else as pretty JSON plus a newline (kubectl -o json style). */
  stdout?: unknown;
  stderr?: unknown;
  code?: number;
  delayMs?: number;
}
export interface Rule extends Answer {
  tool?: string;
  /** Each element must equal one argument, or match one as "/regex/flags"; order does not matter. */
  match?: string[];
  /** "/regex/" tested against all arguments joined by spaces. */
  argv?: string;
  /** None of these may match any argument. */
  not?: string[];
  /** Exact text or "/regex/" the stdin must match. */
  stdin?: string;
  /** The n-th matching call gets responses[n]; the last one repeats. */
  responses?: Answer[];
}
export interface Scenario {
  rules: Rule[];
  /** Answer when no rule matches (default: exit 97 with a message naming the unmatched call). */
  default?: Answer;
}
export interface FakeCall {
  tool: string;
  argv: string[];
  stdin: string;
  /** Names only (values are never recorded). */
  env: string[];
  /** Index of the matching rule, -1 for none. */
  rule: number;
}

export interface FakeEnv {
  /** The fake server's id of this env (in-process calls use it directly). */
  id: string;
  dir: string;
  bin: string;
  /**
   * The environment to run under: PATH (fakes first, then only node/bash/sh/ps), HOME, FAKE_LOG, and where the fakes
   * reach the server (FAKE_PORT, FAKE_ID, FAKE_DIR).
   */
  env: Record<string, string>;
  calls(): FakeCall[];
  setScenario(s: Scenario): void;
  cleanup(): void;
}

const SYSTEM_TOOLS = ['bash', 'sh', 'ps', 'env', 'cat'];

/** Creates a temp dir with fakes for `tools` (default: every tool a rule names) and a log. */
export function makeFakeEnv(scenario: Scenario, tools?: string[]): FakeEnv {
  const dir = mkdtempSync(join(tmpdir(), 'avalanche-fakes-'));
  const bin = join(dir, 'bin');
  const sys = join(dir, 'sys');
  mkdirSync(bin);
  mkdirSync(sys);
  for (const t of new Set(tools ?? scenario.rules.map((r) => r.tool).filter((t): t is string => Boolean(t))))
    symlinkSync(FAKE, join(bin, t));
  symlinkSync(process.execPath, join(sys, 'node'));
  for (const t of SYSTEM_TOOLS) {
    const found = ['/usr/bin', '/bin'].map((d) => join(d, t)).find((p) => existsSync(p));
    if (found) symlinkSync(found, join(sys, t));
  }
  const log = join(dir, 'calls.jsonl');
  const io = join(dir, 'io');
  mkdirSync(io);
  writeFileSync(log, '');
  const { id, state } = registerFake({ scenario, io, log });
  const fake: FakeEnv = {
    id,
    dir,
    bin,
    env: {
      PATH: `${bin}:${sys}`,
      HOME: join(dir, 'home'),
      FAKE_LOG: log,
      FAKE_PORT: String(FAKE_PORT),
      FAKE_ID: id,
      FAKE_DIR: io,
      LANG: 'C.UTF-8',
      // The frozen bundle (test/fixtures/runbook-bundle): the scenarios' recorded answers name its regions,
      // hosts and objects, so a change to the bundled network never breaks them. A test may point elsewhere.
      ...BUNDLE_ENV,
    },
    calls: () => state.calls.map((c) => ({ ...c })),
    setScenario: (s) => {
      state.scenario = s;
    },
    cleanup: () => {
      unregisterFake(id);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  fake.setScenario(scenario);
  return fake;
}

export interface RunOptions {
  scenario?: Scenario;
  /** Extra environment (secrets for the test, AVALANCHE_* settings). */
  env?: Record<string, string>;
  /** Run as if interactive (AVALANCHE_TTY=1); answers to prompts come from `input`. Default false. */
  tty?: boolean;
  input?: string;
  /** Which fakes exist (default: every tool a scenario rule names). [] = none, e.g. "kubectl missing". */
  tools?: string[];
  /** Reuse a fake env (second run against the same log); it is not cleaned up then. */
  fake?: FakeEnv;
  timeoutMs?: number;
  /**
   * Run as a real subprocess (`zx runbooks/<name>.mjs`, the bash fakes first on PATH) instead of in this
   * process through runMain with the fakes injected (the default; see in-process.ts). For the few smoke
   * tests per runbook that prove the real entry, argument parsing, exit codes and secrets on stdin.
   */
  subprocess?: boolean;
  /** Subprocess only: the directory to start it in (default the repository root). */
  cwd?: string;
  /**
   * In-process only: multiplies every command and HTTP timeout (runMain's timeScale), so a hung tool can be
   * played in milliseconds; messages still name the real seconds.
   */
  timeScale?: number;
  /** Subprocess only: send `signal` (default SIGINT, as Ctrl-C does) once the output matches `when`. */
  interrupt?: { when: RegExp; signal?: NodeJS.Signals };
}
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  calls: FakeCall[];
  durationMs: number;
}

/**
 * Runs runbooks/<name> against the fakes: in this process through runMain (default), or with
 * `subprocess: true` as `node_modules/.bin/zx runbooks/<name>.mjs ...args` with the fakes first on PATH.
 * A `name` containing "/" is a path from the repository root (test fixtures).
 */
export async function runRunbook(name: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const fake = opts.fake ?? makeFakeEnv(opts.scenario ?? { rules: [] }, opts.tools);
  if (opts.fake && opts.scenario) fake.setScenario(opts.scenario);
  const started = Date.now();
  if (!opts.subprocess) {
    try {
      const r = await runInProcess(ROOT, name, args, fake, opts);
      return { ...r, calls: fake.calls(), durationMs: Date.now() - started };
    } finally {
      if (!opts.fake) fake.cleanup();
    }
  }
  try {
    const child = spawn(
      join(ROOT, 'node_modules/.bin/zx'),
      [join(ROOT, name.includes('/') ? name : `runbooks/${name}.mjs`), ...args],
      {
        cwd: opts.cwd ?? ROOT,
        env: { ...fake.env, AVALANCHE_TTY: opts.tty ? '1' : '0', ...opts.env },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    let sent = false;
    const watch = () => {
      if (opts.interrupt && !sent && opts.interrupt.when.test(stdout + stderr)) {
        sent = true;
        child.kill(opts.interrupt.signal ?? 'SIGINT');
      }
    };
    child.stdout.on('data', (d) => ((stdout += d), watch()));
    child.stderr.on('data', (d) => ((stderr += d), watch()));
    child.stdin.end(opts.input ?? '');
    // Generous: the fakes are quick, but a loaded CI machine (2 shared cores) can make each node start slow.
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 90_000);
    const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    clearTimeout(timer);
    return { code, stdout, stderr, calls: fake.calls(), durationMs: Date.now() - started };
  } finally {
    if (!opts.fake) fake.cleanup();
  }
}
