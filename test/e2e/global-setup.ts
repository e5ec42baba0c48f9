/**
 * Browser tests, set up once: build the site into a temp folder, serve it on 127.0.0.1 (a free
 * port) and launch one Chromium that every test file connects to (playwright-core; Debian's when
 * installed, else the one npm brought in @sparticuz/chromium: src/lib/site/chromium.ts). No Chromium
 * is a failure that says how to get one, not a skip.
 *
 * The build runs in the background while the unit project runs (the browser project comes after it:
 * vitest.config.ts, groupOrder); every browser test file waits for it through ./site-ready.ts, which
 * also reports a failed build with its output. Then the build without Chromium that fallback.test.ts
 * checks starts, never at the same time as the first: builds share the project's `.astro/` folder
 * (content store, prerender chunks), and two at once break each other (ERR_MODULE_NOT_FOUND on a chunk).
 * AVALANCHE_E2E_DIST=DIR uses a build made moments ago instead (README: between edits, after `npm run build`).
 */
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import type { TestProject } from 'vitest/node';
import { serveStatic } from '../../src/lib/checks/static-server.ts';
import { CHROMIUM_ARGS, CHROMIUM_INSTALL_HINT, describeChromium, ensureChromium } from '../../src/lib/site/chromium.ts';
import { buildSite, ROOT, type Build } from './site-build.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    siteUrl: string;
    siteDir: string;
    /** The build of siteDir: a JSON file (its Build) written when it ends (./site-ready.ts waits for it). */
    siteResult: string;
    wsEndpoint: string;
    /** The build without Chromium (fallback.test.ts): a JSON file (its Build) written when it ends. */
    fallbackResult: string;
  }
}

/** A build's result file, written beside its name and renamed, so a reader never sees half a file. */
function resultFile(prefix: string, build: Promise<Build>): { result: string; done: Promise<void> } {
  const result = join(mkdtempSync(join(tmpdir(), `${prefix}-`)), 'result.json');
  const done = build.then((b) => {
    writeFileSync(`${result}.tmp`, JSON.stringify(b));
    renameSync(`${result}.tmp`, result);
  });
  return { result, done };
}

export default async function setup(project: TestProject) {
  const given = process.env.AVALANCHE_E2E_DIST ? resolve(ROOT, process.env.AVALANCHE_E2E_DIST) : undefined;
  const siteDir = given ?? mkdtempSync(join(tmpdir(), 'avalanche-e2e-site-'));
  const mainBuild: Promise<Build> = given
    ? Promise.resolve({ outDir: given, code: 0, output: '', ms: 0 })
    : buildSite('avalanche-e2e-site', {}, siteDir);
  const main = resultFile('avalanche-e2e-build', mainBuild);
  // Only the browser suite checks the build without Chromium (not `npm run screenshots`); after the main build.
  const fallbackBuild =
    project.name === 'e2e'
      ? mainBuild.then(() => buildSite('avalanche-e2e-nochromium', { AVALANCHE_CHROMIUM: 'none' }))
      : undefined;
  const fallback = fallbackBuild ? resultFile('avalanche-e2e-fallback', fallbackBuild) : undefined;

  /** Everything this setup made on disk, removed once the builds have ended. */
  const cleanUp = async () => {
    await Promise.allSettled([main.done, fallback?.done]);
    const made = [dirname(main.result), fallback && dirname(fallback.result), given ? undefined : siteDir];
    if (fallbackBuild) made.push(await fallbackBuild.then((b) => b.outDir).catch(() => undefined));
    for (const dir of made) if (dir) rmSync(dir, { recursive: true, force: true });
  };

  // The browser tests need a real Chromium even when a build is asked to do without one.
  const found = await ensureChromium({
    ...process.env,
    AVALANCHE_CHROMIUM: process.env.AVALANCHE_CHROMIUM === 'none' ? '' : process.env.AVALANCHE_CHROMIUM,
  });
  if (!found) {
    // A failed setup gets no teardown: what it started is removed here before it throws.
    await cleanUp();
    throw new Error(`The browser tests need Chromium and found none: ${CHROMIUM_INSTALL_HINT}.`);
  }
  console.log(`browser tests: Chromium ${describeChromium(found)}`);
  // Serves the folder as the build fills it; no test reads it before ./site-ready.ts says it is complete.
  const server = await serveStatic(siteDir);
  // The browser's own control socket, on the loopback interface only.
  const browser = await chromium.launchServer({
    executablePath: found.path,
    args: CHROMIUM_ARGS,
    headless: true,
    host: '127.0.0.1',
  });

  project.provide('siteUrl', server.url);
  project.provide('siteDir', siteDir);
  project.provide('siteResult', main.result);
  project.provide('wsEndpoint', browser.wsEndpoint());
  if (fallback) project.provide('fallbackResult', fallback.result);

  return async () => {
    await cleanUp();
    await browser.close();
    await server.close();
  };
}
