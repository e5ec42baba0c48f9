/**
 * Every page of the build, at phone size (390x844), in the light and the dark theme: no console
 * error, no failed load, no request to a host other than 127.0.0.1, no sideways scroll, and every
 * diagram an SVG that is visible with a non-zero size and readable as drawn: labels against their
 * background, edges against theirs (issue 2, "Checks" and "Diagrams").
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { connectBrowser, diagramBoxes, diagramLegibility, overflowingElements, PHONE, sitePages, siteContext, type SiteContext } from './browser.ts';

const pages = sitePages(inject('siteDir'));

async function checkPage(site: SiteContext, path: string): Promise<void> {
  const where = `${path} (${site.theme})`;
  site.log.reset();
  await site.open(path, { settle: true });
  expect(await site.page.evaluate(() => document.documentElement.dataset.theme), `${where}: theme`).toBe(site.theme);

  const { scrollWidth, innerWidth, culprits } = await overflowingElements(site.page);
  expect(scrollWidth, `${where} scrolls sideways (${scrollWidth}px > ${innerWidth}px); too wide: ${culprits.join('; ')}`).toBeLessThanOrEqual(innerWidth);

  for (const [i, d] of (await diagramBoxes(site.page)).entries()) {
    const name = `${where} diagram ${i + 1} "${d.caption}"`;
    expect(d.svg, `${name}: no SVG`).toBe(true);
    expect(d.visible, `${name}: not visible`).toBe(true);
    expect(d.width * d.height, `${name}: size ${d.width}x${d.height}`).toBeGreaterThan(0);
  }
  // Readable as drawn: labels at WCAG AA text contrast (4.5:1) against what is behind them,
  // and every visible edge distinguishable from its surroundings.
  for (const [i, d] of (await diagramLegibility(site.page)).entries()) {
    const name = `${where} diagram ${i + 1} "${d.caption}"`;
    if (d.worst) expect(d.worst.contrast, `${name}: label "${d.worst.label}" has contrast ${d.worst.contrast.toFixed(2)}:1 against its background`).toBeGreaterThanOrEqual(4.5);
    expect(d.faintEdges, `${name}: edges that cannot be seen`).toEqual([]);
  }
  expect(site.log.outside, `${where} requested another host`).toEqual([]);
  expect(site.log.errors, `${where} logged errors`).toEqual([]);
}

describe('every page at 390x844, light and dark', () => {
  let browser: Browser;
  let contexts: SiteContext[];
  beforeAll(async () => {
    browser = await connectBrowser();
    contexts = [await siteContext(browser, { theme: 'light', viewport: PHONE }), await siteContext(browser, { theme: 'dark', viewport: PHONE })];
  });
  afterAll(async () => {
    await browser?.close();
  });

  test('the build has the pages the site promises', () => {
    for (const section of ['/', '/architecture/', '/migration/', '/use-cases/', '/reference/']) {
      expect(pages.some((p) => p.startsWith(section)), `no page under ${section}`).toBe(true);
    }
  });

  test.each(pages)('%s', async (path) => {
    // Light and dark side by side: most of a page check is waiting (network idle, fonts).
    await Promise.all(contexts.map((site) => checkPage(site, path)));
  });
});
