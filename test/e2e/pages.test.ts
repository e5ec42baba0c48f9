/**
 * Every page of the build, at phone size (390x844), in the light and the dark theme: no console
 * error, no failed load, no request to a host other than 127.0.0.1, no sideways scroll, and every
 * diagram an SVG that is visible with a non-zero size and readable as drawn: labels against their
 * background, edges against theirs (issue 2, "Checks" and "Diagrams").
 * Issue 14: nothing hidden on a phone (no table cell or diagram label outside the visible area unless
 * its box is a scroller showing its cue; diagram text at least 12 px as displayed), and safe copying
 * (each copy block one command; a change under a caution aside, after its runbook's dry run).
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { copyBlockProblems } from '../../src/lib/site/commands.ts';
import { MIN_DIAGRAM_TEXT_PX } from '../../src/lib/site/diagram-size.ts';
import { runbookHelp } from '../../src/lib/site/runbook-help.ts';
import { connectBrowser, diagramBoxes, diagramLegibility, overflowingElements, PHONE, sitePages, siteContext, type SiteContext } from './browser.ts';
import { brokenCommandWords, copyBlocks, diagramTextSizes, hiddenContent } from './phone-checks.ts';
import { ROOT } from './site-build.ts';

const pages = sitePages(inject('siteDir'));
const runbook = (name: string) => {
  try {
    return runbookHelp(name, ROOT);
  } catch {
    return undefined;
  }
};

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
  // Nothing hidden on a phone.
  const hidden = (await hiddenContent(site.page)).map((h) => `${h.what} "${h.text}": ${h.reason}`);
  expect(hidden, `${where}: content a phone cannot reach`).toEqual([]);
  for (const d of await diagramTextSizes(site.page)) {
    expect(d.smallest, `${where} diagram "${d.caption}": text "${d.label}" is drawn at ${d.smallest.toFixed(1)} px`).toBeGreaterThanOrEqual(MIN_DIAGRAM_TEXT_PX - 0.05);
  }
  // Safe copying (the same in both themes: checked once).
  if (site.theme === 'light') {
    expect(copyBlockProblems(await copyBlocks(site.page), runbook), `${where}: copy blocks`).toEqual([]);
    expect(await brokenCommandWords(site.page), `${where}: command words broken across lines (wrap between flags, not inside them)`).toEqual([]);
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

  test('runbook pages show commands to copy (so the copy checks below check something)', async () => {
    const site = contexts[0]!;
    const runbookPages = pages.filter((p) => p.startsWith('/runbooks/'));
    expect(runbookPages.length, 'no runbook pages').toBeGreaterThan(0);
    await site.open(runbookPages[0]!);
    expect((await copyBlocks(site.page)).filter((b) => b.lang === 'sh').length, `${runbookPages[0]}: no command blocks`).toBeGreaterThan(0);
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
