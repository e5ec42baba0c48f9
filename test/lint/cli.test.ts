import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { RULES } from '../../src/lib/lint/index.ts';
import { DEFAULT_ROOT, listApps } from '../../src/lib/inventory/manifests.ts';
import { bundledCopy, type Fixture } from './fixture.ts';

const CLI = join(DEFAULT_ROOT, 'src/lib/lint/cli.ts');
const run = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: DEFAULT_ROOT, timeout: 30_000 });
const fixtures: Fixture[] = [];
afterEach(() => fixtures.splice(0).forEach((f) => f.cleanup()));

describe('npm run lint (src/lib/lint/cli.ts)', () => {
  test('exits 0 on the bundled manifests with a summary line and no finding', () => {
    const r = run();
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(
        `^lint ok: 0 error\\(s\\), 0 warning\\(s\\) in \\d+ files \\(\\d+ objects, ${listApps().length} apps\\), ${RULES.length} rules, \\d+ ms\\n$`,
      ),
    );
  });

  test('exits 1 and prints file:line: rule: message for each error', () => {
    const f = bundledCopy();
    fixtures.push(f);
    f.replace('manifests/vpn-proxy-iceland/deployment.yaml', 'name: SERVER_COUNTRIES', 'name: SERVER_COUNTRY');
    const r = run('--root', f.root);
    expect(r.status).toBe(1);
    const line =
      f
        .read('manifests/vpn-proxy-iceland/deployment.yaml')
        .split('\n')
        .findIndex((l) => l.includes('name: SERVER_COUNTRY')) + 1;
    expect(r.stdout).toContain(
      `manifests/vpn-proxy-iceland/deployment.yaml:${line}: gluetun/unknown-env: container gluetun: SERVER_COUNTRY is not a setting gluetun v3.41.1 reads, so it is silently ignored; did you mean SERVER_COUNTRIES?`,
    );
    // The unknown setting, the country it no longer sets, and inventory/generated: the file is generated.
    expect(r.stdout).toMatch(/^lint FAILED: 3 error\(s\)/m);
  });

  test('--json prints the findings and counts as JSON', () => {
    const r = run('--json');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      findings: [],
      errors: 0,
      warnings: 0,
      rules: RULES.length,
      apps: expect.arrayContaining(['vpn-proxy-iceland']),
    });
  });

  test('--rules lists every rule with its severity', () => {
    const r = run('--rules');
    expect(r.status).toBe(0);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('\t')[0]),
    ).toEqual(RULES.map((x) => x.id));
  });

  test('exits 2 on an unknown flag, saying how to call it', () => {
    const r = run('--jsn');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^lint: Unknown option '--jsn'.*Usage: npm run lint/);
  });
});
