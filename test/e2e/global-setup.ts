/**
 * Browser tests, set up once: build the site into a temp folder, serve it on 127.0.0.1 (a free
 * port) and launch one Chromium that every test file connects to (playwright-core; Debian's when
 * installed, else the one npm brought in @sparticuz/chromium: src/lib/site/chromium.ts). No Chromium
 * is a failure that says how to get one, not a skip.
 * AVALANCHE_E2E_DIST=DIR uses a build made moments ago instead (README: between edits, after `npm run build`).
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
 * Never at the same time as another build of this project: builds share the project's `.astro/` folder
 * (content store, prerender chunks), and two at once break each other (ERR_MODULE_NOT_FOUND on a chunk).
 * So it starts after `after`, the main build when there is one.
 */
function startFallbackBuild(after: Promise<unknown>): { dir: Promise<string>; result: string; done: Promise<void> } {
  const result = join(mkdtempSync(join(tmpdir(), 'avalanche-e2e-fallback-')), 'result.json');
  const build = after
    .catch(() => undefined)
    .then(() => buildSite('avalanche-e2e-nochromium', { AVALANCHE_CHROMIUM: 'none' }));
  // Written beside its name and renamed, so the test never reads half a file.
  const done = build.then((b) => {
    writeFileSync(`${result}.tmp`, JSON.stringify(b));
    renameSync(`${result}.tmp`, result);
  });
  return { dir: build.then((b) => b.outDir), result, done };
}

export default async function setup(project: TestProject) {
  const given = process.env.AVALANCHE_E2E_DIST ? resolve(ROOT, process.env.AVALANCHE_E2E_DIST) : undefined;
  const mainBuild = given ? undefined : buildSite('avalanche-e2e-site');
  // Only the browser suite checks the build without Chromium (not `npm run screenshots`).
  const fallback = project.name === 'e2e' ? startFallbackBuild(mainBuild ?? Promise.resolve()) : undefined;
  // A failed setup gets no teardown: what it made is removed here before it throws.
  const fail = async (message: string, made: string[] = []): Promise<never> => {
    if (fallback) {
      await fallback.done.catch(() => undefined);
      made.push(dirname(fallback.result), await fallback.dir.catch(() => ''));
    }
    for (const dir of made.filter(Boolean)) rmSync(dir, { recursive: true, force: true });
    throw new Error(message);
  };
  // The browser tests need a real Chromium even when a build is asked to do without one.
  const found = await ensureChromium({
    ...process.env,
    AVALANCHE_CHROMIUM: process.env.AVALANCHE_CHROMIUM === 'none' ? '' : process.env.AVALANCHE_CHROMIUM,
  });
  if (!found) {
    const made = mainBuild ? [(await mainBuild).outDir] : [];
    return fail(`The browser tests need Chromium and found none: ${CHROMIUM_INSTALL_HINT}.`, made);
  }
  const executablePath = found.path;
  console.log(`browser tests: Chromium ${describeChromium(found)}`);

  let siteDir = given ?? '';
  let built = false;
  if (mainBuild) {
    const build = await mainBuild;
    if (build.code !== 0) {
      return fail(`astro build failed (exit ${build.code}):\n${build.output.slice(-4000)}`, [build.outDir]);
    }
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
    if (built) rmSync(siteDir, { recursive: true, force: true });
  };
}
