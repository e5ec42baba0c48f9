/**
 * Keyboard use and offline search, on the desktop layout (1280x900) and the phone layout:
 * Tab reaches the sidebar's links and the search button; Pagefind's index (served from the site
 * itself, never another host) finds the subnet router, a proxy's country and "split DNS" (from the
 * inventory), and "troubleshoot", "phone" and "dns" find the phone troubleshooting page.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_INVENTORY, loadInventory, sharedProxies, subnetRouter } from '../../src/lib/inventory/inventory.ts';
import { connectBrowser, DESKTOP, PHONE, siteContext, type SiteContext } from './browser.ts';

const INV = loadInventory(DEFAULT_INVENTORY);

/** Presses Tab up to `max` times and describes where the focus went each time. */
async function tabWalk(site: SiteContext, max = 60) {
  const stops: Array<{ inSidebar: boolean; isSearch: boolean; isMenu: boolean; label: string }> = [];
  for (let i = 0; i < max; i++) {
    await site.page.keyboard.press('Tab');
    stops.push(
      await site.page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        return {
          inSidebar: Boolean(el?.closest('#starlight__sidebar, nav.sidebar')) && el?.tagName === 'A',
          isSearch: Boolean(el?.matches('site-search button[data-open-modal]')),
          // Starlight 0.42: <button popovertarget="starlight__sidebar" class="sl-menu-button">; older:
          // <starlight-menu-button>.
          isMenu: Boolean(
            el?.matches('.sl-menu-button, [popovertarget="starlight__sidebar"]') ||
            el?.closest('starlight-menu-button'),
          ),
          label: `${el?.tagName.toLowerCase()} "${(el?.getAttribute('aria-label') ?? el?.textContent ?? '').trim().slice(0, 30)}"`,
        };
      }),
    );
  }
  return stops;
}

describe('keyboard', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await connectBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  test('Tab reaches the search button and the sidebar links (desktop)', async () => {
    const site = await siteContext(browser, { theme: 'light', viewport: DESKTOP });
    await site.open('/');
    const stops = await tabWalk(site);
    const seen = stops.map((s) => s.label).join(', ');
    expect(
      stops.some((s) => s.isSearch),
      `search button never focused; focus went: ${seen}`,
    ).toBe(true);
    expect(
      stops.some((s) => s.inSidebar),
      `no sidebar link focused; focus went: ${seen}`,
    ).toBe(true);
    await site.context.close();
  });

  test('Tab reaches the menu button, Enter opens it, and Tab then reaches the sidebar links (phone)', async () => {
    const site = await siteContext(browser, { theme: 'dark', viewport: PHONE });
    await site.open('/');
    const before = await tabWalk(site, 15);
    const menu = before.findIndex((s) => s.isMenu);
    expect(
      menu,
      `menu button never focused; focus went: ${before.map((s) => s.label).join(', ')}`,
    ).toBeGreaterThanOrEqual(0);
    // Walk back to the menu button, open it, and keep tabbing into the sidebar.
    await site.open('/');
    for (let i = 0; i <= menu; i++) await site.page.keyboard.press('Tab');
    await site.page.keyboard.press('Enter');
    const after = await tabWalk(site, 40);
    expect(
      after.some((s) => s.inSidebar),
      `no sidebar link focused after opening the menu; focus went: ${after.map((s) => s.label).join(', ')}`,
    ).toBe(true);
    expect(site.log.errors).toEqual([]);
    await site.context.close();
  });
});

