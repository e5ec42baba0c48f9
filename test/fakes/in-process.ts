/**
 * Runs a runbook in the test's own process, through the harness's real entry (runMain) with the fake
 * tools as an injected Exec: the same scenarios, the same rule matching and the same call log as the
 * bash fakes (fake-server.ts answers both), without starting Node, zx and a shell per call. A run takes
 * milliseconds instead of ~1.5 s. What it cannot prove (the real entry file, zx, argv parsing by the
 * shell, exit codes of a process, stdin pipes, signals) the subprocess smoke tests prove
 * (`runRunbook(..., { subprocess: true })`).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import type { Exec, RawResult } from '../../src/lib/core/exec.ts';
import { runMain } from '../../src/lib/harness/main.ts';
import type { RunbookDecl, RunbookDefinition } from '../../src/lib/harness/types.ts';
import { answerText, callFake } from './fake-server.ts';
import type { FakeEnv, RunOptions, RunResult } from './run-runbook.ts';

const loaded = new Map<string, RunbookDefinition | RunbookDecl>();

/** The runbook module of `runbooks/<name>/index.ts`, or of a fixture's `<path>.mjs` -> `<path>/index.ts`. */
async function loadRunbook(root: string, name: string): Promise<RunbookDefinition | RunbookDecl> {
  const file = name.includes('/')
    ? resolve(root, name.replace(/\.mjs$/, ''), 'index.ts')
    : join(root, 'runbooks', name, 'index.ts');
  if (!loaded.has(file)) {
    if (!existsSync(file)) throw new Error(`runRunbook: no runbook module at ${file}`);
    loaded.set(file, (await import(pathToFileURL(file).href)).default);
  }
  return loaded.get(file)!;
}

/** Splits `pass show a/b` the way sh would for the simple commands tests give to `<VAR>_COMMAND`. */
function shellWords(command: string): string[] {
  if (/[|&;<>()$`\\"]/.test(command))
    throw new Error(`in-process fakes run only simple commands under sh -c, not: ${command}`);
  return [...command.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

/**
 * Waits a runbook may ask for longer than a minute, because the operator set them (--rollout-timeout) or a
 * build takes that long. Any other call allowed more than 60 s breaks the harness's promise that a hung tool
 * fails the run within a minute (README, "What the harness guarantees"): every in-process scenario checks it.
 */
const DECLARED_WAITS = [/\brollout status\b/, /\brun build\b/];
export const CALL_LIMIT_MS = 60_000;

/** An Exec that answers from the fake env's scenario, as fake-tool.sh would (not found, delays, timeouts). */
export function fakeExec(fake: FakeEnv, scale = 1): Exec {
  return async (argv, { input, timeoutMs, env, signal }): Promise<RawResult> => {
    if (timeoutMs > CALL_LIMIT_MS * scale && !DECLARED_WAITS.some((re) => re.test(argv.join(' ')))) {
      throw new Error(
        `\`${argv.join(' ')}\` was allowed ${Math.round(timeoutMs / scale / 1000)} s; every call must end within ${CALL_LIMIT_MS / 1000} s unless it is a declared wait`,
      );
    }
    // `sh -c '<command>'` (a secret's _COMMAND): sh is a real system tool in the subprocess runs; the
    // command it starts is what the scenario fakes.
    const call =
      (argv[0] === 'sh' || argv[0] === 'bash') && argv[1] === '-c' && argv.length === 3 ? shellWords(argv[2]!) : argv;
    const [tool, ...args] = call as [string, ...string[]];
    if (!existsSync(join(fake.bin, tool))) {
      return { code: 127, stdout: '', stderr: `bash: line 1: ${tool}: command not found\n`, notFound: true };
    }
    const answer = callFake(fake.id, tool, args, Object.keys(env), input ?? '');
    const delay = answer.delayMs ?? 0;
    const sleep = (ms: number) =>
      new Promise<boolean>((r) => {
        const t = setTimeout(() => r(true), ms);
        signal?.addEventListener('abort', () => (clearTimeout(t), r(false)), { once: true });
      });
    if (delay >= timeoutMs) {
      await sleep(timeoutMs);
      return { code: 143, stdout: '', stderr: '', timedOut: !signal?.aborted };
    }
    if (delay && !(await sleep(delay))) return { code: 143, stdout: '', stderr: '' };
    return { code: answer.code ?? 0, stdout: answerText(answer.stdout), stderr: answerText(answer.stderr) };
  };
}

export async function runInProcess(
  root: string,
  name: string,
  args: string[],
  fake: FakeEnv,
  opts: RunOptions,
): Promise<Omit<RunResult, 'calls' | 'durationMs'>> {
  const runbook = await loadRunbook(root, name);
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  stdin.end(opts.input ?? '');
  const env = { ...fake.env, AVALANCHE_TTY: opts.tty ? '1' : '0', ...opts.env };
  const code = await runMain(runbook, {
    argv: args,
    env,
    stdin,
    stdout,
    stderr,
    isTTY: Boolean(opts.tty),
    exec: fakeExec(fake, opts.timeScale),
    timeScale: opts.timeScale,
  });
  return { code, stdout: out, stderr: err };
}
