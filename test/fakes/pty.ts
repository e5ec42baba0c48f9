/**
 * Runs a runbook in a real pseudo-terminal, as an operator's terminal runs it: util-linux `script`
 * (https://man7.org/linux/man-pages/man1/script.1.html) gives the runbook a pty for stdin and stdout, so
 * isTTY is true the way the kernel says so (no AVALANCHE_TTY), and the answers typed are fed to the pty.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { makeFakeEnv, ROOT, type FakeCall, type Scenario } from './run-runbook.ts';

export const SCRIPT = '/usr/bin/script';

export interface PtyResult {
  code: number | null;
  /** Everything the terminal showed (stdout and stderr together, and the echoed answers). */
  output: string;
  calls: FakeCall[];
}

const q = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;

/**
 * `answers`: each text is typed once its question shows on the terminal (in order), as a person answers;
 * typing ahead would hide a prompt that no longer reads its input.
 */
export async function runInPty(
  name: string,
  args: string[],
  o: { scenario: Scenario; env?: Record<string, string>; answers: Array<[RegExp, string]>; timeoutMs?: number },
): Promise<PtyResult> {
  if (!existsSync(SCRIPT))
    throw new Error(
      `${SCRIPT} is missing: the terminal tests need util-linux's script (Debian: apt-get install bsdutils)`,
    );
  const fake = makeFakeEnv(o.scenario);
  try {
    const command = [join(ROOT, 'node_modules/.bin/zx'), join(ROOT, `runbooks/${name}.mjs`), ...args].map(q).join(' ');
    // -q quiet, -e the command's exit status, -f flush each write, -c the command; the typescript to /dev/null.
    const child = spawn(SCRIPT, ['-qefc', command, '/dev/null'], {
      cwd: ROOT,
      env: { ...fake.env, SHELL: '/bin/sh', TERM: 'dumb', ...o.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    let next = 0;
    let from = 0;
    const onData = (d: Buffer) => {
      output += d;
      const pending = o.answers[next];
      const m = pending?.[0].exec(output.slice(from));
      if (pending && m) {
        from += m.index + m[0].length;
        next += 1;
        child.stdin.write(pending[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 60_000);
    const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    clearTimeout(timer);
    child.stdin.end();
    return { code, output: output.replace(/\r\n/g, '\n'), calls: fake.calls() };
  } finally {
    fake.cleanup();
  }
}