describe('offline search (Pagefind)', () => {
  let browser: Browser;
  let site: SiteContext;
  /** Requests started and not yet finished: a hung chunk would show here. */
  const pending = new Set<string>();
  beforeAll(async () => {
    browser = await connectBrowser();
    site = await siteContext(browser, { theme: 'light', viewport: DESKTOP });
    // Starlight builds Pagefind's UI in a requestIdleCallback (Search.astro). A headless Chromium
    // sharing 2 cores with the rest of the suite sometimes never gives that page an idle period: CI
    // saw the dialog stay empty for 60 s on the third query, with no error and no outside request.
    // What is under test is the search itself (the index, the UI, no outside request), not
    // Chromium's idle scheduling, so idle callbacks run on a timer here: the same fallback
    // Search.astro uses where requestIdleCallback does not exist.
    await site.context.addInitScript(() => {
      window.requestIdleCallback = ((cb: IdleRequestCallback) =>
        window.setTimeout(
          () => cb({ didTimeout: true, timeRemaining: () => 0 }),
          1,
        )) as typeof window.requestIdleCallback;
    });
    site.page.on('request', (r) => pending.add(r.url()));
    site.page.on('requestfinished', (r) => pending.delete(r.url()));
    site.page.on('requestfailed', (r) => pending.delete(r.url()));
  });
  afterAll(async () => {
    await browser?.close();
  });

  // Queries from the bundled inventory (the subnet router's name, a proxy's country) and a feature's
  // name: each must be found and shown in a result's excerpt.
  test.each([subnetRouter(INV).name, sharedProxies(INV)[0]!.country, 'split DNS'])('finds "%s"', async (query) => {
    await search(query);
    const word = query.split(' ')[0]!.toLowerCase();
    const excerpts = async () =>
      (await site.page.locator('#starlight__search .pagefind-ui__result-excerpt').allTextContents())
        .join(' ')
        .toLowerCase();
    await expect.poll(excerpts, { timeout: 20_000, message: `results for "${query}" do not show it` }).toContain(word);
    expect(site.log.outside).toEqual([]);
    expect(site.log.errors).toEqual([]);
  });

  // Issue 14, point 4: help from the phone is found by the words a reader on a phone would try.
  test.each(['troubleshoot', 'phone', 'dns'])(
    '"%s" finds the phone troubleshooting page among the first results',
    async (query) => {
      await search(query);
      // Results fill in one by one: wait for the shown ones (Pagefind shows the first five).
      const titles = () => site.page.locator('#starlight__search .pagefind-ui__result-link').allTextContents();
      await expect
        .poll(titles, { timeout: 20_000, message: `results for "${query}"` })
        .toContain('Troubleshoot remote access from a phone');
      expect(site.log.outside).toEqual([]);
    },
  );

  /**
   * Types the query into the search dialog of the home page (opened on the first search, then reused, as
   * a reader searching again would) and waits until Pagefind has answered this query: a filled-in result.
   */
  async function search(query: string): Promise<void> {
    site.log.reset();
    const input = site.page
      .locator('#starlight__search input[type="search"], #starlight__search .pagefind-ui__search-input')
      .first();
    if (!(await site.page.locator('site-search dialog[open]').count())) {
      await site.page.bringToFront();
      await site.open('/');
      await site.page.click('site-search button[data-open-modal]');
      await site.page.waitForSelector('site-search dialog[open]', { timeout: 15_000 });
      // Pagefind's UI (a lazily imported chunk) comes soon after load: wait long on a busy machine,
      // and say what the dialog holds if it never comes.
      await input.waitFor({ state: 'visible', timeout: 60_000 }).catch(async (err: Error) => {
        const state = await site.page.evaluate(() => ({
          dialogOpen: Boolean(document.querySelector('site-search dialog[open]')),
          pagefindUi: Boolean(document.querySelector('#starlight__search .pagefind-ui')),
          content: document.querySelector('#starlight__search')?.innerHTML.slice(0, 200),
        }));
        throw new Error(
          `${err.message.split('\n')[0]}; search dialog: ${JSON.stringify(state)}; requests to other hosts: ${site.log.outside.join(', ') || 'none'}; unfinished requests: ${[...pending].join(', ') || 'none'}; errors: ${site.log.errors.join('; ') || 'none'}`,
        );
      });
    }
    // Clear the previous query's results first, so what is read below answers this query only.
    const links = site.page.locator('#starlight__search .pagefind-ui__result-link');
    await input.fill('');
    await expect.poll(() => links.count(), { timeout: 10_000, message: 'the previous results did not clear' }).toBe(0);
    await input.fill(query);
    // Pagefind first draws placeholder results, then fills in each link once its fragment has loaded:
    // wait for a filled-in link, not just a result box (the box alone made this flaky under load).
    await links.first().waitFor({ state: 'visible', timeout: 30_000 });
  }
});
