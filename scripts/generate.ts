/**
 * `npm run generate`: renders templates/ from the inventory into manifests/ (src/lib/inventory/generate.ts)
 * and removes the folder of a region that is no longer in the inventory. Prints what it wrote, changed or
 * removed; a second run changes nothing. `--check` writes nothing and exits 1 when a file would change
 * (what `npm run lint` also reports, as inventory/generated). Exit 2 on an invalid inventory or template.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AvalancheError } from '../src/lib/core/errors.ts';
import { generatedFiles, generatedFolders, REPO_ROOT } from '../src/lib/inventory/generate.ts';
import { DEFAULT_INVENTORY, loadInventory } from '../src/lib/inventory/inventory.ts';

function main(argv: string[], root = REPO_ROOT): number {
  const check = argv.includes('--check');
  const unknown = argv.filter((a) => a !== '--check');
  if (unknown.length) {
    process.stderr.write(`generate: unknown argument ${unknown[0]}; usage: npm run generate [-- --check]\n`);
    return 2;
  }
  const inv = loadInventory(process.env.AVALANCHE_INVENTORY || DEFAULT_INVENTORY);
  const files = generatedFiles(inv, root);
  const folders = new Set(files.map((f) => dirname(f.path)));
  let changed = 0;
  for (const f of files) {
    const abs = join(root, f.path);
    const before = existsSync(abs) ? readFileSync(abs, 'utf8') : undefined;
    if (before === f.text) continue;
    changed++;
    process.stdout.write(
      `${check ? 'would ' : ''}${before === undefined ? 'write' : 'update'} ${f.path} (from ${f.template})\n`,
    );
    if (!check) {
      mkdirSync(dirname(abs), { recursive: true });
      writeFileSync(abs, f.text);
    }
  }
  for (const folder of generatedFolders(root).filter((d) => !folders.has(d))) {
    changed++;
    process.stdout.write(`${check ? 'would ' : ''}remove ${folder}/ (its region is no longer in the inventory)\n`);
    if (!check) rmSync(join(root, folder), { recursive: true });
  }
  process.stdout.write(
    `generate: ${changed ? `${changed} change(s)${check ? ' pending: run npm run generate' : ''}` : 'up to date'} (${files.length} files in ${folders.size} folders)\n`,
  );
  return check && changed ? 1 : 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`generate: ${(err as Error).message}\n`);
  process.exitCode = err instanceof AvalancheError ? err.exitCode : 1;
}
