import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadModels } from '../../src/lib/lint/k8s-models.ts';
import { DEFAULT_ROOT } from '../../src/lib/inventory/manifests.ts';

describe('loadModels()', () => {
  test('returns working model classes from one cached bundle, and null for kinds that do not exist', async () => {
    const models = await loadModels([
      { apiVersion: 'v1', kind: 'ConfigMap' },
      { apiVersion: 'v1', kind: 'Secret' },
      { apiVersion: 'v1', kind: 'Servise' },
    ]);
    expect(models.get('v1/Servise')).toBeNull();
    const ConfigMap = models.get('v1/ConfigMap')!;
    expect(() => new ConfigMap({ metadata: { name: 'x' }, data: { a: 'b' } }).validate()).not.toThrow();
    expect(() => new ConfigMap({ metadata: { name: 'x' }, data: { a: 1 } }).validate()).toThrow(/must be string/);
    const cache = join(DEFAULT_ROOT, 'node_modules/.cache/avalanche-lint');
    expect(
      existsSync(cache) && readdirSync(cache).some((f) => /^models-[0-9a-f]{16}\.mjs$/.test(f)),
      'esbuild (installed with Vite) should have written a bundle',
    ).toBe(true);
  });
});
