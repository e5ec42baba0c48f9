/**
 * The rule registry against its fixtures: every registered rule has at least one case that breaks it (a
 * config the real tool refuses) and one that it must accept (a valid config near it), and the bundled files
 * pass every rule. The cases themselves run in rules-*.test.ts, one file per family, in parallel.
 */
import { describe, expect, test } from 'vitest';
import { lint, RULES } from '../../src/lib/lint/index.ts';
import type { Case } from './cases.ts';
import { GLUETUN_ENV_CASES } from './cases/gluetun-env.ts';
import { GLUETUN_POD_CASES } from './cases/gluetun-pod.ts';
import { FACT_CASES } from './cases/facts.ts';
import { INVENTORY_CASES } from './cases/inventory.ts';
import { K8S_CASES } from './cases/k8s.ts';
import { TAILSCALE_ROUTY_CASES } from './cases/tailscale-routy.ts';
import { bundledCopy } from './fixture.ts';

const ALL: Case[] = [
  ...K8S_CASES,
  ...GLUETUN_ENV_CASES,
  ...GLUETUN_POD_CASES,
  ...TAILSCALE_ROUTY_CASES,
  ...INVENTORY_CASES,
  ...FACT_CASES,
];

describe('lint() on the bundled manifests', () => {
  test('finds nothing: zero errors and zero warnings', async () => {
    const f = bundledCopy();
    try {
      expect((await lint({ root: f.root, inventory: f.inventory })).findings).toEqual([]);
    } finally {
      f.cleanup();
    }
  });
});

describe('the rule fixtures', () => {
  test.each(['reject', 'accept'] as const)('every registered rule has a case it must %s', (direction) => {
    const covered = new Set(ALL.filter((c) => c.expect === direction).map((c) => c.rule));
    expect(RULES.map((r) => r.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  test('every case names a registered rule, and each reject case names its file', () => {
    expect(ALL.map((c) => c.rule).filter((id) => !RULES.some((r) => r.id === id))).toEqual([]);
    expect(ALL.filter((c) => c.expect === 'reject' && !c.file).map((c) => `${c.rule}: ${c.what}`)).toEqual([]);
  });

  test('no two cases of a rule describe the same thing', () => {
    const keys = ALL.map((c) => `${c.rule} ${c.expect} ${c.what}`);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });
});
