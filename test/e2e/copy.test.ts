/**
 * Copy buttons on the manifest pages copy the file's exact text (issue 3, "In the docs"): click each
 * Expressive Code copy button on every /manifests/<app>/ page, read the clipboard, and compare it
 * byte for byte with the file on disk.
 *
 * Which file a code block shows: the nearest `data-file` attribute (a repository path such as
 * "manifests/vpn-proxy-iceland/deployment.yaml"), else the block's title, as a repository path or
 * a path inside manifests/<app>/. A block inside an element with `data-part` shows part of the file
 * (a marker or line range): its text must then be a contiguous piece of the file.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { connectBrowser, DESKTOP, sitePages, siteContext, siteUrl, type SiteContext } from './browser.ts';
import { ROOT } from './site-build.ts';

const manifestPages = sitePages(inject('siteDir')).filter((p) => /^\/manifests\/[^/]+\/$/.test(p));

function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const show = (s: string) => JSON.stringify(s.slice(Math.max(0, i - 20), i + 20));
  return `differs at character ${i} (clipboard ${a.length} chars, file ${b.length}): clipboard ${show(a)} vs file ${show(b)}`;
}

describe('copy buttons on manifest pages', () => {
  let browser: Browser;
  let site: SiteContext;
  beforeAll(async () => {
    browser = await connectBrowser();
    site = await siteContext(browser, { theme: 'light', viewport: DESKTOP });
    await site.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: siteUrl() });
  });
  afterAll(async () => {
    await browser?.close();
  });

  test('the site has a page per manifests/<app> folder', () => {
    const dir = join(ROOT, 'manifests');
    const apps = existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort() : [];
    expect(apps.length, 'no manifests/<app> folders').toBeGreaterThan(0);
    expect(manifestPages, `expected a page src/content/docs/manifests/<app>.mdx for each of: ${apps.join(', ')}`).toEqual(apps.map((a) => `/manifests/${a}/`));
  });

  test.each(manifestPages)('%s: every copy button copies the exact text of its file', async (path) => {
    const app = path.split('/')[2]!;
    site.log.reset();
    await site.open(path);
    const blocks = site.page.locator('.expressive-code');
    const count = await blocks.count();
    expect(count, `${path}: no code blocks`).toBeGreaterThan(0);
    for (let i = 0; i < count; i++) {
      const block = blocks.nth(i);
      const info = await block.evaluate((el) => ({
        file: el.closest('[data-file]')?.getAttribute('data-file') ?? null,
        part: el.closest('[data-part]') !== null,
        title: el.querySelector('figcaption .title')?.textContent?.trim() ?? null,
      }));
      const candidates = [info.file, info.title, info.title && `manifests/${app}/${info.title}`].filter((c): c is string => Boolean(c));
      const file = candidates.find((c) => existsSync(join(ROOT, c)) && !c.endsWith('/'));
      expect(file, `${path} block ${i + 1}: cannot tell which file it shows (data-file ${info.file}, title ${info.title})`).toBeTruthy();

      await site.page.evaluate(() => navigator.clipboard.writeText(''));
      await block.locator('.copy button').click();
      await expect.poll(() => site.page.evaluate(() => navigator.clipboard.readText()), { timeout: 5_000 }).not.toBe('');
      const copied = await site.page.evaluate(() => navigator.clipboard.readText());
      const disk = readFileSync(join(ROOT, file!), 'utf8');
      if (info.part) expect(disk.includes(copied), `${path} block ${i + 1} (part of ${file}): the copied text is not a piece of the file`).toBe(true);
      else expect(copied === disk, `${path} block ${i + 1} (${file}): ${copied === disk ? '' : firstDifference(copied, disk)}`).toBe(true);
    }
    expect(site.log.errors).toEqual([]);
  });
});
