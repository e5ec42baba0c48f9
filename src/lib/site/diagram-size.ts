/**
 * How wide a diagram must be drawn for its text to stay legible on a phone.
 *
 * Mermaid draws an SVG with a viewBox and `width="100%"`, `max-width: <natural width>px`, so on a
 * 390 px phone a 900-unit-wide diagram shrinks to ~40% and its 16 px labels to ~6 px. Every diagram
 * gets `min-width` = natural width × 12 / (its smallest font size): never drawn smaller than 12 px text.
 * When that is wider than the column, its figure scrolls sideways with a cue (site.css, scroll-cue.ts),
 * and a tap opens it full size (diagram-figure.ts).
 */
import type { Element, Root as HastRoot } from 'hast';
import { visit } from 'unist-util-visit';

/** The smallest text, in CSS px as displayed, a diagram may be drawn with. */
export const MIN_DIAGRAM_TEXT_PX = 12;
/** Mermaid's default font size (mermaid's config.schema.yaml, `fontSize: 16`). */
const MERMAID_DEFAULT_FONT_PX = 16;

/** Natural width (viewBox units = px at 100%) and smallest font size of an SVG's markup. */
export function svgMetrics(viewBox: string | undefined, css: string): { width: number; minFont: number } | undefined {
  const width = Number(viewBox?.trim().split(/[\s,]+/)[2]);
  if (!Number.isFinite(width) || width <= 0) return undefined;
  return { width, minFont: smallestFont(css) };
}

/**
 * The smallest font-size (px) the CSS gives to drawn text. Mermaid's stylesheet also styles its
 * tooltip (div.mermaidTooltip, 12px), which is not part of the drawing: rules for it are skipped.
 */
export function smallestFont(css: string): number {
  const sizes: number[] = [];
  for (const [, selector = '', body = ''] of css.matchAll(/([^{};]*)\{([^}]*)\}|([^{}]+)/g)) {
    if (/tooltip/i.test(selector)) continue;
    for (const m of (body || selector).matchAll(/font-size\s*:\s*([\d.]+)px/g)) sizes.push(Number(m[1]));
  }
  const drawn = sizes.filter((n) => n > 0);
  return drawn.length ? Math.min(...drawn) : MERMAID_DEFAULT_FONT_PX;
}

/** The CSS min-width (px) that keeps the smallest text at MIN_DIAGRAM_TEXT_PX. */
export function legibleMinWidth(metrics: { width: number; minFont: number }): number {
  return Math.ceil((metrics.width * MIN_DIAGRAM_TEXT_PX) / metrics.minFont);
}

const textOf = (node: Element): string =>
  node.children
    .map((c) =>
      c.type === 'text' || (c as { type: string }).type === 'raw'
        ? (c as { value: string }).value
        : c.type === 'element'
          ? textOf(c)
          : '',
    )
    .join('');

/** Rehype: after rehype-mermaid, give each diagram SVG its legible min-width. */
export function rehypeDiagramSize() {
  return (tree: HastRoot) => {
    visit(tree, 'element', (node: Element) => {
      if (node.tagName !== 'svg' || !String(node.properties?.id ?? '').startsWith('mermaid')) return;
      let css = '';
      visit(node, 'element', (el: Element) => {
        if (el.tagName === 'style') css += textOf(el);
        if (typeof el.properties?.style === 'string') css += `{${el.properties.style}}`;
      });
      const metrics = svgMetrics(node.properties?.viewBox as string | undefined, css);
      if (!metrics) return;
      const min = legibleMinWidth(metrics);
      // --natural-width: the full-size view (a tapped diagram, site.css) draws it at 100%.
      node.properties.style = `--natural-width: ${Math.round(metrics.width)}; max-width: ${Math.max(metrics.width, min)}px; min-width: ${min}px;`;
    });
  };
}

/**
 * The same for diagrams rendered in the browser (no Chromium at build time): source of a function
 * `sizeDiagrams()` for the client module (mermaid-client.ts), kept beside the build-time one.
 */
export const CLIENT_SIZE_SOURCE = `
const MIN_TEXT = ${MIN_DIAGRAM_TEXT_PX};
const MERMAID_DEFAULT_FONT_PX = ${MERMAID_DEFAULT_FONT_PX};
${smallestFont.toString()}
function sizeDiagrams() {
  for (const svg of document.querySelectorAll('figure.diagram svg[id^="mermaid"]')) {
    const width = Number(svg.getAttribute('viewBox')?.trim().split(/[\\s,]+/)[2]);
    if (!(width > 0)) continue;
    const css = [...svg.querySelectorAll('style')].map((s) => s.textContent).join('') + [...svg.querySelectorAll('[style]')].map((e) => '{' + e.getAttribute('style') + '}').join('');
    const min = Math.ceil((width * MIN_TEXT) / smallestFont(css));
    svg.style.setProperty('--natural-width', String(Math.round(width)));
    svg.style.maxWidth = Math.max(width, min) + 'px';
    svg.style.minWidth = min + 'px';
    svg.dataset.sized = '';
  }
}
`;
