import { Readable, Writable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import type { Exec } from '../../src/lib/core/exec.ts';
import { defineRunbook, helpJson, runMain, type Report } from '../../src/lib/harness/index.ts';
import { runbook } from '../fixtures/runbooks/demo-runbook/index.ts';
import { runRunbook } from '../fakes/run-runbook.ts';

const SECRET = 'demo-secret-value-1234';

function sink() {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      text += chunk;
      cb();
    },
  });
  return { stream, text: () => text };
}

type Answer = { code?: number; stdout?: string; stderr?: string };
const HAPPY: Record<string, Answer> = {
  'kubectl diff -f -': { code: 1, stdout: '+ kind: ConfigMap' },
  'kubectl get demo -o json': { stdout: '{"ok":true}' },
};

async function run(
  argv: string[],
  o: { answers?: Record<string, Answer>; env?: Record<string, string>; isTTY?: boolean; input?: string } = {},
) {
  const out = sink();
  const err = sink();
  const seen: Array<{ argv: string[]; input?: string }> = [];
  const answers = { ...HAPPY, ...o.answers };
  const exec: Exec = async (cmd, opts) => {
    seen.push({ argv: cmd, input: opts.input });
    const a = answers[cmd.join(' ')] ?? {};
    return { code: a.code ?? 0, stdout: a.stdout ?? '', stderr: a.stderr ?? '' };
  };
  const code = await runMain(runbook, {
    argv,
    env: o.env ?? { DEMO_KEY: SECRET },
    stdin: Readable.from([o.input ?? '']),
    stdout: out.stream,
    stderr: err.stream,
    isTTY: o.isTTY ?? false,
    exec,
  });
  return {
    code,
    stdout: out.text(),
    stderr: err.text(),
    seen,
    writes: seen.filter((s) => /apply|delete/.test(s.argv[1])),
  };
}
const report = (stdout: string) => JSON.parse(stdout) as Report;

describe('defineRunbook()', () => {
  const step = { id: 'a', title: 'A', run() {} };
  test.each([
    [
      'steps out of the contract order',
      [
        { ...step, kind: 'verify' },
        { ...step, id: 'b', kind: 'preflight' },
      ],
      /comes after a verify step/,
    ],
    ['an unknown kind', [{ ...step, kind: 'deploy' }], /unknown kind "deploy"/],
    ['an apply step without changes and undo', [{ ...step, kind: 'apply' }], /must declare changes and undo/],
    [
      'duplicate ids',
      [
        { ...step, kind: 'config' },
        { ...step, kind: 'config' },
      ],
      /duplicate step id "a"/,
    ],
  ])('throws for %s', (_, steps, message) => {
    expect(() =>
      defineRunbook({ name: 'x', title: 'X', summary: '', purpose: '', prerequisites: [], steps: steps as never }),
    ).toThrow(message);
  });
});

describe('runMain() --help', () => {
  test('explains purpose, prerequisites, flags, steps with changes and undo, and exit codes', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    for (const text of [
      runbook.purpose,
      'a fake kubectl on PATH',
      '--region VALUE ...',
      '--dry-run client|server',
      '--rollback',
      '[apply] Apply',
      'changes: Creates the demo object.',
      'undo: kubectl delete the demo object.',
      '2  Bad input',
    ]) {
      expect(r.stdout).toContain(text);
    }
    expect(r.seen).toEqual([]);
  });
  test('--help --json is the declaration as data (what the docs pages render)', async () => {
    const r = await run(['--help', '--json']);
    expect(JSON.parse(r.stdout)).toEqual(helpJson(runbook));
    const h = helpJson(runbook);
    expect(h.steps.map((s) => s.kind)).toEqual([
      'config',
      'preflight',
      'plan',
      'confirm',
      'apply',
      'verify',
      'summary',
    ]);
    expect(h.steps[4]).toEqual({
      id: 'apply',
      title: 'Apply',
      kind: 'apply',
      changes: 'Creates the demo object.',
      undo: 'kubectl delete the demo object.',
    });
    expect(h.flags.map((f) => f.name)).toEqual([
      'region',
      'fail-at',
      'help',
      'dry-run',
      'yes',
      'json',
      'context',
      'report-dir',
      'rollback',
    ]);
    expect(h.secrets).toEqual([
      { env: 'DEMO_KEY', description: 'A demo secret.', alsoAccepted: ['DEMO_KEY_FILE', 'DEMO_KEY_COMMAND'] },
    ]);
    expect(Object.keys(h.exitCodes)).toEqual(['0', '1', '2', '130']);
    expect(h.command).toBe('npx zx runbooks/demo-runbook.mjs');
  });
});

