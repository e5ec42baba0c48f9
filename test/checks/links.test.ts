import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseHtml } from '../../src/lib/checks/html.ts';
import { checkLinks, type LinkReport, repoWebUrl } from '../../src/lib/checks/links.ts';

const page = (body: string, head = '') =>
  `<!doctype html><html><head><link rel="stylesheet" href="/_astro/site.css">${head}</head><body>${body}</body></html>`;

/** A tiny built site and a tiny repository beside it. */
function fixture(root: string) {
  const files: Record<string, string> = {
    'dist/index.html': page(
      `<h2 id="intro">Intro</h2>
       <a href="/guide/">guide</a> <a href="/guide/#setup">setup</a> <a href="guide/#Ünïcode">relative</a>
       <a href="#intro">self</a> <a href="/guide/#missing">bad fragment</a> <a href="/nowhere/">bad page</a>
       <a href="/guide/#stup">typo fragment</a> <a href="https://tailscale.com/kb/1019/subnets">external</a>
       <a href="mailto:ops@example.org">mail</a> <img src="/img/logo.svg"> <img src="/img/gone.png">
       <a href="../runbooks/verify-proxy.mjs">raw runbook</a>
       <a href="https://git.example.org/ops/avalanche/blob/main/runbooks/verify-proxy.mjs">repo ok</a>
       <a href="https://git.example.org/ops/avalanche/blob/main/manifests/nope/kustomization.yaml">repo bad</a>
       <a href="https://github.com/qdm12/gluetun/blob/master/README.md">upstream</a>
       <a href="http://127.0.0.1:4321/guide/#setup">absolute internal</a>
       <a href="file:///home/me/notes.md">file url</a>`,
      '<link rel="canonical" href="http://127.0.0.1:4321/">',
    ),
    'dist/guide/index.html': page(
      '<h2 id="setup">Setup</h2><h2 id="Ünïcode">U</h2><a href="/">home</a><a href="https://tailscale.com/kb/1019/subnets">again</a>',
    ),
    'dist/404.html': page('<a href="/">home</a>', '<link rel="canonical" href="http://127.0.0.1:4321/404/">'),
    'dist/_astro/site.css': 'body{}',
    'dist/img/logo.svg': '<svg/>',
    'runbooks/verify-proxy.mjs': '// runbook',
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

let root: string;
let report: LinkReport;
const reasonFor = (link: string) => report.problems.filter((p) => p.link === link).map((p) => p.reason);

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'linkcheck-'));
  fixture(root);
  report = checkLinks({
    dist: join(root, 'dist'),
    repoRoot: root,
    siteUrl: 'http://127.0.0.1:4321/',
    repoUrl: 'https://git.example.org/ops/avalanche',
  });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('checkLinks()', () => {
  test('counts every page of the build', () => {
    expect(report.pages).toBe(3);
  });

  test.each([
    '/guide/',
    '/guide/#setup',
    'guide/#Ünïcode',
    '#intro',
    '/img/logo.svg',
    '/_astro/site.css',
    'http://127.0.0.1:4321/guide/#setup',
    'mailto:ops@example.org',
  ])('accepts the good link %s', (link) => {
    expect(reasonFor(link)).toEqual([]);
  });

  test.each([
    ['/guide/#missing', 'no element with id "missing" on /guide/'],
    ['/guide/#stup', 'did you mean "setup"?'],
    ['/nowhere/', 'no page or file "/nowhere/" in the build'],
    ['/img/gone.png', 'no page or file "/img/gone.png"'],
    ['../runbooks/verify-proxy.mjs', 'the site does not serve'],
    ['https://git.example.org/ops/avalanche/blob/main/manifests/nope/kustomization.yaml', 'does not exist'],
    ['file:///home/me/notes.md', 'file: URL'],
  ])('reports the broken link %s with page and reason', (link, reason) => {
    const problems = report.problems.filter((p) => p.link === link);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.page).toBe('/');
    expect(problems[0]!.reason).toContain(reason);
  });

  test('reports nothing else', () => {
    expect(report.problems).toHaveLength(7);
  });

  test('lists external links with the pages using them, without fetching', () => {
    expect([...report.external.get('https://tailscale.com/kb/1019/subnets')!].sort()).toEqual(['/', '/guide/']);
    expect(report.external.has('https://github.com/qdm12/gluetun/blob/master/README.md')).toBe(true);
  });

  test('resolves links into this repository to files on disk', () => {
    expect([...report.repoLinks.keys()]).toEqual(['runbooks/verify-proxy.mjs']);
  });

  test('ignores the canonical link of the 404 page', () => {
    expect(report.problems.filter((p) => p.page === '/404.html')).toEqual([]);
  });
});

