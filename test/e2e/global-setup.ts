/**
 * Browser tests, set up once: build the site into a temp folder, serve it on 127.0.0.1 (a free
 * port) and launch one Chromium that every test file connects to (playwright-core; Debian's when
 * installed, else the one npm brought in @sparticuz/chromium: src/lib/site/chromium.ts). No Chromium
 * is a failure that says how to get one, not a skip.
 * AVALANCHE_E2E_DIST=DIR uses a build made moments ago instead (.ci/run passes the dist/ it just built).
 */
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import type { TestProject } from 'vitest/node';
import { serveStatic } from '../../src/lib/checks/static-server.ts';
import { CHROMIUM_ARGS, CHROMIUM_INSTALL_HINT, describeChromium, ensureChromium } from '../../src/lib/site/chromium.ts';
import { buildSite, ROOT } from './site-build.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    siteUrl: string;
    siteDir: string;
    wsEndpoint: string;
    /** The build without Chromium (fallback.test.ts): a JSON file (its Build) written when it ends. */
    fallbackResult: string;
  }
}

/**
 * Starts the build without Chromium that fallback.test.ts checks, in the background: it runs while the
 * unit tests and the other browser tests wait on I/O, instead of alone at the end (about 20 s of wall
 * time). The result (exit code and output) lands in a JSON file the test waits for.
 */
function startFallbackBuild(): { dir: Promise<string>; result: string; done: Promise<void> } {
  const result = join(mkdtempSync(join(tmpdir(), 'avalanche-e2e-fallback-')), 'result.json');
  const build = buildSite('avalanche-e2e-nochromium', { AVALANCHE_CHROMIUM: 'none' });
  // Written beside its name and renamed, so the test never reads half a file.
  const done = build.then((b) => {
    writeFileSync(`${result}.tmp`, JSON.stringify(b));
    renameSync(`${result}.tmp`, result);
  });
  return { dir: build.then((b) => b.outDir), result, done };
}

export default async function setup(project: TestProject) {
  // Only the browser suite checks the build without Chromium (not `npm run screenshots`).
  const fallback = project.name === 'e2e' ? startFallbackBuild() : undefined;
  // The browser tests need a real Chromium even when a build is asked to do without one.
  const found = await ensureChromium({
    ...process.env,
    AVALANCHE_CHROMIUM: process.env.AVALANCHE_CHROMIUM === 'none' ? '' : process.env.AVALANCHE_CHROMIUM,
  });
  if (!found) throw new Error(`The browser tests need Chromium and found none: ${CHROMIUM_INSTALL_HINT}.`);
  const executablePath = found.path;
  console.log(`browser tests: Chromium ${describeChromium(found)}`);

  let siteDir = process.env.AVALANCHE_E2E_DIST ? resolve(ROOT, process.env.AVALANCHE_E2E_DIST) : undefined;
  let built = false;
  if (!siteDir) {
    const build = await buildSite('avalanche-e2e-site');
    if (build.code !== 0) throw new Error(`astro build failed (exit ${build.code}):\n${build.output.slice(-4000)}`);
    siteDir = build.outDir;
    built = true;
  }
  const server = await serveStatic(siteDir);
  // The browser's own control socket, on the loopback interface only.
  const browser = await chromium.launchServer({
    executablePath,
    args: CHROMIUM_ARGS,
    headless: true,
    host: '127.0.0.1',
  });

  project.provide('siteUrl', server.url);
  project.provide('siteDir', siteDir);
  project.provide('wsEndpoint', browser.wsEndpoint());
  if (fallback) project.provide('fallbackResult', fallback.result);

  return async () => {
    if (fallback) {
      await fallback.done;
      rmSync(dirname(fallback.result), { recursive: true, force: true });
      rmSync(await fallback.dir, { recursive: true, force: true });
    }
    await browser.close();
    await server.close();
    if (built) rmSync(siteDir!, { recursive: true, force: true });
  };
}
