import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { loadSite } from '../../src/lib/checks/site.ts';
import { jsLoads, scanOutsideLoads } from '../../src/lib/checks/offline.ts';

const roots: string[] = [];
function site(files: Record<string, string>) {
  const root = mkdtempSync(join(tmpdir(), 'offline-'));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return scanOutsideLoads(loadSite(root));
}
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

describe('scanOutsideLoads()', () => {
  test('accepts a site that loads only its own files and links elsewhere', () => {
    expect(
      site({
        'index.html':
          '<link rel="canonical" href="https://docs.example/"><link rel="stylesheet" href="/_astro/a.css"><script src="/_astro/a.js"></script>' +
          '<a href="https://tailscale.com/kb/1019/subnets">Tailscale docs</a><svg xmlns="http://www.w3.org/2000/svg"><use href="#i"/></svg>',
        '_astro/a.css': '@font-face{src:url(/_astro/font.woff2)} .x{background:url("data:image/png;base64,AA==")}',
        '_astro/a.js': 'const ns="http://www.w3.org/2000/svg"; fetch("/pagefind/pagefind.js"); import("./chunk.js");',
      }),
    ).toEqual([]);
  });

  test.each([
    [
      'index.html',
      '<link rel="stylesheet" href="https://fonts.googleapis.com/css2?family=Inter">',
      'https://fonts.googleapis.com/css2?family=Inter',
    ],
    ['index.html', '<script src="//cdn.jsdelivr.net/npm/mermaid"></script>', '//cdn.jsdelivr.net/npm/mermaid'],
    ['index.html', '<img src="https://img.example/logo.png">', 'https://img.example/logo.png'],
    ['index.html', '<link rel="icon" href="https://cdn.example/favicon.ico">', 'https://cdn.example/favicon.ico'],
    ['index.html', '<style>@import "https://fonts.example/a.css";</style>', 'https://fonts.example/a.css'],
    [
      'index.html',
      '<div style="background-image:url(https://img.example/bg.jpg)"></div>',
      'https://img.example/bg.jpg',
    ],
    ['index.html', '<script>fetch("https://api.example/x")</script>', 'https://api.example/x'],
    [
      'a.css',
      '@font-face{src:url("https://fonts.gstatic.com/s/inter.woff2")}',
      'https://fonts.gstatic.com/s/inter.woff2',
    ],
    ['a.js', 'import x from"https://esm.sh/mermaid@11";', 'https://esm.sh/mermaid@11'],
    ['a.svg', '<svg><image href="https://img.example/p.png"/></svg>', 'https://img.example/p.png'],
  ])('finds the outside load in %s: %s', (file, text, url) => {
    const found = site({ [file]: text });
    expect(found.map((f) => f.url)).toEqual([url]);
    expect(found[0]!.file).toBe(`/${file}`);
  });
});

describe('jsLoads()', () => {
  test.each([
    ['await import("https://cdn.example/m.js")', ['https://cdn.example/m.js']],
    ['new Worker(`https://w.example/w.js`)', ['https://w.example/w.js']],
    ['new WebSocket("wss://ws.example/")', ['wss://ws.example/']],
    ['importScripts("//cdn.example/s.js")', ['//cdn.example/s.js']],
    ['const a = "https://just.a.string/"; fetch(a)', []],
  ])('%s', (code, urls) => {
    expect(jsLoads(code)).toEqual(urls);
  });
});
