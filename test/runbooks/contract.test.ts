/**
 * The runbook contract, checked on every runbook in runbooks/ at once (in-process, through runMain with
 * fakes): what one runbook gets wrong here, the harness lets none get wrong.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { HelpJson } from '../../src/lib/harness/index.ts';
import { walk } from '../../src/lib/checks/site.ts';
import { ROOT, runRunbook } from '../fakes/run-runbook.ts';

const RUNBOOKS = readdirSync(join(ROOT, 'runbooks'))
  .filter((f) => f.endsWith('.mjs'))
  .map((f) => f.slice(0, -4))
  .sort();

async function help(name: string): Promise<HelpJson> {
  const r = await runRunbook(name, ['--help', '--json'], { tools: [] });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as HelpJson;
}

describe('every runbook', () => {
  test('there are runbooks to check', () => {
    expect(RUNBOOKS.length).toBeGreaterThan(0);
  });

  test.each(RUNBOOKS)(
    '%s: a string flag given an empty or all-space value is bad input (exit 2), never "the default" or "all"',
    async (name) => {
      const flags = (await help(name)).flags.filter((f) => f.type === 'string' && f.name !== 'dry-run');
      expect(flags.length).toBeGreaterThan(0);
      for (const f of flags) {
        for (const value of ['', '   ']) {
          const r = await runRunbook(name, ['--dry-run', `--${f.name}=${value}`], { tools: [] });
          expect(r.code, `--${f.name}="${value}": ${r.stderr}`).toBe(2);
          expect(r.stderr).toMatch(new RegExp(`--${f.name}: empty value`));
          expect(r.calls).toEqual([]);
        }
      }
    },
  );

  test.each(RUNBOOKS)(
    '%s: a runbook that changes something has a confirm step before its first change',
    async (name) => {
      const h = await help(name);
      for (const steps of [h.steps, h.rollback?.steps ?? []]) {
        const firstApply = steps.findIndex((s) => s.kind === 'apply');
        if (firstApply < 0) continue;
        expect(
          steps.slice(0, firstApply).some((s) => s.kind === 'confirm'),
          `${name}: ${steps.map((s) => s.kind).join(', ')}`,
        ).toBe(true);
      }
    },
  );
});

describe('every runbook loads its data inside the harness', () => {
  const dir = mkdtempSync(join(tmpdir(), 'contract-inv-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const malformed = join(dir, 'network.yaml');
  writeFileSync(malformed, 'lan:\n  subnet: [not, a, subnet\n');

  test.each(RUNBOOKS)('%s: a malformed AVALANCHE_INVENTORY is one line and exit 2, even for --help', async (name) => {
    for (const args of [['--help'], ['--dry-run']]) {
      const r = await runRunbook(name, args, { tools: [], env: { AVALANCHE_INVENTORY: malformed } });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(malformed);
      expect(r.calls).toEqual([]);
    }
  });

  test('no runbook and no shared step reads the bundled inventory or manifests by itself (only ctx.setup does)', () => {
    const files = [...walk(join(ROOT, 'runbooks')), ...walk(join(ROOT, 'src/lib/steps'))].filter((f) =>
      f.endsWith('.ts'),
    );
    const offenders = files.flatMap((f) => {
      const text = readFileSync(f, 'utf8');
      return [...text.matchAll(/\b(loadInventory\(\)|loadInventory\([^)]|loadApp\([^,)]+\)|loadRoutyBundle\(\))/g)].map(
        (m) => `${f.slice(ROOT.length + 1)}: ${m[1]}`,
      );
    });
    expect(offenders).toEqual([]);
  });
});
