import { describe, expect, test } from 'vitest';
import { CommandError, CommandRunner, formatCommand, realExec } from '../../src/lib/core/exec.ts';
import { Redactor, Secret } from '../../src/lib/core/secrets.ts';

const node = process.execPath;
const env = { PATH: process.env.PATH ?? '' };

describe('realExec()', () => {
  test('passes an argument array without shell interpretation', async () => {
    const tricky = ['$(echo pwned)', "it's", 'a b', '`x`', '*', '\n'];
    const r = await realExec([node, '-e', 'console.log(JSON.stringify(process.argv.slice(1)))', ...tricky], {
      timeoutMs: 10_000,
      env,
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(tricky);
  });
  test('feeds input on stdin, and /dev/null when there is none', async () => {
    const cat = [node, '-e', 'process.stdin.pipe(process.stdout)'];
    expect((await realExec(cat, { input: 'secret-on-stdin', timeoutMs: 10_000, env })).stdout).toBe('secret-on-stdin');
    expect((await realExec(cat, { timeoutMs: 10_000, env })).stdout).toBe('');
  });
  test('reports a timeout and kills the command', async () => {
    const t0 = Date.now();
    const r = await realExec([node, '-e', 'setTimeout(() => {}, 20000)'], { timeoutMs: 300, env });
    expect(r.timedOut).toBe(true);
    expect(Date.now() - t0).toBeLessThan(5000);
  });
  test('reports a command that is not on PATH', async () => {
    const r = await realExec(['surely-not-a-command-xyz', 'a'], { timeoutMs: 10_000, env });
    expect(r.notFound).toBe(true);
  });
  test('does not call a program missing when only a command it ran is missing (ssh exits 127 for the remote side)', async () => {
    const r = await realExec(['bash', '-c', 'echo "bash: line 1: tailscale: command not found" >&2; exit 127'], {
      timeoutMs: 10_000,
      env,
    });
    expect(r.code).toBe(127);
    expect(r.notFound).toBe(false);
  });
});

describe('CommandRunner.childEnv()', () => {
  test('keeps withheld variables and loaded secret values out of child processes', async () => {
    const redactor = new Redactor();
    redactor.add('loaded-secret-value-123', '[secret X]');
    const runner = new CommandRunner({
      env: {
        PATH: env.PATH,
        TAILSCALE_API_KEY: 'tskey-api-fake',
        PROTONVPN_WG_KEY_ICELAND: 'k',
        OTHER: 'loaded-secret-value-123',
        HOME: '/root',
      },
      redactor,
    });
    runner.withhold(/^TAILSCALE_API_KEY$/);
    runner.withhold(/^PROTONVPN_WG_KEY_[A-Z0-9_]+$/);
    const r = await runner.run([node, '-e', 'console.log(Object.keys(process.env).sort().join(","))']);
    const names = r.stdout.trim().split(',');
    expect(names).toContain('HOME');
    expect(names).not.toContain('TAILSCALE_API_KEY');
    expect(names).not.toContain('PROTONVPN_WG_KEY_ICELAND');
    expect(names).not.toContain('OTHER');
  });
});

describe('CommandRunner.run()', () => {
  const fakeExec = (
    answers: Record<
      string,
      { code?: number; stdout?: string; stderr?: string; timedOut?: boolean; notFound?: boolean }
    >,
  ) => {
    const seen: Array<{ argv: string[]; input?: string }> = [];
    const exec = async (argv: string[], o: { input?: string }) => {
      seen.push({ argv, input: o.input });
      const a = answers[argv.join(' ')] ?? {};
      return {
        code: a.code ?? 0,
        stdout: a.stdout ?? '',
        stderr: a.stderr ?? '',
        timedOut: a.timedOut,
        notFound: a.notFound,
      };
    };
    return { exec, seen };
  };

  test('records every call with its mode and the step', async () => {
    const { exec } = fakeExec({});
    const r = new CommandRunner({ exec, env: {} });
    r.step = 'preflight';
    await r.run(['kubectl', 'get', 'ns']);
    expect(r.calls).toEqual([
      {
        step: 'preflight',
        argv: ['kubectl', 'get', 'ns'],
        mode: 'read',
        ran: true,
        code: 0,
        durationMs: expect.any(Number),
        timeoutMs: 30_000,
      },
    ]);
  });

  test.each([
    ['none', { read: false, check: false, write: false }],
    ['read-only', { read: true, check: true, write: false }],
    ['all', { read: true, check: true, write: true }],
  ] as const)('under policy %s runs exactly %o, returning `assume` for the rest', async (policy, expected) => {
    const { exec, seen } = fakeExec({
      'x read': { stdout: 'real' },
      'x check': { stdout: 'real' },
      'x write': { stdout: 'real' },
    });
    const r = new CommandRunner({ exec, env: {}, policy });
    for (const mode of ['read', 'check', 'write'] as const) {
      const res = await r.run(['x', mode], { mode, assume: 'assumed' });
      expect(res.ran).toBe(expected[mode]);
      expect(res.stdout).toBe(expected[mode] ? 'real' : 'assumed');
    }
    expect(seen.map((s) => s.argv[1])).toEqual(
      Object.entries(expected)
        .filter(([, v]) => v)
        .map(([k]) => k),
    );
    expect(r.calls.map((c) => c.ran)).toEqual(Object.values(expected));
  });

  test('throws CommandError with the exit code and the end of stderr, unless the code is in okCodes', async () => {
    const { exec } = fakeExec({
      'kubectl diff': { code: 1, stdout: 'diff' },
      'kubectl apply': { code: 1, stderr: 'line1\nerror: rejected' },
    });
    const r = new CommandRunner({ exec, env: {} });
    expect((await r.run(['kubectl', 'diff'], { okCodes: [0, 1] })).code).toBe(1);
    const err = await r.run(['kubectl', 'apply'], { mode: 'write' }).catch((e) => e);
    expect(err).toBeInstanceOf(CommandError);
    expect(err.message).toBe('`kubectl apply` exited 1: line1 | error: rejected');
  });

  test.each([
    [
      'E_NOT_FOUND',
      { notFound: true, code: 127 },
      /kubectl was not found on PATH; expected it installed \(https:\/\/kubernetes\.io/,
    ],
    ['E_TIMEOUT', { timedOut: true, code: 143 }, /did not finish within 2 s/],
  ])('throws %s', async (code, answer, message) => {
    const { exec } = fakeExec({ 'kubectl rollout': answer });
    const err = await new CommandRunner({ exec, env: {} })
      .run(['kubectl', 'rollout'], { timeoutMs: 2000 })
      .catch((e) => e);
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
  });

  test('passes a Secret on stdin only, records it as [secret NAME], and redacts it from output', async () => {
    const redactor = new Redactor();
    const secret = new Secret('wg', 'very-secret-value', '$WG');
    redactor.add(secret.reveal(), '[secret WG]');
    const { exec, seen } = fakeExec({
      'kubectl apply -f -': { stdout: 'echo very-secret-value', stderr: 'very-secret-value' },
    });
    const r = new CommandRunner({ exec, env: {}, redactor });
    const res = await r.run(['kubectl', 'apply', '-f', '-'], { mode: 'write', input: secret });
    expect(seen[0].input).toBe('very-secret-value');
    expect(r.calls[0].stdin).toBe('[secret wg]');
    expect(res.stdout).toBe('echo [secret WG]');
    expect(JSON.stringify(r.calls)).not.toContain('very-secret-value');
  });

  test('refuses to run a command with a registered secret in its arguments, without running it', async () => {
    const redactor = new Redactor();
    redactor.add('very-secret-value', '[secret WG]');
    const { exec, seen } = fakeExec({});
    const err = await new CommandRunner({ exec, env: {}, redactor })
      .run(['curl', '-H', 'X-API-Key: very-secret-value'])
      .catch((e) => e);
    expect(err.code).toBe('E_SECRET_IN_ARGV');
    expect(err.message).not.toContain('very-secret-value');
    expect(seen).toEqual([]);
  });
});

describe('formatCommand()', () => {
  test('quotes arguments for display and notes stdin', () => {
    expect(formatCommand({ argv: ['kubectl', 'exec', '--', 'sh', '-c', "read -r k; echo 'x'"] })).toBe(
      `kubectl exec -- sh -c 'read -r k; echo '\\''x'\\'''`,
    );
    expect(formatCommand({ argv: ['kubectl', 'apply', '-f', '-'], stdin: '[secret wg]' })).toBe(
      'kubectl apply -f -  < [secret wg]',
    );
  });
});
