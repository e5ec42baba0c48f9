/**
 * Browser tests, set up once: build the site into a temp folder, serve it on 127.0.0.1 (a free
 * port) and launch one Chromium that every test file connects to (playwright-core; Debian's when
 * installed, else the one npm brought in @sparticuz/chromium: src/lib/site/chromium.ts). No Chromium
 * is a failure that says how to get one, not a skip.
 * AVALANCHE_E2E_DIST=DIR uses a build made moments ago instead (.ci/run passes the dist/ it just built).
 */
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
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
  }
}

export default async function setup(project: TestProject) {
  // The browser tests need a real Chromium even when a build is asked to do without one.
  const found = await ensureChromium({ ...process.env, AVALANCHE_CHROMIUM: process.env.AVALANCHE_CHROMIUM === 'none' ? '' : process.env.AVALANCHE_CHROMIUM });
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
  const browser = await chromium.launchServer({ executablePath, args: CHROMIUM_ARGS, headless: true, host: '127.0.0.1' });

  project.provide('siteUrl', server.url);
  project.provide('siteDir', siteDir);
  project.provide('wsEndpoint', browser.wsEndpoint());

  return async () => {
    await browser.close();
    await server.close();
    if (built) rmSync(siteDir!, { recursive: true, force: true });
  };
}
