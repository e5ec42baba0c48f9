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

/**
 * The environment of a production build. Vitest's workers carry NODE_ENV=test, VITEST*, and Vite's
 * MODE=test, DEV=1, PROD, SSR, BASE_URL; an Astro build that inherits them is not what
 * `npm run build` makes (Starlight's search script goes missing, or Pagefind UI starts before its
 * element exists). So those are removed and NODE_ENV is production.
 */
const VITEST_ENV = /^(?:VITEST.*|TEST|NODE_ENV|MODE|DEV|PROD|SSR|BASE_URL)$/;

export function buildEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!VITEST_ENV.test(k)) env[k] = v;
  return { ...env, NODE_ENV: 'production', FORCE_COLOR: '0', NO_COLOR: '1', ...extra };
}

/** Builds into `outDir` (default: a new temp folder named from `prefix`). */
export async function buildSite(prefix: string, env: NodeJS.ProcessEnv = {}, outDir?: string): Promise<Build> {
  outDir ??= mkdtempSync(join(tmpdir(), `${prefix}-`));
  const started = performance.now();
  const child = spawn(process.execPath, [join(ROOT, 'node_modules/astro/bin/astro.mjs'), 'build', '--outDir', outDir], {
    cwd: ROOT,
    env: buildEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  return { outDir, code, output, ms: performance.now() - started };
}
