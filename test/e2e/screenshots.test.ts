/**
 * Screenshots of the key pages for a person to review (not compared automatically): the overview
 * (with the home topology), the architecture pages, a migration page, a manifest page, the quick
 * reference and a runbook page, at phone (390x844) and desktop (1280x900) size, light and dark, into
 * screenshots/ (gitignored).
 */
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { connectBrowser, DESKTOP, PHONE, sitePages, siteContext, type SiteContext } from './browser.ts';
import { ROOT } from './site-build.ts';
import { siteDir } from './site-ready.ts';

const OUT = join(ROOT, 'screenshots');
const all = sitePages(siteDir);
const key = [
  '/',
  ...all.filter((p) => p.startsWith('/architecture/')),
  all.find((p) => p.startsWith('/migration/phase-2')) ?? all.find((p) => p.startsWith('/migration/')),
  all.find((p) => p.startsWith('/manifests/vpn-proxy')) ??
    all.find((p) => /^\/manifests\/[^/]+\/$/.test(p) && !p.includes('lint')),
  all.find((p) => p.startsWith('/reference/quick-reference')),
  all.find((p) => p.startsWith('/runbooks/phase2')) ?? all.find((p) => p.startsWith('/runbooks/')),
].filter((p): p is string => Boolean(p));

describe('screenshots of the key pages', () => {
  let browser: Browser;
  let contexts: Array<SiteContext & { size: string }>;
  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    browser = await connectBrowser();
    contexts = [];
    for (const [size, viewport] of [
      ['phone', PHONE],
      ['desktop', DESKTOP],
    ] as const) {
      for (const theme of ['light', 'dark'] as const)
        contexts.push({ ...(await siteContext(browser, { theme, viewport })), size });
    }
  });
  afterAll(async () => {
    await browser?.close();
  });

  test('cover an overview, architecture, migration and manifest page', () => {
    expect(key.filter((p) => p.startsWith('/architecture/')).length, 'no architecture pages').toBeGreaterThan(0);
    expect(
      key.some((p) => p.startsWith('/migration/')),
      'no migration page',
    ).toBe(true);
    expect(
      key.some((p) => p.startsWith('/manifests/')),
      'no manifest page (src/content/docs/manifests/<app>.mdx)',
    ).toBe(true);
  });

  test.each(key)('%s', async (path) => {
    const slug = path === '/' ? 'overview' : path.replace(/^\/|\/$/g, '').replace(/\//g, '--');
    // The four sizes and themes side by side: a screenshot waits on rendering and encoding.
    await Promise.all(
      contexts.map(async (site) => {
        await site.open(path);
        // JPEG: a tall full-page PNG takes seconds to encode on this machine; JPEG is enough to review.
        const file = join(OUT, `${slug}.${site.size}.${site.theme}.jpg`);
        await site.page.screenshot({ path: file, fullPage: true, type: 'jpeg', quality: 80 });
        expect(statSync(file).size, file).toBeGreaterThan(5_000);
      }),
    );
  });
});
