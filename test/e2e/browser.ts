/**
 * Helpers shared by the browser tests: connect to the one Chromium of global-setup.ts, open a
 * context in a theme and viewport, and watch everything a page does: console errors, uncaught
 * errors, failed loads, and every request to a host other than 127.0.0.1 (recorded and aborted,
 * so nothing ever leaves the machine).
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { inject } from 'vitest';
import { pageUrl, walk, toUrlPath } from '../../src/lib/check-site.ts';

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 900 };
export type Theme = 'light' | 'dark';

export interface PageLog {
  outside: string[];
  errors: string[];
  reset(): void;
}

export interface SiteContext {
  context: BrowserContext;
  page: Page;
  log: PageLog;
  theme: Theme;
  /**
   * Opens a site path and waits for the page and its fonts; throws on a non-2xx answer. With
   * settle, also waits for the network to go quiet, so late loads (the favicon, lazy scripts) and
   * their errors are seen before the checks.
   */
  open(path: string, options?: { settle?: boolean }): Promise<void>;
}

export const siteUrl = () => inject('siteUrl');

export function connectBrowser(): Promise<Browser> {
  return chromium.connect(inject('wsEndpoint'));
}

/** Every HTML page of a build, as site paths ("/", "/architecture/vpn-egress/", "/404.html"). */
export function sitePages(dir: string): string[] {
  return walk(dir)
    .filter((f) => f.endsWith('.html'))
    .map((f) => pageUrl(toUrlPath(dir, f)))
    .sort();
}

export async function siteContext(browser: Browser, { theme, viewport, base = siteUrl() }: { theme: Theme; viewport: { width: number; height: number }; base?: string }): Promise<SiteContext> {
  const context = await browser.newContext({ viewport, colorScheme: theme, deviceScaleFactor: 1, reducedMotion: 'reduce' });
  // Starlight's theme script reads this key before the first paint (ThemeProvider.astro).
  await context.addInitScript((t) => localStorage.setItem('starlight-theme', t), theme);
  const log: PageLog = {
    outside: [],
    errors: [],
    reset() {
      this.outside.length = 0;
      this.errors.length = 0;
    },
  };
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1') return route.continue();
    log.outside.push(route.request().url());
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error') log.errors.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => log.errors.push(`uncaught: ${err.message}`));
  page.on('response', (res) => {
    if (res.status() >= 400 && new URL(res.url()).hostname === '127.0.0.1') log.errors.push(`HTTP ${res.status()} for ${res.url()}`);
  });
  return {
    context,
    page,
    log,
    theme,
    async open(path, { settle = false } = {}) {
      const res = await page.goto(base + path, { waitUntil: 'load' });
      if (!res || (res.status() >= 400 && !path.endsWith('404.html'))) throw new Error(`${path}: HTTP ${res?.status()}`);
      await page.evaluate(() => document.fonts.ready);
      if (settle) await page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => undefined);
    },
  };
}

/** The outermost elements that stick out to the right of the viewport without a scrolling or clipping parent. */
export function overflowingElements(page: Page): Promise<{ scrollWidth: number; innerWidth: number; culprits: string[] }> {
  return page.evaluate(() => {
    const iw = window.innerWidth;
    const clips = (el: Element) => ['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(el).overflowX);
    const describe = (el: Element) => {
      const id = el.id ? `#${el.id}` : '';
      const cls = typeof el.className === 'string' && el.className.trim() ? `.${el.className.trim().split(/\s+/).slice(0, 2).join('.')}` : '';
      const text = (el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40);
      return `<${el.tagName.toLowerCase()}${id}${cls}> right=${Math.round(el.getBoundingClientRect().right)}px "${text}"`;
    };
    const culprits: string[] = [];
    const visit = (el: Element) => {
      if (el.getBoundingClientRect().right > iw + 1) {
        culprits.push(describe(el));
        return;
      }
      if (!clips(el)) for (const child of el.children) visit(child);
    };
    for (const child of document.body.children) visit(child);
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: iw, culprits: culprits.slice(0, 5) };
  });
}

/** Each `figure.diagram`: has an SVG, and the SVG's rendered size and visibility. */
export function diagramBoxes(page: Page): Promise<Array<{ svg: boolean; width: number; height: number; visible: boolean; caption: string }>> {
  return page.evaluate(() =>
    [...document.querySelectorAll('figure.diagram')].map((fig) => {
      const svg = fig.querySelector('svg');
      const box = svg?.getBoundingClientRect();
      const style = svg ? getComputedStyle(svg) : undefined;
      return {
        svg: Boolean(svg),
        width: Math.round(box?.width ?? 0),
        height: Math.round(box?.height ?? 0),
        visible: Boolean(style && style.visibility !== 'hidden' && style.display !== 'none' && Number(style.opacity) > 0 && svg!.checkVisibility()),
        caption: fig.querySelector('figcaption')?.textContent?.trim() ?? '',
      };
    }),
  );
}
