/**
 * First-load weight of each page of the build, for the benchmark (issue 2: every page within 80 KB
 * gzip; a plain Starlight page is about 28 KB): the HTML, the stylesheets and scripts it references,
 * and the modules those scripts import statically (the browser fetches them before running the
 * page). Each file is counted once per page, by the size of its gzip (zlib's default level, as a
 * web server would send it). Dynamic imports (search, loaded when the dialog opens) are not first load.
 */
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type BuiltSite, pageUrl } from './site.ts';

export interface PageWeight {
  page: string;
  /** gzip bytes of the HTML, the CSS and the JS of the first load. */
  html: number;
  css: number;
  js: number;
  total: number;
  /** gzip bytes of first-load JS that is Mermaid (its file name or content says so). */
  diagramJs: number;
  files: string[];
}

/** Static `import … from "x"`, `import "x"` and `export … from "x"` specifiers of a (minified) module. */
export function staticImports(code: string): string[] {
  const found = new Set<string>();
  for (const m of code.matchAll(/(?:^|[;\s}])(?:import|export)\s*(?:[\w*{}\s,$]+?\s*from\s*)?["']([^"']+)["']/g))
    found.add(m[1]!);
  return [...found];
}

const MERMAID = /mermaid/i;

export function pageWeights(site: BuiltSite): PageWeight[] {
  const gz = new Map<string, number>();
  const text = new Map<string, string>();
  const read = (file: string) => {
    if (!text.has(file)) text.set(file, readFileSync(join(site.dist, file), 'utf8'));
    return text.get(file)!;
  };
  const size = (file: string) => {
    if (!gz.has(file)) gz.set(file, gzipSync(readFileSync(join(site.dist, file))).length);
    return gz.get(file)!;
  };
  const local = (url: string, from: string) => {
    if (/^[a-z]+:|^\/\//i.test(url)) return undefined;
    const path = url.startsWith('/') ? url : posix.join(posix.dirname(from), url);
    const clean = posix.normalize(path.split(/[?#]/)[0]!);
    return site.files.has(clean) ? clean : undefined;
  };

  const weights: PageWeight[] = [];
  for (const [file, html] of site.pages) {
    const css = new Set<string>();
    const js = new Set<string>();
    for (const ref of html.refs) {
      const target = local(ref.url, file);
      if (!target) continue;
      if (ref.where.startsWith('link[rel=stylesheet') && target.endsWith('.css')) css.add(target);
      if ((ref.where === 'script[src]' || ref.where.startsWith('link[rel=modulepreload')) && /\.m?js$/.test(target))
        js.add(target);
    }
    const queue = [...js];
    for (let mod = queue.shift(); mod !== undefined; mod = queue.shift()) {
      for (const spec of staticImports(read(mod))) {
        const dep = local(spec, mod);
        if (dep && !js.has(dep)) {
          js.add(dep);
          queue.push(dep);
        }
      }
    }
    const sum = (files: Iterable<string>) => [...files].reduce((n, f) => n + size(f), 0);
    const w = { page: pageUrl(file), html: size(file), css: sum(css), js: sum(js) };
    const diagramJs = sum([...js].filter((f) => MERMAID.test(f) || /mermaid\.(initialize|run)\(/.test(read(f))));
    weights.push({ ...w, total: w.html + w.css + w.js, diagramJs, files: [file, ...css, ...js] });
  }
  return weights.sort((a, b) => a.page.localeCompare(b.page));
}

export function median(values: number[]): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
