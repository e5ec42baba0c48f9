/**
 * The built site the browser tests read, once its build has ended (global-setup.ts builds it while the unit
 * tests run). Importing this module waits for that build (a top-level await), so a test file that reads the
 * site's pages at load time, or opens them, never sees a half-built folder. A failed build fails every
 * browser test file with the build's own output.
 */
import { existsSync, readFileSync } from 'node:fs';
import { inject } from 'vitest';
import type { Build } from './site-build.ts';

/** How long a build may take on a busy 2-core machine before the browser tests give up. */
const BUILD_WAIT_MS = 240_000;

async function builtSite(): Promise<string> {
  const result = inject('siteResult');
  for (const deadline = Date.now() + BUILD_WAIT_MS; !existsSync(result) && Date.now() < deadline;)
    await new Promise((r) => setTimeout(r, 100));
  if (!existsSync(result)) throw new Error(`the site build did not end within ${BUILD_WAIT_MS / 1000} s (${result})`);
  const build = JSON.parse(readFileSync(result, 'utf8')) as Build;
  if (build.code !== 0) throw new Error(`astro build failed (exit ${build.code}):\n${build.output.slice(-4000)}`);
  return inject('siteDir');
}

/** The folder of the complete build. */
export const siteDir = await builtSite();
