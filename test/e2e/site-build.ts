/**
 * Builds the site into a throwaway folder with the project's own Astro (never reusing a possibly
 * stale dist/), capturing everything it prints.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');

export interface Build {
  outDir: string;
  code: number | null;
  output: string;
  ms: number;
}

export async function buildSite(prefix: string, env: NodeJS.ProcessEnv = {}): Promise<Build> {
  const outDir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const started = performance.now();
  const child = spawn(process.execPath, [join(ROOT, 'node_modules/astro/bin/astro.mjs'), 'build', '--outDir', outDir], {
    cwd: ROOT,
    env: { ...process.env, ...env, FORCE_COLOR: '0', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  return { outDir, code, output, ms: performance.now() - started };
}
