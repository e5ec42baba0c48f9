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
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { copyBlockProblems } from '../../src/lib/site/commands.ts';
import { MIN_DIAGRAM_TEXT_PX } from '../../src/lib/site/diagram-size.ts';
import { listRunbooks } from '../../src/lib/checks/runbooks.ts';
import type { HelpJson } from '../../src/lib/harness/help.ts';
import { declaredHelp } from '../support/runbook-help.ts';
import {
  connectBrowser,
  diagramBoxes,
  diagramLegibility,
  overflowingElements,
  PHONE,
  sitePages,
  siteContext,
  switchTheme,
  type SiteContext,
} from './browser.ts';
import { brokenCommandWords, copyBlocks, diagramTextSizes, hiddenCommandText, hiddenContent } from './phone-checks.ts';
import { ROOT } from './site-build.ts';
import { siteDir } from './site-ready.ts';

const pages = sitePages(siteDir);
// Each runbook's declaration, for the copy checks (which command is a dry run, what a change does).
const helps = new Map<string, HelpJson>();
for (const name of listRunbooks(ROOT)) {
  const help = await declaredHelp(name);
  if (help) helps.set(name, help);
}
const runbook = (name: string) => helps.get(name);

type Theme = SiteContext['theme'];

/** Loads a page once in the context's theme, checks it, switches to the other theme and checks again. */
async function checkPage(site: SiteContext, path: string): Promise<void> {
  site.log.reset();
  await site.open(path, { settle: true });
  expect(
    await site.page.evaluate(() => document.documentElement.dataset.theme),
    `${path} (${site.theme}): theme after load`,
  ).toBe(site.theme);
  const other: Theme = site.theme === 'light' ? 'dark' : 'light';
  await checkTheme(site, path, site.theme);
  // The context's init script sets its own theme again on the next load.
  await switchTheme(site, other);
  await checkTheme(site, path, other);
  // Safe copying (the same in both themes: checked once).
  expect(copyBlockProblems(await copyBlocks(site.page), runbook), `${path}: copy blocks`).toEqual([]);
  expect(
    await brokenCommandWords(site.page),
    `${path}: command words broken across lines (wrap between flags, not inside them)`,
  ).toEqual([]);
  expect(await hiddenCommandText(site.page), `${path}: command text wider than its box`).toEqual([]);
  expect(site.log.outside, `${path} requested another host`).toEqual([]);
  expect(site.log.errors, `${path} logged errors`).toEqual([]);
}

/**
 * The screenshot-based legibility check is the costly part of a page check; a diagram shown on several pages
 * (the topology on the home page and the quick reference) is the same generated figure at the same width, so
 * it is checked once per theme.
 */
const legibilityChecked = new Set<string>();
const once = (key: string) => legibilityChecked.has(key) || (legibilityChecked.add(key), false);

async function checkTheme(site: SiteContext, path: string, theme: Theme): Promise<void> {
  const where = `${path} (${theme})`;
  const { scrollWidth, innerWidth, culprits } = await overflowingElements(site.page);
  expect(
    scrollWidth,
    `${where} scrolls sideways (${scrollWidth}px > ${innerWidth}px); too wide: ${culprits.join('; ')}`,
  ).toBeLessThanOrEqual(innerWidth);

  for (const [i, d] of (await diagramBoxes(site.page)).entries()) {
    const name = `${where} diagram ${i + 1} "${d.caption}"`;
    expect(d.svg, `${name}: no SVG`).toBe(true);
    expect(d.visible, `${name}: not visible`).toBe(true);
    expect(d.width * d.height, `${name}: size ${d.width}x${d.height}`).toBeGreaterThan(0);
  }
  // Readable as drawn: labels at WCAG AA text contrast (4.5:1) against what is behind them,
  // and every visible edge distinguishable from its surroundings.
  for (const [i, d] of (await diagramLegibility(site.page, (id) => once(`${theme} ${id}`))).entries()) {
    const name = `${where} diagram ${i + 1} "${d.caption}"`;
    if (d.worst)
      expect(
        d.worst.contrast,
        `${name}: label "${d.worst.label}" has contrast ${d.worst.contrast.toFixed(2)}:1 against its background`,
      ).toBeGreaterThanOrEqual(4.5);
    expect(d.faintEdges, `${name}: edges that cannot be seen`).toEqual([]);
  }
  // Nothing hidden on a phone.
  const hidden = (await hiddenContent(site.page)).map((h) => `${h.what} "${h.text}": ${h.reason}`);
  expect(hidden, `${where}: content a phone cannot reach`).toEqual([]);
  for (const d of await diagramTextSizes(site.page)) {
    expect(
      d.smallest,
      `${where} diagram "${d.caption}": text "${d.label}" is drawn at ${d.smallest.toFixed(1)} px`,
    ).toBeGreaterThanOrEqual(MIN_DIAGRAM_TEXT_PX - 0.05);
  }
}

// Pages checked at once: most of a check waits on the browser, so three pages side by side keep both
// cores busy. Each page is loaded once and checked in both themes; the contexts alternate the theme a
// page loads in, so both first paints (Starlight's theme script) are exercised too. pages.test.ts:
// 50 s with one page at a time and a load per theme -> about 20 s on this 2-core machine.
const AT_ONCE = 3;

describe.concurrent('every page at 390x844, light and dark', () => {
  let browser: Browser;
  /** Free contexts; a page check takes one and gives it back. */
  let free: SiteContext[];
  const waiting: Array<(site: SiteContext) => void> = [];
  const take = () => (free.length ? Promise.resolve(free.pop()!) : new Promise<SiteContext>((r) => waiting.push(r)));
  const give = (site: SiteContext) => (waiting.length ? waiting.shift()!(site) : free.push(site));
  beforeAll(async () => {
    browser = await connectBrowser();
    free = [];
    for (let i = 0; i < AT_ONCE; i++)
      free.push(await siteContext(browser, { theme: i % 2 ? 'dark' : 'light', viewport: PHONE }));
  });
  afterAll(async () => {
    await browser?.close();
  });

  test('runbook pages show commands to copy (so the copy checks below check something)', async () => {
    const runbookPages = pages.filter((p) => p.startsWith('/runbooks/'));
    expect(runbookPages.length, 'no runbook pages').toBeGreaterThan(0);
    const site = await take();
    try {
      await site.open(runbookPages[0]!);
      expect(
        (await copyBlocks(site.page)).filter((b) => b.lang === 'sh').length,
        `${runbookPages[0]}: no command blocks`,
      ).toBeGreaterThan(0);
    } finally {
      give(site);
    }
  });

  test('the build has the pages the site promises', () => {
    for (const section of ['/', '/architecture/', '/migration/', '/use-cases/', '/reference/']) {
      expect(
        pages.some((p) => p.startsWith(section)),
        `no page under ${section}`,
      ).toBe(true);
    }
  });

  test.each(pages)('%s', async (path) => {
    const site = await take();
    try {
      await checkPage(site, path);
    } finally {
      give(site);
    }
  });
});
