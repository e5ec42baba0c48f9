/**
 * Generated files are exactly what `npm run generate` writes: a region added to the inventory without
 * running it, a template edited without running it, or a generated file edited by hand all fail here, with
 * the file and line, before anything is built or applied. A region removed from the inventory leaves a
 * folder that generate would delete.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generatedFiles, generatedFolders } from '../inventory/generate.ts';
import type { LintContext, Rule } from './types.ts';

export const GENERATED_RULES: Rule[] = [
  {
    id: 'inventory/generated',
    severity: 'error',
    description:
      "Every file rendered from templates/ (each region's manifests/vpn-proxy-<region>/, manifests/namespace/) exists and equals what `npm run generate` writes, and no generated folder outlives its region.",
    source: 'https://github.com/onedr0p/cluster-template',
  },
];

export function checkGenerated(ctx: LintContext): void {
  const files = generatedFiles(ctx.inv, ctx.root);
  const run = 'run `npm run generate` (or change the template in templates/ and run it)';
  for (const f of files) {
    const abs = join(ctx.root, f.path);
    if (!existsSync(abs)) {
      ctx.report(
        'inventory/generated',
        ctx.inventoryFile,
        ctx.inv.lines[f.key] ?? 1,
        `${f.path} does not exist, but the inventory's ${f.key} needs it (rendered from ${f.template}); ${run}.`,
      );
      continue;
    }
    const have = readFileSync(abs, 'utf8').split('\n');
    const want = f.text.split('\n');
    const i = want.findIndex((line, n) => have[n] !== line);
    const at = i >= 0 ? i : want.length < have.length ? want.length : -1;
    if (at >= 0)
      ctx.report(
        'inventory/generated',
        f.path,
        at + 1,
        `differs from what npm run generate writes from ${f.template} and the inventory (line ${at + 1}: expected ${JSON.stringify(want[at] ?? '(end of file)')}); never edit a generated file by hand: ${run}.`,
      );
  }
  const expected = new Set(files.map((f) => dirname(f.path)));
  for (const folder of generatedFolders(ctx.root).filter((d) => !expected.has(d))) {
    ctx.report(
      'inventory/generated',
      `${folder}/kustomization.yaml`,
      2,
      `${folder}/ was generated for a region the inventory no longer has; run npm run generate, which removes it.`,
    );
  }
}
