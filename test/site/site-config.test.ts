/**
 * src/lib/site/site-config.ts and scrollers.ts: the published address, edit links, the one filtered
 * build warning, and the scroll frame every content table gets.
 */
import { describe, expect, test } from 'vitest';
import { editLinkBase, isKnownNoise, publishedSite, quietKnownWarnings } from '../../src/lib/site/site-config.ts';
import { TABLE_CUE, wrapTables } from '../../src/lib/site/scrollers.ts';

describe('publishedSite()', () => {
  test('is the AVALANCHE_SITE_URL given, or nothing (never 127.0.0.1)', () => {
    expect(publishedSite({ AVALANCHE_SITE_URL: 'https://calypso.example-tailnet.ts.net' })).toBe(
      'https://calypso.example-tailnet.ts.net/',
    );
    expect(publishedSite({})).toBeUndefined();
    expect(publishedSite({ AVALANCHE_SITE_URL: '  ' })).toBeUndefined();
  });
  test.each(['calypso', 'ftp://calypso.example-tailnet.ts.net/'])('refuses %s, saying what is expected', (raw) => {
    expect(() => publishedSite({ AVALANCHE_SITE_URL: raw })).toThrow(
      /AVALANCHE_SITE_URL=.*expected .*https:\/\/calypso\.example-tailnet\.ts\.net\//,
    );
  });
});

describe('editLinkBase()', () => {
  test.each([
    [
      { AVALANCHE_EDIT_URL: 'https://forge.example.org/o/r/edit/main' },
      undefined,
      'https://forge.example.org/o/r/edit/main/',
    ],
    [{}, { url: 'git+https://github.com/o/r.git' }, 'https://github.com/o/r/edit/main/'],
    [
      { AVALANCHE_REPO_URL: 'https://gitlab.example.org/o/r', AVALANCHE_REPO_BRANCH: 'trunk' },
      undefined,
      'https://gitlab.example.org/o/r/-/edit/trunk/',
    ],
    [{ AVALANCHE_REPO_URL: 'https://codeberg.org/o/r' }, undefined, 'https://codeberg.org/o/r/_edit/main/'],
    [{ AVALANCHE_REPO_URL: 'https://git.example.org/o/r' }, undefined, undefined],
    [{}, undefined, undefined],
  ])('%j with package repository %j: %s', (env, repository, expected) => {
    expect(editLinkBase(env as NodeJS.ProcessEnv, repository)).toBe(expected);
  });
});

describe('build warnings', () => {
  const headInject = {
    code: 'MODULE_LEVEL_DIRECTIVE',
    message:
      'The semantics of the module level directive "use astro:head-inject" in "src/content/docs/index.mdx?astroPropagatedAssets" may not be preserved when bundling.',
  };
  test("Astro's own head-inject directive warning is known noise, and filtered", () => {
    const shown: unknown[] = [];
    quietKnownWarnings(headInject, (w) => shown.push(w));
    expect(isKnownNoise(headInject)).toBe(true);
    expect(shown).toEqual([]);
  });
  test.each([
    {
      code: 'MODULE_LEVEL_DIRECTIVE',
      message:
        'The semantics of the module level directive "use client" in "src/x.ts" may not be preserved when bundling.',
    },
    { code: 'CIRCULAR_DEPENDENCY', message: 'Circular dependency: a -> b -> a' },
    { message: 'some new warning "use astro:head-inject"' },
  ])('any other warning still shows: %j', (warning) => {
    const shown: unknown[] = [];
    quietKnownWarnings(warning, (w) => shown.push(w));
    expect(shown).toEqual([warning]);
  });
});

describe('wrapTables()', () => {
  test('puts each table in a scroll frame with its cue first, once', () => {
    const html =
      '<p>a</p><table class="x"><tr><td>1</td></tr></table><pre>&lt;table&gt;</pre><table><tr><td>2</td></tr></table>';
    const once = wrapTables(html);
    expect(once.match(/class="scroll-frame"/g)).toHaveLength(2);
    expect(once).toContain(
      `<div class="scroll-frame" data-scroll-kind="table"><p class="scroll-cue" aria-hidden="true">${TABLE_CUE}</p><div class="scroller"><table class="x">`,
    );
    expect(once).toContain('<pre>&lt;table&gt;</pre>');
    expect(wrapTables(once)).toBe(once);
  });
});
