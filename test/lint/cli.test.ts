import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { loadInventory, sharedProxies } from '../../src/lib/inventory/inventory.ts';
import { RULES } from '../../src/lib/lint/index.ts';
import { DEFAULT_ROOT, listApps } from '../../src/lib/inventory/manifests.ts';
import { bundledCopy, type Fixture } from './fixture.ts';

const CLI = join(DEFAULT_ROOT, 'src/lib/lint/cli.ts');
/** Runs the CLI as `npm run lint` does, without blocking the worker: the five runs overlap. */
function run(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: DEFAULT_ROOT, timeout: 30_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
const fixtures: Fixture[] = [];
afterAll(() => fixtures.splice(0).forEach((f) => f.cleanup()));
/** A proxy of the bundled inventory, whichever regions it has today. */
const proxy = sharedProxies(loadInventory())[0]!.name;

describe.concurrent('npm run lint (src/lib/lint/cli.ts)', () => {
  test('exits 0 on the bundled manifests with a summary line and no finding', async () => {
    const r = await run();
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(
        `^lint ok: 0 error\\(s\\), 0 warning\\(s\\) in \\d+ files \\(\\d+ objects, ${listApps().length} apps\\), ${RULES.length} rules, \\d+ ms\\n$`,
      ),
    );
  });

  test('exits 1 and prints file:line: rule: message for each error', async () => {
    const f = bundledCopy();
    fixtures.push(f);
    f.replace(`manifests/${proxy}/deployment.yaml`, 'name: SERVER_COUNTRIES', 'name: SERVER_COUNTRY');
    const r = await run('--root', f.root);
    expect(r.status).toBe(1);
    const line =
      f
        .read(`manifests/${proxy}/deployment.yaml`)
        .split('\n')
        .findIndex((l) => l.includes('name: SERVER_COUNTRY')) + 1;
    expect(r.stdout).toContain(
      `manifests/${proxy}/deployment.yaml:${line}: gluetun/unknown-env: container gluetun: SERVER_COUNTRY is not a setting gluetun v3.41.1 reads, so it is silently ignored; did you mean SERVER_COUNTRIES?`,
    );
    // The unknown setting, the country it no longer sets, and inventory/generated: the file is generated.
    expect(r.stdout).toMatch(/^lint FAILED: 3 error\(s\)/m);
  });

  test('--json prints the findings and counts as JSON', async () => {
    const r = await run('--json');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      findings: [],
      errors: 0,
      warnings: 0,
      rules: RULES.length,
      apps: expect.arrayContaining([proxy]),
    });
  });

  test('--rules lists every rule with its severity', async () => {
    const r = await run('--rules');
    expect(r.status).toBe(0);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('\t')[0]),
    ).toEqual(RULES.map((x) => x.id));
  });

  test('exits 2 on an unknown flag, saying how to call it', async () => {
    const r = await run('--jsn');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^lint: Unknown option '--jsn'.*Usage: npm run lint/);
  });
});
