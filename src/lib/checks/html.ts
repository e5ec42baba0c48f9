/**
 * Reads one built HTML page for the site checks: the ids a #fragment can point at, and every URL
 * the page refers to, split into what a browser only navigates to (a[href], canonical) and what it
 * loads with the page (scripts, styles, images, fonts, frames, CSS url() and @import).
 *
 * htmlparser2 rather than regexes: attribute values in built pages may hold `>` and entities, and
 * text that looks like a tag inside <script> must not count. It is also fast enough to parse the
 * whole site in a few tens of milliseconds (https://github.com/fb55/htmlparser2#performance).
 */
import { Parser } from 'htmlparser2';

export type RefKind = 'navigate' | 'load';

export interface Ref {
  /** Tag and attribute the URL came from, e.g. "a[href]", "style url()". */
  where: string;
  url: string;
  kind: RefKind;
  /** Inside the page's own content (Starlight's .sl-markdown-content), not the sidebar, header or pagination. */
  inContent: boolean;
}

export interface HtmlPage {
  ids: Set<string>;
  refs: Ref[];
  /** Inline <script> bodies, for the scan of what scripts fetch. */
  scripts: string[];
  /**
   * Astro template directives that reached the HTML ("<style set:html>"): Astro did not process
   * them, so what they carry (a diagram's styles, say) is lost.
   */
  directives: string[];
}

const ASTRO_DIRECTIVE =
  /^(?:set:(?:html|text)|is:(?:raw|inline|global)|class:list|define:vars|client:[a-z]+|server:defer|transition:[a-z]+)$/;

/**
 * <link rel> values a browser fetches with the page; everything else (canonical, sitemap, alternate…) is only a
 * reference.
 */
const LOADING_RELS = new Set([
  'stylesheet',
  'icon',
  'shortcut',
  'apple-touch-icon',
  'preload',
  'modulepreload',
  'prefetch',
  'manifest',
  'mask-icon',
  'dns-prefetch',
  'preconnect',
]);

/** Attributes that make the browser fetch a resource, by tag. */
const LOAD_ATTRS: Record<string, string[]> = {
  script: ['src'],
  img: ['src', 'srcset'],
  source: ['src', 'srcset'],
  video: ['src', 'poster'],
  audio: ['src'],
  track: ['src'],
  iframe: ['src'],
  embed: ['src'],
  object: ['data'],
  input: ['src'],
  image: ['href', 'xlink:href'],
  use: ['href', 'xlink:href'],
  feimage: ['href', 'xlink:href'],
};

/** url(...) and @import "..." in CSS text. */
export function cssUrls(css: string): string[] {
  const urls: string[] = [];
  for (const m of css.matchAll(/url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)/gi))
    urls.push(m[1] ?? m[2] ?? m[3] ?? '');
  for (const m of css.matchAll(/@import\s+(?:"([^"]*)"|'([^']*)')/gi)) urls.push(m[1] ?? m[2] ?? '');
  return urls.filter((u) => u !== '');
}

function srcsetUrls(value: string): string[] {
  return value
    .split(',')
    .map((part) => part.trim().split(/\s+/)[0] ?? '')
    .filter(Boolean);
}

export function parseHtml(html: string): HtmlPage {
  const ids = new Set<string>();
  const refs: Ref[] = [];
  const scripts: string[] = [];
  const directives: string[] = [];
  let inStyle = false;
  let inScript = false;
  let text = '';
  let depth = 0;
  let contentDepth = -1;
  const add = (where: string, url: string, kind: RefKind) => {
    if (url.trim() !== '') refs.push({ where, url: url.trim(), kind, inContent: contentDepth >= 0 });
  };
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        depth++;
        if (contentDepth < 0 && /(?:^|\s)sl-markdown-content(?:\s|$)/.test(attrs.class ?? '')) contentDepth = depth;
        for (const attr of Object.keys(attrs)) if (ASTRO_DIRECTIVE.test(attr)) directives.push(`<${name} ${attr}>`);
        if (attrs.id) ids.add(attrs.id);
        if ((name === 'a' || name === 'area') && attrs.name) ids.add(attrs.name);
        if ((name === 'a' || name === 'area') && attrs.href !== undefined) add(`${name}[href]`, attrs.href, 'navigate');
        if (name === 'a' && attrs['xlink:href'] !== undefined) add('a[xlink:href]', attrs['xlink:href'], 'navigate');
        if (name === 'form' && attrs.action) add('form[action]', attrs.action, 'navigate');
        if (name === 'link' && attrs.href !== undefined) {
          const rels = (attrs.rel ?? '').toLowerCase().split(/\s+/);
          add(`link[rel=${attrs.rel ?? ''}]`, attrs.href, rels.some((r) => LOADING_RELS.has(r)) ? 'load' : 'navigate');
        }
        for (const attr of LOAD_ATTRS[name] ?? []) {
          const value = attrs[attr];
          if (value === undefined) continue;
          if (attr === 'srcset') for (const u of srcsetUrls(value)) add(`${name}[srcset]`, u, 'load');
          else add(`${name}[${attr}]`, value, 'load');
        }
        if (attrs.style) for (const u of cssUrls(attrs.style)) add(`${name}[style] url()`, u, 'load');
        inStyle = name === 'style';
        inScript = name === 'script' && attrs.src === undefined;
        text = '';
      },
      ontext(data) {
        if (inStyle || inScript) text += data;
      },
      onclosetag(name) {
        if (depth === contentDepth) contentDepth = -1;
        depth--;
        if (name === 'style' && inStyle) for (const u of cssUrls(text)) add('style url()', u, 'load');
        if (name === 'script' && inScript) scripts.push(text);
        inStyle = false;
        inScript = false;
        text = '';
      },
    },
    { decodeEntities: true, lowerCaseAttributeNames: true, recognizeSelfClosing: true },
  );
  parser.write(html);
  parser.end();
  return { ids, refs, scripts, directives };
}
