/**
 * A diagram tapped on a phone opens full size (figure.diagram:target, site.css) and can be closed by a tap:
 * at 390x844, for every diagram of the site, the Close link is what a tap at its centre reaches (not the
 * site header or its menu button above it), and tapping it leaves the full-size view.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { connectBrowser, PHONE, sitePages, siteContext, type SiteContext } from './browser.ts';
import { siteDir } from './site-ready.ts';

const html = (page: string) => readFileSync(join(siteDir, page.endsWith('/') ? `${page}index.html` : page), 'utf8');
/** [page, figure id] for every diagram figure of the build. */
const diagrams = sitePages(siteDir).flatMap((p) =>
  [...html(p).matchAll(/<figure[^>]*class="[^"]*\bdiagram\b[^"]*"[^>]*>/g)].flatMap((m) => {
    const id = /\bid="([^"]+)"/.exec(m[0])?.[1];
    return id ? [[p, id] as const] : [];
  }),
);

describe('a diagram opened full size on a phone closes with a tap', () => {
  let browser: Browser;
  let site: SiteContext;
  beforeAll(async () => {
    browser = await connectBrowser();
    site = await siteContext(browser, { theme: 'light', viewport: PHONE });
  });
  afterAll(async () => {
    await browser?.close();
  });

  test('the build has diagrams with ids to open', () => {
    expect(diagrams.length).toBeGreaterThan(0);
  });

  test.each(diagrams)('%s #%s', async (path, id) => {
    // Opened as a tap on the diagram opens it: the page's own link to #id (a hash change, no new load).
    await site.open(path);
    await site.page.locator(`a[href="#${id}"]`).first().click();
    const hit = await site.page.evaluate((figureId) => {
      const figure = document.getElementById(figureId)!;
      const close = figure.querySelector<HTMLElement>('.diagram-close');
      if (!figure.matches(':target') || !close) return { open: figure.matches(':target'), reached: 'no Close link' };
      const b = close.getBoundingClientRect();
      const top = document.elementFromPoint(b.x + b.width / 2, b.y + b.height / 2);
      return { open: true, reached: top && close.contains(top) ? 'Close' : (top?.outerHTML.slice(0, 80) ?? 'nothing') };
    }, id);
    expect(hit).toEqual({ open: true, reached: 'Close' });
    await site.page.locator(`#${id} .diagram-close`).click();
    expect(await site.page.evaluate((figureId) => document.getElementById(figureId)!.matches(':target'), id)).toBe(
      false,
    );
  });
});
