/**
 * One Chromium page, with Mermaid loaded once, for every diagram of a build.
 *
 * rehype-mermaid renders through mermaid-isomorphic, which opens a new browser page for each
 * Markdown page and loads Mermaid into it (goto, two style sheets with their fonts, 8 MB of
 * mermaid.js). Astro transforms the pages concurrently, so the 9 pages with diagrams loaded Mermaid
 * 9 times at once on 2 cores: 10-17 s of loading per page, and the clean build took 30 s against
 * 11 s without diagrams.
 *
 * mermaid-isomorphic takes a `browserType` option (the Playwright browser to launch). This one
 * hands out pages that all stand for one real page:
 * - goto, addStyleTag and addScriptTag run for real the first time they are asked with given
 *   arguments; later pages asking the same get the same (already settled) promise;
 * - evaluate() calls (one per Markdown page: the render) run one at a time, since each one calls
 *   mermaid.initialize() on the shared page;
 * - closing a page, context or browser is free; the real browser closes once no render has been
 *   asked for `idleMs` (mermaid-isomorphic closes its browser whenever it has nothing in flight,
 *   so without the delay the next page would launch Chromium again).
 */
import { chromium, type Browser, type LaunchOptions, type Page } from 'playwright-core';

/** The part of a Playwright page that mermaid-isomorphic uses (inline SVG: no screenshots). */
interface SharedPage {
  goto: Page['goto'];
  addStyleTag: Page['addStyleTag'];
  addScriptTag: Page['addScriptTag'];
  evaluate: Page['evaluate'];
  close(): Promise<void>;
}

export interface SharedBrowser {
  /** Pass as rehype-mermaid's (mermaid-isomorphic's) `browserType` option. */
  browserType: { launch(options?: LaunchOptions): Promise<unknown> };
  /** Counts, for tests and the benchmark: real launches, real page loads, renders. */
  stats: { launches: number; loads: number; renders: number };
  /** Closes the real browser now (it also closes by itself after `idleMs` without a render). */
  close(): Promise<void>;
}

export function sharedMermaidBrowser({ idleMs = 2_000 }: { idleMs?: number } = {}): SharedBrowser {
  const stats = { launches: 0, loads: 0, renders: 0 };
  let real: Promise<{ browser: Browser; page: Page }> | undefined;
  let loads = new Map<string, Promise<unknown>>();
  let queue: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  async function close() {
    clearTimeout(timer);
    timer = undefined;
    const current = real;
    real = undefined;
    loads = new Map();
    if (current) await (await current.catch(() => undefined))?.browser.close();
  }

  function open(options?: LaunchOptions) {
    real ??= (async () => {
      stats.launches += 1;
      const browser = await chromium.launch(options);
      // mermaid-isomorphic's own context option: its style sheets are file: URLs.
      const page = await (await browser.newContext({ bypassCSP: true })).newPage();
      return { browser, page };
    })().catch((error: unknown) => {
      real = undefined;
      throw error;
    });
    return real;
  }

  function page(options?: LaunchOptions): SharedPage {
    const once = (method: 'goto' | 'addStyleTag' | 'addScriptTag') =>
      ((...args: unknown[]) => {
        const key = `${method} ${JSON.stringify(args)}`;
        let done = loads.get(key);
        if (!done) {
          stats.loads += 1;
          done = open(options).then(({ page: p }) => (p[method] as (...a: unknown[]) => Promise<unknown>)(...args));
          // A failed load is tried again by the next page rather than remembered.
          done.catch(() => loads.delete(key));
          loads.set(key, done);
        }
        return done;
      }) as never;
    return {
      goto: once('goto'),
      addStyleTag: once('addStyleTag'),
      addScriptTag: once('addScriptTag'),
      evaluate: ((fn: never, arg: never) => {
        const run = queue.then(async () => {
          stats.renders += 1;
          return (await open(options)).page.evaluate(fn, arg);
        });
        queue = run.catch(() => undefined);
        return run;
      }) as never,
      close: async () => {},
    };
  }

  const browserType = {
    async launch(options?: LaunchOptions) {
      clearTimeout(timer);
      timer = undefined;
      await open(options);
      return {
        newContext: async () => ({ newPage: async () => page(options), close: async () => {} }),
        close: async () => {
          clearTimeout(timer);
          timer = setTimeout(() => void close(), idleMs);
        },
      };
    },
  };
  return { browserType, stats, close };
}
