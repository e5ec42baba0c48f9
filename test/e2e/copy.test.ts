/**
 * Copy buttons copy the file's exact text (issue 3, "In the docs"): on every page that shows a
 * bundled file (src/components/ManifestFile.astro wraps each in an element with
 * data-file="<repository path>", plus data-part="<first>-<last>" when it shows a part), click the
 * block's Expressive Code copy button, read the clipboard, and compare it byte for byte with the
 * file on disk (for a part: with those lines of the file).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { connectBrowser, DESKTOP, sitePages, siteContext, siteUrl, type SiteContext } from './browser.ts';
import { ROOT } from './site-build.ts';
import { siteDir } from './site-ready.ts';

const html = (page: string) => readFileSync(join(siteDir, page.endsWith('/') ? `${page}index.html` : page), 'utf8');
const filePages = sitePages(siteDir).filter((p) => html(p).includes('data-file='));
const manifestsDir = join(ROOT, 'manifests');
const apps = existsSync(manifestsDir)
  ? readdirSync(manifestsDir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort()
  : [];

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

  test('every manifests/<app> folder has a page showing its files', () => {
    expect(apps.length, 'no manifests/<app> folders').toBeGreaterThan(0);
    const missing = apps.filter((a) => !filePages.includes(`/manifests/${a}/`));
    expect(
      missing,
      'folders without a /manifests/<app>/ page showing files (src/content/docs/manifests/<app>.mdx with <ManifestFile>)',
    ).toEqual([]);
  });

  test.each(filePages)('%s: every copy button copies the exact text of its file', async (path) => {
    site.log.reset();
    await site.open(path);
    const blocks = site.page.locator('[data-file]');
    const count = await blocks.count();
    for (let i = 0; i < count; i++) {
      const block = blocks.nth(i);
      const info = await block.evaluate((el) => ({
        file: el.getAttribute('data-file')!,
        part: el.getAttribute('data-part'),
      }));
      const file = info.file;
      expect(
        existsSync(join(ROOT, file)),
        `${path} block ${i + 1}: data-file="${file}" is not a file of the repository`,
      ).toBe(true);

      await site.page.evaluate(() => navigator.clipboard.writeText(''));
      await block.locator('.copy button').click();
      await expect
        .poll(() => site.page.evaluate(() => navigator.clipboard.readText()), { timeout: 5_000 })
        .not.toBe('');
      const copied = await site.page.evaluate(() => navigator.clipboard.readText());
      const disk = readFileSync(join(ROOT, file), 'utf8');
      let expected = disk;
      if (info.part) {
        // A part: exactly lines first..last of the file (Expressive Code drops the final newline).
        const [first, last] = info.part.split('-').map(Number);
        expected = disk
          .split('\n')
          .slice(first! - 1, last)
          .join('\n');
      }
      const what = `${path} block ${i + 1} (${file}${info.part ? ` lines ${info.part}` : ''})`;
      expect(copied === expected, `${what}: ${copied === expected ? '' : firstDifference(copied, expected)}`).toBe(
        true,
      );
    }
    expect(site.log.errors).toEqual([]);
  });
});