describe('--context only where kubectl is driven', () => {
  test('a runbook that does not declare kubectl has no --context in its help, and refuses one as unknown (exit 2)', async () => {
    const noKube = defineRunbook({ ...runbook, kubectl: undefined });
    expect(helpJson(noKube).flags.map((f) => f.name)).not.toContain('context');
    const err = sink();
    const code = await runMain(noKube, {
      argv: ['--context', 'other', '--dry-run'],
      env: {},
      stdin: Readable.from(['']),
      stdout: sink().stream,
      stderr: err.stream,
      isTTY: false,
      exec: async () => ({ code: 0, stdout: '', stderr: '' }),
    });
    expect(code).toBe(2);
    expect(err.text()).toMatch(/--context: unknown flag for demo-runbook/);
  });
});

describe('runMain() bad input', () => {
  test.each([
    [['--regoin', 'iceland'], /--regoin: unknown flag for demo-runbook; .*\(did you mean --region\?\)/],
    [['--region', 'paris'], /--region paris: unknown value; expected one of iceland, netherlands\. Nothing was run\./],
    [['--dry-run=maybe'], /expected --dry-run \(client, runs nothing\) or --dry-run=server/],
    [['extra'], /Unexpected argument 'extra'/],
    [
      ['--region', ''],
      /--region: empty value \(""\); expected one of iceland, netherlands, each item non-empty\. An empty value is never taken as the default: name the value you mean/,
    ],
    [['--region', 'iceland,'], /--region: empty value \("iceland,"\)/],
    [['--fail-at', '  '], /--fail-at: empty value/],
  ])('%j exits 2 with one line on stderr before any command runs', async (argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.seen).toEqual([]);
  });
});

describe('runMain() --dry-run', () => {
  test('runs no command at all and lists every command, the stdin manifests and what would change', async () => {
    const r = await run(['--dry-run'], { env: {} });
    expect(r.code).toBe(0);
    expect(r.seen).toEqual([]);
    expect(r.stdout).toContain('$ kubectl version --client -o json');
    expect(r.stdout).toContain('$ kubectl diff -f -  < stdin (shown below)\n          kind: ConfigMap');
    expect(r.stdout).toContain('$ kubectl apply -f -');
    expect(r.stdout).toContain('· would check: demo object is ok');
    expect(r.stdout).toContain('Would change (1):\n  ~ demo object created');
  });
  test('--dry-run=server runs the read-only commands only and does not verify what it did not apply', async () => {
    const r = await run(['--dry-run=server']);
    expect(r.code).toBe(0);
    expect(r.seen.map((s) => s.argv.join(' '))).toEqual(['kubectl version --client -o json', 'kubectl diff -f -']);
    expect(r.stdout).toContain('$ kubectl apply -f -  < [secret demo key]   (not run: --dry-run=server)');
  });
});

describe('runMain() confirmation', () => {
  test('refuses without a TTY and without --yes (exit 2), having changed nothing', async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.writes).toEqual([]);
    expect(r.stderr).toMatch(
      /step "confirm" \(Confirm\) failed: expected a terminal to confirm in, or --yes; found no TTY and no --yes.*Next: run it in a terminal, or add --yes/,
    );
    expect(r.stdout).toContain('Nothing changed.');
  });
  test.each([
    ['y', 0, 1],
    ['n', 2, 0],
  ])('on a TTY, answer %s gives exit %i with %i write(s)', async (answer, code, writes) => {
    const r = await run([], { isTTY: true, input: `${answer}\n` });
    expect(r.code).toBe(code);
    expect(r.writes).toHaveLength(writes);
    expect(r.stdout).toContain('Apply? [y/N]');
  });
  test('skips confirm and apply when the plan finds nothing to change (second run), and still verifies', async () => {
    const r = await run([], { answers: { 'kubectl diff -f -': { code: 0 } } });
    expect(r.code).toBe(0);
    expect(r.writes).toEqual([]);
    expect(r.stdout).toContain('– skipped: nothing to change');
    expect(r.stdout).toContain('✓ demo object is ok');
    expect(r.stdout).toContain('Nothing changed.');
  });
});