describe('repoWebUrl()', () => {
  test.each([
    ['https://github.com/o/r', 'https://github.com/o/r'],
    [{ type: 'git', url: 'git+https://github.com/o/r.git' }, 'https://github.com/o/r'],
    ['git@codeberg.org:o/r.git', 'https://codeberg.org/o/r'],
    ['github:o/r', 'https://github.com/o/r'],
    [undefined, undefined],
  ])('normalises %j', (input, expected) => {
    expect(repoWebUrl(input)).toBe(expected);
  });
});

describe('parseHtml()', () => {
  test('separates what a page loads from what it links', () => {
    const html = parseHtml(
      '<a href="https://a.example/">a</a><link rel="canonical" href="https://b.example/"><link rel="stylesheet" href="https://c.example/x.css">' +
        '<img srcset="/a.png 1x, https://d.example/b.png 2x"><div style="background:url(\'https://e.example/i.png\')"></div>' +
        '<style>@import "https://f.example/y.css";</style><script>const s = "<img src=https://g.example/>";</script><svg><use href="#icon"/></svg>',
    );
    const loads = html.refs.filter((r) => r.kind === 'load').map((r) => r.url);
    expect(loads).toEqual([
      'https://c.example/x.css',
      '/a.png',
      'https://d.example/b.png',
      'https://e.example/i.png',
      'https://f.example/y.css',
      '#icon',
    ]);
    expect(html.refs.filter((r) => r.kind === 'navigate').map((r) => r.url)).toEqual([
      'https://a.example/',
      'https://b.example/',
    ]);
    expect(html.scripts).toEqual(['const s = "<img src=https://g.example/>";']);
  });

  test('tells the page content from the sidebar and header', () => {
    const html = parseHtml(
      '<nav class="sidebar"><a href="/a/">a</a></nav><div class="x sl-markdown-content"><img src="/i.png"><p><a href="/b/">b</a></p></div><footer><a href="/c/">c</a></footer>',
    );
    expect(html.refs.map((r) => [r.url, r.inContent])).toEqual([
      ['/a/', false],
      ['/i.png', true],
      ['/b/', true],
      ['/c/', false],
    ]);
  });

  test('finds Astro directives that leaked into the HTML', () => {
    const html = parseHtml(
      '<svg><style set:html="#m{fill:red}"></style></svg><div class:list="a"></div><p data-x="set:html">ok</p>',
    );
    expect(html.directives).toEqual(['<style set:html>', '<div class:list>']);
  });
});

describe('scripts/check-links.ts', () => {
  const script = join(import.meta.dirname, '../../scripts/check-links.ts');
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [script, '--root', root, ...args], {
      encoding: 'utf8',
      env: {
        ...process.env,
        AVALANCHE_SITE_URL: 'http://127.0.0.1:4321/',
        AVALANCHE_REPO_URL: 'https://git.example.org/ops/avalanche',
      },
    });

  test('exits 1 and names page, link and reason for each broken link', () => {
    const r = run('--dist', join(root, 'dist'));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('/: a[href] "/guide/#missing": no element with id "missing" on /guide/\n');
    expect(r.stderr.trim().split('\n')).toHaveLength(7);
    expect(r.stdout).toMatch(/check:links: 3 pages, \d+ links, 2 external, 1 repository files, 7 broken, in \d+ ms/);
    expect(r.stdout).toContain('https://tailscale.com/kb/1019/subnets\n      on /, /guide/');
  });

  test('exits 2 with what to do when there is no build', () => {
    const r = run('--dist', join(root, 'no-such-dist'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no built site in .*no-such-dist.*Run `npm run build` first/);
  });
});
