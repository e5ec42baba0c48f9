/**
 * The static half of "no page loads anything from outside" (issue 2, "Reading over Tailscale"):
 * the site is read over the tailnet, often from a phone with no other route, so a font, script,
 * style or image from another host would be missing or leak the visit. Scans the build for
 * absolute http(s) URLs in what a browser loads: src/srcset/data attributes, stylesheets, icons and
 * preloads, CSS url() and @import (in .css files, <style> and style=""), and literal URLs passed
 * to fetch()/import()/importScripts()/new Worker()/EventSource/WebSocket in scripts.
 * Plain <a href> navigation to another site is allowed: that is an external link.
 * The browser tests are the dynamic half: they intercept every request a page makes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cssUrls, parseHtml } from './html.ts';
import type { BuiltSite } from './site.ts';

export interface OutsideLoad {
  /** URL path of the file in the build ("/index.html", "/_astro/x.css"). */
  file: string;
  where: string;
  url: string;
}

const ABSOLUTE = /^(?:https?:)?\/\//i;
const JS_LOADS = [
  /\b(?:fetch|import|importScripts)\s*\(\s*(["'`])((?:https?:)?\/\/[^"'`\s]+)\1/g,
  /\bfrom\s*(["'])((?:https?:)?\/\/[^"'\s]+)\1/g,
  /\bimport\s*(["'])((?:https?:)?\/\/[^"'\s]+)\1/g,
  /\bnew\s+(?:Worker|SharedWorker|EventSource|WebSocket)\s*\(\s*(["'`])((?:https?:|wss?:)?\/\/[^"'`\s]+)\1/g,
];

export function jsLoads(code: string): string[] {
  const urls: string[] = [];
  for (const re of JS_LOADS) for (const m of code.matchAll(re)) urls.push(m[2]!);
  return urls;
}

export function scanOutsideLoads(site: BuiltSite): OutsideLoad[] {
  const found: OutsideLoad[] = [];
  for (const [file, page] of site.pages) {
    for (const ref of page.refs)
      if (ref.kind === 'load' && ABSOLUTE.test(ref.url)) found.push({ file, where: ref.where, url: ref.url });
    for (const code of page.scripts)
      for (const url of jsLoads(code)) found.push({ file, where: 'inline <script>', url });
  }
  for (const file of site.files) {
    const ext = /\.([a-z]+)$/i.exec(file)?.[1]?.toLowerCase();
    if (!ext || !['css', 'js', 'mjs', 'svg'].includes(ext)) continue;
    const text = readFileSync(join(site.dist, file), 'utf8');
    if (ext === 'css')
      for (const url of cssUrls(text)) if (ABSOLUTE.test(url)) found.push({ file, where: 'CSS url()/@import', url });
    if (ext === 'js' || ext === 'mjs') for (const url of jsLoads(text)) found.push({ file, where: 'script', url });
    if (ext === 'svg') {
      for (const ref of parseHtml(text).refs)
        if (ref.kind === 'load' && ABSOLUTE.test(ref.url)) found.push({ file, where: ref.where, url: ref.url });
    }
  }
  return found;
}