describe('runMain() with --yes --json', () => {
  test('applies, verifies, and reports steps, durations, findings, changes and commands; the secret only on stdin', async () => {
    const r = await run(['--yes', '--json']);
    expect(r.code).toBe(0);
    expect(r.writes).toEqual([{ argv: ['kubectl', 'apply', '-f', '-'], input: SECRET }]);
    const rep = report(r.stdout);
    expect(rep).toMatchObject({
      schema: 'avalanche-runbook-report/v1',
      runbook: 'demo-runbook',
      status: 'ok',
      exitCode: 0,
      dryRun: false,
      facts: { demo: 'verified' },
    });
    expect(rep.steps.map((s) => [s.id, s.status])).toEqual([
      ['config', 'ok'],
      ['preflight', 'ok'],
      ['plan', 'ok'],
      ['confirm', 'ok'],
      ['apply', 'ok'],
      ['verify', 'ok'],
      ['summary', 'ok'],
    ]);
    expect(rep.steps.every((s) => typeof s.durationMs === 'number')).toBe(true);
    expect(rep.steps[5].findings).toEqual([
      {
        check: 'demo object is ok',
        ok: true,
        expected: 'ok: true',
        found: '{"ok":true}',
      },
    ]);
    expect(rep.changes).toEqual([
      { step: 'apply', summary: 'demo object created', planned: false, status: 'done', rolledBack: false },
    ]);
    expect(rep.commands.find((c) => c.argv[1] === 'apply')).toMatchObject({
      stdin: '[secret demo key]',
      mode: 'write',
      ran: true,
    });
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    expect(r.stderr).toContain('Changed (1):');
  });
  test('redacts the secret from command output that echoes it', async () => {
    const r = await run(['--yes', '--json'], {
      answers: { 'kubectl get demo -o json': { stdout: `{"ok":false,"leak":"${SECRET}"}` } },
    });
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    expect(r.stdout).toContain('[secret DEMO_KEY]');
  });
});

describe('runMain() failures', () => {
  test('a failed check fails its step with exit 1, naming the step, expected, found and next', async () => {
    const r = await run(['--yes'], { answers: { 'kubectl get demo -o json': { stdout: '{"ok":false}' } } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      '✗ demo-runbook: step "verify" (Verify) failed: expected demo object is ok: ok: true; found {"ok":false}. Next: look at the demo object',
    );
  });
  test('a passing check keeps what was found and drops `next`, the advice for a failure', async () => {
    const r = await run(['--yes', '--json']);
    expect(r.code).toBe(0);
    expect(report(r.stdout).steps.find((s) => s.id === 'verify')!.findings).toEqual([
      { check: 'demo object is ok', ok: true, expected: 'ok: true', found: '{"ok":true}' },
    ]);
  });
  test('a failure in config or preflight is a refusal (exit 2)', async () => {
    expect((await run(['--fail-at', 'config'])).code).toBe(2);
    const r = await run([], { env: {} });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/step "preflight" .*demo key: not found/);
  });
  test('a failure after a change says what changed and, with --yes, rolls it back', async () => {
    const r = await run(['--yes', '--json', '--fail-at', 'apply'], {
      answers: {
        'kubectl apply -f missing.yaml': { code: 1, stderr: 'error: the path "missing.yaml" does not exist' },
      },
    });
    expect(r.code).toBe(1);
    expect(r.seen.map((s) => s.argv.join(' '))).toContain('kubectl delete demo');
    expect(r.stderr).toContain('Changed before the failure:\n  + demo object created');
    expect(r.stderr).toContain('↶ rolled back: demo object created');
    expect(report(r.stdout).changes).toEqual([
      { step: 'apply', summary: 'demo object created', planned: false, status: 'done', rolledBack: true },
    ]);
    expect(report(r.stdout).error).toMatchObject({ step: 'apply', code: 'E_COMMAND' });
  });
  test('on a TTY the operator may decline the rollback; the way back is printed', async () => {
    const r = await run(['--fail-at', 'apply'], {
      isTTY: true,
      input: 'y\nn\n',
      answers: { 'kubectl apply -f missing.yaml': { code: 1 } },
    });
    expect(r.code).toBe(1);
    expect(r.seen.map((s) => s.argv.join(' '))).not.toContain('kubectl delete demo');
    expect(r.stdout).toContain('Left as is. To undo later: npx zx runbooks/demo-runbook.mjs --rollback');
  });
  test('the printed way back is the exact command: the flags that select what the run touched, --context, no secret', async () => {
    const failing = { answers: { 'kubectl apply -f missing.yaml': { code: 1 } }, isTTY: true, input: 'y\nn\n' };
    const r = await run(['--fail-at', 'apply', '--region', 'netherlands,iceland', '--context', 'lab'], failing);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      'Left as is. To undo later: npx zx runbooks/demo-runbook.mjs --rollback --region netherlands --region iceland --context lab',
    );
    // A value that is a secret is never printed, not even as a flag's value.
    const leaky = await run(['--fail-at', 'apply', '--context', SECRET], failing);
    expect(leaky.stdout).toContain('To undo later: npx zx runbooks/demo-runbook.mjs --rollback --region iceland\n');
    expect(leaky.stdout + leaky.stderr).not.toContain(SECRET);
  });
  test('an unexpected error becomes one line on stderr and exit 1', async () => {
    const broken = defineRunbook({
      ...runbook,
      name: 'broken',
      steps: [
        {
          id: 'c',
          title: 'C',
          kind: 'config',
          run: () => {
            throw new TypeError('boom');
          },
        },
      ],
    });
    const err = sink();
    const code = await runMain(broken, {
      argv: [],
      env: {},
      stdout: sink().stream,
      stderr: err.stream,
      isTTY: false,
      exec: async () => ({ code: 0, stdout: '', stderr: '' }),
    });
    expect(code).toBe(1);
    expect(err.text()).toBe('✗ broken: step "c" (C) failed: unexpected error: boom\n');
  });
});

