import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadSite } from '../../src/lib/checks/site.ts';
import { median, pageWeights, staticImports, type PageWeight } from '../../src/lib/checks/weight.ts';

const files: Record<string, string> = {
  'index.html':
    '<link rel="stylesheet" href="/_astro/a.css"><script type="module" src="/_astro/page.js"></script><a href="https://x.example/">x</a>',
  'diagram/index.html':
    '<link rel="stylesheet" href="/_astro/a.css"><script type="module" src="/_mermaid/init.js"></script>',
  '_astro/a.css': 'body{color:red}'.repeat(50),
  '_astro/page.js': 'import{a}from"./chunk.js";import"./side.js";const s=()=>import("./lazy.js");',
  '_astro/chunk.js': 'export const a=1;export{b}from"./chunk.js";',
  '_astro/side.js': 'console.log(1)',
  '_astro/lazy.js': 'x'.repeat(5000),
  '_mermaid/init.js': 'import mermaid from "./mermaid.esm.min.mjs"; mermaid.initialize({}); await mermaid.run();',
  '_mermaid/mermaid.esm.min.mjs': 'export default {}; '.repeat(100),
};
const gz = (name: string) => gzipSync(Buffer.from(files[name]!)).length;

let root: string;
let weights: PageWeight[];
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'weight-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  weights = pageWeights(loadSite(root));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('pageWeights()', () => {
  test('counts the HTML, its CSS, its scripts and their static imports, gzipped, each once', () => {
    const home = weights.find((w) => w.page === '/')!;
    expect(home.html).toBe(gz('index.html'));
    expect(home.css).toBe(gz('_astro/a.css'));
    expect(home.js).toBe(gz('_astro/page.js') + gz('_astro/chunk.js') + gz('_astro/side.js'));
    expect(home.total).toBe(home.html + home.css + home.js);
    expect(home.files).not.toContain('/_astro/lazy.js');
    expect(home.diagramJs).toBe(0);
  });

  test('counts the Mermaid client as diagram JavaScript', () => {
    const page = weights.find((w) => w.page === '/diagram/')!;
    expect(page.diagramJs).toBe(gz('_mermaid/init.js') + gz('_mermaid/mermaid.esm.min.mjs'));
  });
});

describe('staticImports()', () => {
  test.each([
    ['import{a}from"./x.js";', ['./x.js']],
    ['import "./side.js"', ['./side.js']],
    ['export*from"./re.js"', ['./re.js']],
    ['const m = await import("./lazy.js")', []],
  ])('%s', (code, specs) => {
    expect(staticImports(code)).toEqual(specs);
  });
});

describe('median()', () => {
  test.each([
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
  ])('%j -> %d', (values, m) => {
    expect(median(values)).toBe(m);
  });
});
