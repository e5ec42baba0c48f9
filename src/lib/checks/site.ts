/**
 * The built site as a set of files and parsed pages, shared by the link check and the scan for
 * outside requests. A page's URL follows Astro's default `build.format: 'directory'`:
 * dist/foo/index.html is /foo/, dist/404.html is /404.html.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { type HtmlPage, parseHtml } from './html.ts';

export interface BuiltSite {
  dist: string;
  /** Every file, as a URL path ("/_astro/x.css", "/foo/index.html"). */
  files: Set<string>;
  /** Parsed HTML pages by URL path of the file ("/foo/index.html"). */
  pages: Map<string, HtmlPage>;
}

export function walk(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

export function toUrlPath(dist: string, file: string): string {
  return '/' + relative(dist, file).split(sep).join('/');
}

/** "/foo/index.html" -> "/foo/", "/404.html" -> "/404.html". */
export function pageUrl(filePath: string): string {
  return filePath.endsWith('/index.html') ? filePath.slice(0, -'index.html'.length) : filePath;
}

export function loadSite(dist: string): BuiltSite {
  const files = new Set<string>();
  const pages = new Map<string, HtmlPage>();
  for (const file of walk(dist)) {
    const path = toUrlPath(dist, file);
    files.add(path);
    if (path.endsWith('.html')) pages.set(path, parseHtml(readFileSync(file, 'utf8')));
  }
  return { dist, files, pages };
}

/**
 * The file a URL path is served from, the way a static server does it: exact file, then
 * "<path>/index.html" (for "/foo/" and "/foo"), then "<path>.html".
 */
export function resolveFile(files: Set<string>, urlPath: string): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (path.endsWith('/')) return files.has(`${path}index.html`) ? `${path}index.html` : undefined;
  if (files.has(path)) return path;
  if (files.has(`${path}/index.html`)) return `${path}/index.html`;
  if (files.has(`${path}.html`)) return `${path}.html`;
  return undefined;
}

/**
 * The content file a page was built from, when there is one ("/migration/phase-2/" ->
 * "src/content/docs/migration/phase-2.mdx").
 */
export function sourceOf(repoRoot: string, page: string): string | undefined {
  const slug = page.replace(/^\/|\/$/g, '').replace(/\.html$/, '');
  const stems = slug === '' ? ['index'] : [slug, `${slug}/index`];
  for (const stem of stems) {
    for (const ext of ['.mdx', '.md', '.mdoc']) {
      const rel = `src/content/docs/${stem}${ext}`;
      if (existsSync(join(repoRoot, rel))) return rel;
    }
  }
  return undefined;
}

/** The site's published URL, from the home page's canonical link (Astro writes it from `site`). */
export function siteUrlOf(site: BuiltSite): string | undefined {
  const home = site.pages.get('/index.html');
  return home?.refs.find((r) => r.where.startsWith('link[rel=canonical'))?.url;
}
