/**
 * The no-Chromium path of issue 2: with AVALANCHE_CHROMIUM=none the build still succeeds, prints
 * exactly one warning saying how to get build-time SVGs, ships Mermaid (from node_modules, under
 * /_mermaid/) only to pages that have a diagram, and in the browser each diagram becomes an SVG
 * with no request leaving 127.0.0.1.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { serveStatic, type StaticServer } from '../../src/lib/checks/static-server.ts';
import {
  connectBrowser,
  diagramBoxes,
  diagramLegibility,
  PHONE,
  sitePages,
  siteContext,
  switchTheme,
} from './browser.ts';
import { diagramTextSizes } from './phone-checks.ts';
import type { Build } from './site-build.ts';
import { MIN_DIAGRAM_TEXT_PX } from '../../src/lib/site/diagram-size.ts';

const htmlOf = (build: Build, path: string) =>
  readFileSync(join(build.outDir, path.endsWith('/') ? `${path}index.html` : path), 'utf8');
const hasDiagram = (html: string) => /<figure class="diagram[ "]/.test(html);

describe('a build without Chromium', () => {
  let build: Build;
  let server: StaticServer;
  let browser: Browser;
  let pages: string[];
  beforeAll(async () => {
    // Built in the background since the run started (global-setup.ts); wait for it to end.
    const result = inject('fallbackResult');
    for (const deadline = Date.now() + 240_000; !existsSync(result) && Date.now() < deadline;)
      await new Promise((r) => setTimeout(r, 200));
    if (!existsSync(result)) throw new Error(`the build without Chromium did not end within 240 s (${result})`);
    build = JSON.parse(readFileSync(result, 'utf8')) as Build;
    pages = build.code === 0 ? sitePages(build.outDir) : [];
    server = await serveStatic(build.outDir);
    browser = await connectBrowser();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('succeeds and warns exactly once, saying how to get build-time SVGs', () => {
    expect(build.code, build.output.slice(-3000)).toBe(0);
    const warnings = build.output.split('\n').filter((l) => l.startsWith('[diagrams] '));
    expect(warnings, build.output.slice(0, 2000)).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /AVALANCHE_CHROMIUM=none: diagrams will render in the browser .*unset AVALANCHE_CHROMIUM/,
    );
  });

  test('prints no build warning (issue 14: known noise fixed or filtered; a new one would show here)', () => {
    const warnings = build.output
      .split('\n')
      .filter((l) => /\[WARN\]|MODULE_LEVEL_DIRECTIVE|does not exist or is empty|was not found/.test(l));
    expect(warnings).toEqual([]);
  });

  test('loads the Mermaid module on pages with a diagram, and only there', () => {
    const withDiagrams = pages.filter((p) => hasDiagram(htmlOf(build, p)));
    expect(withDiagrams.length, 'no page has a diagram').toBeGreaterThan(0);
    for (const p of pages) {
      const html = htmlOf(build, p);
      expect(
        html.includes('/_mermaid/init.js'),
        `${p}: ${hasDiagram(html) ? 'has a diagram but does not load' : 'has no diagram but loads'} /_mermaid/init.js`,
      ).toBe(hasDiagram(html));
      expect(html, `${p}: a build without Chromium must not contain pre-rendered diagram SVGs`).not.toMatch(
        /<figure class="diagram[^>]*>[\s\S]*?<svg[^>]*id="mermaid/,
      );
    }
  });

  test('renders each diagram in the browser, light and dark, without leaving 127.0.0.1', async () => {
    const withDiagrams = pages.filter((p) => hasDiagram(htmlOf(build, p)));
    // Each page loaded once (light), checked, then switched to dark and checked again.
    const site = await siteContext(browser, { theme: 'light', viewport: PHONE, base: server.url });
    for (const path of withDiagrams.slice(0, 3)) {
      site.log.reset();
      await site.open(path, { settle: true });
      await site.page.waitForSelector('figure.diagram svg', { timeout: 20_000 });
      // Drawn and sized (init.js marks each SVG once it has its legible minimum width).
      await site.page.waitForFunction(
        () => [...document.querySelectorAll('figure.diagram')].every((f) => f.querySelector('svg[data-sized]')),
        null,
        { timeout: 20_000 },
      );
      for (const theme of ['light', 'dark'] as const) {
        if (theme === 'dark') await switchTheme(site, 'dark');
        for (const d of await diagramTextSizes(site.page)) {
          expect(d.smallest, `${path} (${theme}) diagram "${d.caption}": text "${d.label}"`).toBeGreaterThanOrEqual(
            MIN_DIAGRAM_TEXT_PX - 0.05,
          );
        }
        for (const d of await diagramBoxes(site.page)) {
          expect(
            d.svg && d.visible && d.width * d.height > 0,
            `${path} (${theme}) diagram "${d.caption}": ${d.width}x${d.height}`,
          ).toBe(true);
        }
        for (const d of await diagramLegibility(site.page)) {
          if (d.worst)
            expect(
              d.worst.contrast,
              `${path} (${theme}) diagram "${d.caption}": label "${d.worst.label}"`,
            ).toBeGreaterThanOrEqual(4.5);
          expect(d.faintEdges, `${path} (${theme}) diagram "${d.caption}": edges that cannot be seen`).toEqual([]);
        }
      }
      expect(site.log.outside, path).toEqual([]);
      expect(site.log.errors, path).toEqual([]);
    }
    await site.context.close();
  });
});
