/**
 * Every page of the build, at phone size (390x844), in the light and the dark theme: no console
 * error, no failed load, no request to a host other than 127.0.0.1, no sideways scroll, and every
 * diagram an SVG that is visible with a non-zero size (issue 2, "Checks").
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { connectBrowser, diagramBoxes, overflowingElements, PHONE, sitePages, siteContext, type SiteContext } from './browser.ts';

const pages = sitePages(inject('siteDir'));

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
    for (const site of contexts) {
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
      expect(site.log.outside, `${where} requested another host`).toEqual([]);
      expect(site.log.errors, `${where} logged errors`).toEqual([]);
    }
  });
});