describe('runMain() --rollback', () => {
  test('runs the rollback steps instead of the forward ones', async () => {
    const r = await run(['--rollback', '--yes']);
    expect(r.code).toBe(0);
    expect(r.seen.map((s) => s.argv.join(' '))).toEqual(['kubectl delete demo --ignore-not-found']);
    expect(r.stdout).toContain('ROLLBACK');
  });
});

describe('demo runbook as a subprocess (zx, fake kubectl on PATH)', () => {
  const scenario = {
    rules: [
      { tool: 'kubectl', match: ['version'], stdout: { clientVersion: { gitVersion: 'v1.33.1' } } },
      { tool: 'kubectl', match: ['diff'], code: 1, stdout: '+ kind: ConfigMap\n' },
      { tool: 'kubectl', match: ['apply'], stdout: 'configmap/demo serverside-applied\n' },
      { tool: 'kubectl', match: ['get', 'demo'], responses: [{ stdout: { ok: true } }] },
    ],
  };
  test('applies with the secret on stdin only; the fake recorded argv, stdin and env names', async () => {
    const r = await runRunbook('test/fixtures/runbooks/demo-runbook.mjs', ['--yes'], {
      scenario,
      env: { DEMO_KEY: SECRET },
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.calls.map((c) => c.argv.join(' '))).toEqual([
      'version --client -o json',
      'diff -f -',
      'apply -f -',
      'get demo -o json',
    ]);
    expect(r.calls[2].stdin).toBe(SECRET);
    // The declared secret's variable is withheld from every child process.
    expect(r.calls[2].env).not.toContain('DEMO_KEY');
    expect(r.calls[2].env).toContain('PATH');
    expect(JSON.stringify(r.calls.map((c) => [c.argv, c.env]))).not.toContain(SECRET);
    expect(r.stdout).not.toContain(SECRET);
  });
  test('kubectl missing from PATH: preflight refuses with exit 2 and says how to install it', async () => {
    const r = await runRunbook('test/fixtures/runbooks/demo-runbook.mjs', ['--yes'], {
      scenario,
      tools: [],
      env: { DEMO_KEY: SECRET },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/step "preflight" .*kubectl was not found on PATH; expected it installed/);
  });
  test('a Node older than 22.18 prints one line naming the Node needed and exits 2', async () => {
    const { spawnSync } = await import('node:child_process');
    const old = spawnSync('/usr/bin/node', ['--version'], { encoding: 'utf8' });
    expect(
      old.stdout,
      'this test needs an old Node at /usr/bin/node (Debian: apt install nodejs, which is v20)',
    ).toMatch(/^v(1\d|2[01]|22\.(\d|1[0-7]))\./);
    const r = spawnSync('/usr/bin/node', ['test/fixtures/runbooks/demo-runbook.mjs', '--dry-run'], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^demo-runbook: this runbook needs Node 22\.18\.0 or newer \(found 2\d\.\d+\.\d+\);.*\n$/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('defineRunbook() refuses a runbook that changes things unasked', () => {
  test('apply steps without a confirm step before them: a TypeError naming the steps', () => {
    const apply = { id: 'apply', kind: 'apply' as const, title: 'Apply', changes: 'c', undo: 'u', run() {} };
    expect(() =>
      defineRunbook({ name: 'x', title: 'X', summary: '', purpose: '', prerequisites: [], steps: [apply] }),
    ).toThrow(/steps change something \(apply steps "apply"\) but have no confirm step; add confirmStep\(\)/);
    expect(() =>
      defineRunbook({
        name: 'x',
        title: 'X',
        summary: '',
        purpose: '',
        prerequisites: [],
        steps: [{ id: 'c', kind: 'config', title: 'C', run() {} }],
        rollback: { summary: 's', steps: [apply] },
      }),
    ).toThrow(/rollback steps change something/);
  });
});
