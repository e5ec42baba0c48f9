import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { makeFakeEnv, type FakeEnv, type Scenario } from './run-runbook.ts';

let fake: FakeEnv | undefined;
afterEach(() => {
  fake?.cleanup();
  fake = undefined;
});

function call(scenario: Scenario, tool: string, args: string[], input = '', tools?: string[]) {
  fake ??= makeFakeEnv(scenario, tools);
  const r = spawnSync(join(fake.bin, tool), args, { env: { ...fake.env, SOME_SECRET: 'value-not-recorded' }, input, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('fake-tool.mjs', () => {
  test('answers the first matching rule; JSON stdout is pretty-printed; records argv, stdin and env names only', () => {
    const s: Scenario = { rules: [{ tool: 'kubectl', match: ['get', '/^pods?$/'], stdout: { items: [] } }, { tool: 'kubectl', match: ['get'], stdout: 'other\n' }] };
    expect(call(s, 'kubectl', ['get', 'pod', '-o', 'json'], 'in')).toEqual({ code: 0, stdout: '{\n  "items": []\n}\n', stderr: '' });
    expect(call(s, 'kubectl', ['get', 'svc']).stdout).toBe('other\n');
    const [first] = fake!.calls();
    expect(first).toMatchObject({ tool: 'kubectl', argv: ['get', 'pod', '-o', 'json'], stdin: 'in', rule: 0 });
    expect(first.env).toContain('SOME_SECRET');
    expect(JSON.stringify(fake!.calls())).not.toContain('value-not-recorded');
  });
  test('plays `responses` in order, repeating the last (first call fails, then succeeds)', () => {
    const s: Scenario = { rules: [{ tool: 'curl', match: ['-sS'], responses: [{ code: 7, stderr: 'refused' }, { stdout: '1.2.3.4' }] }] };
    expect(call(s, 'curl', ['-sS']).code).toBe(7);
    expect(call(s, 'curl', ['-sS']).stdout).toBe('1.2.3.4');
    expect(call(s, 'curl', ['-sS']).stdout).toBe('1.2.3.4');
  });
  test('matches on joined argv, excluded arguments and stdin', () => {
    const s: Scenario = {
      rules: [
        { tool: 'ssh', argv: '/tailscale set/', not: ['--advertise-exit-node=true'], stdin: '/^$/', stdout: 'ok' },
        { tool: 'ssh', stdout: 'fallback' },
      ],
    };
    expect(call(s, 'ssh', ['routy', 'tailscale', 'set', '--advertise-exit-node=false']).stdout).toBe('ok');
    expect(call(s, 'ssh', ['routy', 'tailscale', 'set', '--advertise-exit-node=true']).stdout).toBe('fallback');
    expect(call(s, 'ssh', ['routy', 'tailscale', 'set'], 'x').stdout).toBe('fallback');
  });
  test('an unmatched call exits 97 naming it, so a test sees the surprise', () => {
    const r = call({ rules: [{ tool: 'tailscale', match: ['status'] }] }, 'tailscale', ['up']);
    expect(r.code).toBe(97);
    expect(r.stderr).toBe('fake tailscale: no rule in the scenario matches: tailscale up\n');
  });
  test('honours delayMs', () => {
    const t0 = Date.now();
    call({ rules: [{ tool: 'kubectl', delayMs: 300 }] }, 'kubectl', []);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
  });
  test('the PATH holds only the fakes asked for and node/bash/sh: no real kubectl, ssh or curl', () => {
    fake = makeFakeEnv({ rules: [] }, ['tailscale']);
    const which = (t: string) => spawnSync('bash', ['-c', `command -v ${t}`], { env: fake!.env, encoding: 'utf8' }).stdout.trim();
    expect(which('tailscale')).toBe(join(fake.bin, 'tailscale'));
    expect(which('node')).not.toBe('');
    for (const t of ['kubectl', 'ssh', 'curl', 'wget']) expect(which(t)).toBe('');
  });
});
