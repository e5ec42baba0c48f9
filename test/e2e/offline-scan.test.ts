/**
 * Static checks of the build the browser tests use. The static half of "no page loads anything
 * from outside" (src/lib/checks/offline.ts): nothing in HTML, CSS or JS loads from another host;
 * external <a href> links are allowed (they are navigation, not loads). And no Astro template
 * directive reached the HTML unprocessed.
 */
import { describe, expect, test } from 'vitest';
import { scanOutsideLoads } from '../../src/lib/checks/offline.ts';
import { loadSite } from '../../src/lib/checks/site.ts';
import { siteDir } from './site-ready.ts';

describe('the build', () => {
  test("has no Astro directive left in its HTML (a leaked <style set:html> loses a diagram's styles)", () => {
    const site = loadSite(siteDir);
    const leaked = [...site.pages].flatMap(([file, page]) =>
      [...new Set(page.directives)].map((d) => `${file}: ${d} (${page.directives.filter((x) => x === d).length}x)`),
    );
    expect(leaked).toEqual([]);
  });

  test('loads nothing from another host', () => {
    const site = loadSite(siteDir);
    expect(site.pages.size).toBeGreaterThan(5);
    const found = scanOutsideLoads(site).map((f) => `${f.file}: ${f.where} ${f.url}`);
    expect(found).toEqual([]);
  });
});
