/**
 * Helpers shared by the browser tests: connect to the one Chromium of global-setup.ts, open a
 * context in a theme and viewport, and watch everything a page does: console errors, uncaught
 * errors, failed loads, and every request to a host other than 127.0.0.1 (recorded and aborted,
 * so nothing ever leaves the machine).
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { inject } from 'vitest';
import { pageUrl, walk, toUrlPath } from '../../src/lib/checks/site.ts';
// Every browser test opens the built site: importing this waits until its build has ended.
import './site-ready.ts';

export const PHONE = { width: 390, height: 844 };
/** How long no request may be in flight before a page counts as settled. */
const QUIET_MS = 150;
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

export async function siteContext(
  browser: Browser,
  { theme, viewport, base = siteUrl() }: { theme: Theme; viewport: { width: number; height: number }; base?: string },
): Promise<SiteContext> {
  const context = await browser.newContext({
    viewport,
    colorScheme: theme,
    deviceScaleFactor: 1,
    reducedMotion: 'reduce',
  });
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
    // data: and blob: URLs never leave the page (the legibility check decodes screenshots with one).
    if (url.hostname === '127.0.0.1' || url.protocol === 'data:' || url.protocol === 'blob:') return route.continue();
    log.outside.push(route.request().url());
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  // Requests in flight, for open({ settle }): quiet means none for QUIET_MS.
  let inflight = 0;
  let lastActivity = Date.now();
  const started = () => {
    inflight += 1;
    lastActivity = Date.now();
  };
  const ended = () => {
    inflight = Math.max(0, inflight - 1);
    lastActivity = Date.now();
  };
  page.on('request', started);
  page.on('requestfinished', ended);
  page.on('requestfailed', ended);
  page.on('console', (msg) => {
    if (msg.type() === 'error') log.errors.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => log.errors.push(`uncaught: ${err.message}`));
  page.on('response', (res) => {
    if (res.status() >= 400 && new URL(res.url()).hostname === '127.0.0.1')
      log.errors.push(`HTTP ${res.status()} for ${res.url()}`);
  });
  return {
    context,
    page,
    log,
    theme,
    async open(path, { settle = false } = {}) {
      const res = await page.goto(base + path, { waitUntil: 'load' });
      if (!res || (res.status() >= 400 && !path.endsWith('404.html')))
        throw new Error(`${path}: HTTP ${res?.status()}`);
      await page.evaluate(() => document.fonts.ready);
      // Playwright's 'networkidle' waits for 500 ms without a request; a static page is quiet once
      // nothing is in flight, and a late load (the favicon, a lazy script) starts within a frame or two.
      if (settle) {
        const deadline = Date.now() + 5_000;
        while (Date.now() < deadline && (inflight > 0 || Date.now() - lastActivity < QUIET_MS))
          await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

/**
 * Switches a loaded page to a theme the way Starlight's theme picker does at run time
 * (ThemeSelect.astro: data-theme on <html>, remembered in localStorage), with the media preference
 * to match, then waits for two frames: the CSS restyles in place, so one load checks both themes.
 * The context's init script sets its own theme again on the next load.
 */
export async function switchTheme(site: SiteContext, theme: Theme): Promise<void> {
  await site.page.emulateMedia({ colorScheme: theme });
  await site.page.evaluate((t) => {
    document.documentElement.dataset.theme = t;
    localStorage.setItem('starlight-theme', t);
    return new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  }, theme);
}

/** The outermost elements that stick out to the right of the viewport without a scrolling or clipping parent. */
export function overflowingElements(
  page: Page,
): Promise<{ scrollWidth: number; innerWidth: number; culprits: string[] }> {
  return page.evaluate(() => {
    const iw = window.innerWidth;
    const clips = (el: Element) => ['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(el).overflowX);
    const describe = (el: Element) => {
      const id = el.id ? `#${el.id}` : '';
      const cls =
        typeof el.className === 'string' && el.className.trim()
          ? `.${el.className.trim().split(/\s+/).slice(0, 2).join('.')}`
          : '';
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
export function diagramBoxes(
  page: Page,
): Promise<Array<{ svg: boolean; width: number; height: number; visible: boolean; caption: string }>> {
  return page.evaluate(() =>
    [...document.querySelectorAll('figure.diagram')].map((fig) => {
      const svg = fig.querySelector('svg');
      const box = svg?.getBoundingClientRect();
      const style = svg ? getComputedStyle(svg) : undefined;
      return {
        svg: Boolean(svg),
        width: Math.round(box?.width ?? 0),
        height: Math.round(box?.height ?? 0),
        visible: Boolean(
          style &&
          style.visibility !== 'hidden' &&
          style.display !== 'none' &&
          Number(style.opacity) > 0 &&
          svg!.checkVisibility(),
        ),
        caption: fig.querySelector('figcaption .diagram-title')?.textContent?.trim() ?? '',
      };
    }),
  );
}

export interface Legibility {
  caption: string;
  labels: number;
  /** The label with the lowest contrast against what is drawn behind it. */
  worst?: { label: string; contrast: number };
  edges: number;
  /** Edges (connecting lines) that cannot be told from what is around them, by Mermaid id ("L_a_b_0"). */
  faintEdges: string[];
}

/**
 * How readable each diagram's labels are as drawn on screen (so CSS filters, themes and lost SVG
 * styles all count): screenshot the figure, decode it in the page, and for each label's box take
 * the most common luminance as the background and the extreme 2% as the text; the WCAG contrast
 * ratio of the two. Wide diagrams scroll inside their scroller: each scroll position is checked.
 */
export async function diagramLegibility(page: Page, skip?: (figureId: string) => boolean): Promise<Legibility[]> {
  const figures = page.locator('figure.diagram');
  const results: Legibility[] = [];
  for (let i = 0; i < (await figures.count()); i++) {
    // A diagram already checked elsewhere (the same figure id: the same generated diagram at the same width).
    if (skip?.((await figures.nth(i).getAttribute('id')) ?? '')) continue;
    // The diagram's own scroller (diagram-figure.ts): what is screenshot and scrolled.
    const figure = figures.nth(i).locator('.scroller').first();
    const positions = await figure.evaluate((f) => [
      ...new Set([0, Math.round((f.scrollWidth - f.clientWidth) / 2), f.scrollWidth - f.clientWidth]),
    ]);
    const seen = new Map<number, { label: string; contrast: number }>();
    const edgeSeen = new Map<number, { id: string; visible: boolean }>();
    for (const left of positions) {
      await figure.evaluate((f, x) => (f.scrollLeft = x), left);
      await figure.scrollIntoViewIfNeeded();
      const png = (await figure.screenshot({ animations: 'disabled', scale: 'css' })).toString('base64');
      const found = await figure.evaluate(async (f, b64) => {
        const img = new Image();
        img.src = `data:image/png;base64,${b64}`;
        await img.decode();
        const canvas = document.createElement('canvas');
        canvas.width = img.naturalWidth;
        canvas.height = img.naturalHeight;
        const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
        ctx.drawImage(img, 0, 0);
        const frame = f.getBoundingClientRect();
        const lum = (c: number) => (c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
        const labels = [...f.querySelectorAll('svg foreignObject, svg text')];
        const out: Array<[number, string, number]> = [];
        labels.forEach((el, index) => {
          if (el.tagName.toLowerCase() === 'text' && el.closest('foreignObject')) return;
          const text = (el.textContent ?? '').trim().replace(/\s+/g, ' ');
          const r = el.getBoundingClientRect();
          const x = Math.round(r.left - frame.left);
          const y = Math.round(r.top - frame.top);
          const w = Math.round(r.width);
          const h = Math.round(r.height);
          // Only labels wholly inside the figure's visible area at this scroll position.
          if (!text || w < 4 || h < 4 || x < 0 || y < 0 || x + w > f.clientWidth || y + h > canvas.height) return;
          const data = ctx.getImageData(x, y, w, h).data;
          const values: number[] = [];
          for (let p = 0; p < data.length; p += 4)
            values.push(0.2126 * lum(data[p]!) + 0.7152 * lum(data[p + 1]!) + 0.0722 * lum(data[p + 2]!));
          values.sort((a, b) => a - b);
          const bg = values[Math.floor(values.length / 2)]!;
          const lo = values[Math.floor(values.length * 0.02)]!;
          const hi = values[Math.floor(values.length * 0.98)]!;
          const fg = hi - bg > bg - lo ? hi : lo;
          out.push([index, text.slice(0, 40), (Math.max(bg, fg) + 0.05) / (Math.min(bg, fg) + 0.05)]);
        });
        // Edges: at points along each line, the most contrasting pixel next to the point against
        // the median of the area around it. A line that is not drawn (or drawn in the background's
        // colour) gives ~1 everywhere.
        const luminanceAt = (x: number, y: number, size: number) => {
          const half = Math.floor(size / 2);
          if (x - half < 0 || y - half < 0 || x + half >= f.clientWidth || y + half >= canvas.height) return undefined;
          const d = ctx.getImageData(x - half, y - half, size, size).data;
          const v: number[] = [];
          for (let p = 0; p < d.length; p += 4)
            v.push(0.2126 * lum(d[p]!) + 0.7152 * lum(d[p + 1]!) + 0.0722 * lum(d[p + 2]!));
          return v.sort((a, b) => a - b);
        };
        const edges: Array<[number, boolean, string]> = [];
        const labelBoxes = labels.map((el) => el.getBoundingClientRect());
        // Mermaid's invisible links (`~~~`, used for layout) carry edge-thickness-invisible.
        [
          ...f.querySelectorAll(
            'svg g.edgePaths path:not(.edge-thickness-invisible), svg path.flowchart-link:not(.edge-thickness-invisible)',
          ),
        ].forEach((path, index) => {
          const geometry = path as SVGGeometryElement;
          const total = geometry.getTotalLength?.() ?? 0;
          const matrix = geometry.getScreenCTM();
          if (!total || !matrix) return;
          let measured = 0;
          let visible = 0;
          for (const t of [0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85]) {
            const pt = geometry.getPointAtLength(total * t).matrixTransform(matrix);
            // An edge label sits on its line and hides it there: sample the line elsewhere.
            if (
              labelBoxes.some(
                (r) => pt.x >= r.left - 3 && pt.x <= r.right + 3 && pt.y >= r.top - 3 && pt.y <= r.bottom + 3,
              )
            )
              continue;
            const x = Math.round(pt.x - frame.left);
            const y = Math.round(pt.y - frame.top);
            const near = luminanceAt(x, y, 3);
            const area = luminanceAt(x, y, 15);
            if (!near || !area) continue;
            measured++;
            const bg = area[Math.floor(area.length / 2)]!;
            const best = Math.max(...near.map((l) => (Math.max(l, bg) + 0.05) / (Math.min(l, bg) + 0.05)));
            // A 1px grey line drawn across two pixel columns measures about 1.6 on white; a line
            // that is not drawn at all measures 1.0.
            if (best >= 1.35) visible++;
          }
          if (measured >= 3)
            edges.push([index, visible * 2 >= measured, (path.id || `edge ${index + 1}`).replace(/^mermaid-\d+-/, '')]);
        });
        return { labels: out, edges };
      }, png);
      for (const [index, label, contrast] of found.labels) if (!seen.has(index)) seen.set(index, { label, contrast });
      for (const [index, visible, id] of found.edges)
        edgeSeen.set(index, { id, visible: (edgeSeen.get(index)?.visible ?? false) || visible });
    }
    const caption =
      (await figures
        .nth(i)
        .locator('figcaption .diagram-title')
        .first()
        .textContent()
        .catch(() => '')) ?? '';
    const worst = [...seen.values()].sort((a, b) => a.contrast - b.contrast)[0];
    results.push({
      caption: caption.trim(),
      labels: seen.size,
      worst,
      edges: edgeSeen.size,
      faintEdges: [...edgeSeen.values()].filter((e) => !e.visible).map((e) => e.id),
    });
  }
  return results;
}
