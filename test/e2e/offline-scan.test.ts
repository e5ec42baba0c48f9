/**
 * The static half of "no page loads anything from outside", over the build the browser tests use
 * (src/lib/check-offline.ts): nothing in HTML, CSS or JS loads from another host. External
 * <a href> links are allowed (they are navigation, not loads).
 */
import { describe, expect, inject, test } from 'vitest';
import { scanOutsideLoads } from '../../src/lib/check-offline.ts';
import { loadSite } from '../../src/lib/check-site.ts';

describe('the build', () => {
  test('loads nothing from another host', () => {
    const site = loadSite(inject('siteDir'));
    expect(site.pages.size).toBeGreaterThan(5);
    const found = scanOutsideLoads(site).map((f) => `${f.file}: ${f.where} ${f.url}`);
    expect(found).toEqual([]);
  });
});
