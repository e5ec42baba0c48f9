/**
 * Build-time Mermaid for the Markdown pipeline.
 *
 * - remarkDiagrams (diagram-figure.ts) turns ```mermaid fences into figures, refusing a diagram without
 *   a text alternative or one Mermaid cannot parse, at its file and line, in both modes below.
 * - With a Chromium (chromium.ts: Debian's, or the one npm brought), rehype-mermaid renders each diagram
 *   to inline SVG (no diagram JavaScript), all in one Chromium page that loads Mermaid once
 *   (mermaid-browser.ts says why), and rehypeDiagramSize keeps its text legible on a phone.
 *   Without one (AVALANCHE_CHROMIUM=none, or no Chromium for this machine), diagrams stay
 *   as source and a small module renders them in the browser, only on pages that have a diagram.
 */
import type { RehypePlugins, RemarkPlugins } from '@astrojs/markdown-remark';
import type { Element, Root as HastRoot } from 'hast';
import rehypeMermaid, { type RehypeMermaidOptions } from 'rehype-mermaid';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { CHROMIUM_ARGS, CHROMIUM_INSTALL_HINT, ensureChromium, NPM_CHROMIUM, type FoundChromium } from './chromium.ts';
import { DiagramError, pageOf, remarkDiagrams } from './diagram-figure.ts';
import { rehypeDiagramSize } from './diagram-size.ts';
import { sharedMermaidBrowser, type SharedBrowser } from './mermaid-browser.ts';

export { remarkDiagrams } from './diagram-figure.ts';
export const MERMAID_CLIENT_DIR = '_mermaid';

/** Without Chromium: keep the source and add the client loader once per page that needs it. */
function rehypeClientMermaid() {
  return (tree: HastRoot) => {
    let found = false;
    visit(tree, 'element', (node: Element) => {
      if (node.tagName === 'pre' && (node.properties?.className as string[] | undefined)?.includes('mermaid'))
        found = true;
    });
    if (found) {
      tree.children.push({
        type: 'element',
        tagName: 'script',
        properties: { type: 'module', src: `/${MERMAID_CLIENT_DIR}/init.js` },
        children: [],
      });
    }
  };
}

/**
 * Keep the CSS inside each rendered SVG as raw text. Astro's MDX pipeline turns a <style> element's
 * text child into a `set:html` property and then writes it out as an attribute, so the page would
 * ship `<style set:html="…">` with no CSS and the diagram would render as black boxes.
 */
export function rehypeRawSvgStyles() {
  return (tree: HastRoot) => {
    visit(tree, 'element', (node: Element) => {
      if (node.tagName !== 'style') return;
      node.children = node.children.map((c) => (c.type === 'text' ? ({ type: 'raw', value: c.value } as never) : c));
    });
  };
}

export interface DiagramSetup {
  chromium: FoundChromium | undefined;
  /** The one Chromium page every diagram renders in (undefined without Chromium). */
  browser?: SharedBrowser;
  remarkPlugins: RemarkPlugins;
  rehypePlugins: RehypePlugins;
}

/** The one line a build prints when diagrams will render in the browser instead. */
export function noChromiumWarning(env: NodeJS.ProcessEnv): string {
  const forced = env.AVALANCHE_CHROMIUM;
  const why =
    forced === 'none'
      ? 'AVALANCHE_CHROMIUM=none'
      : forced === 'npm'
        ? `AVALANCHE_CHROMIUM=npm, and node_modules has no ${NPM_CHROMIUM} for this machine (it is for Linux x64; run \`npm install\`)`
        : forced
          ? `AVALANCHE_CHROMIUM=${forced} is not an executable`
          : 'no Chromium found';
  return `[diagrams] ${why}: diagrams will render in the browser instead of at build time (each is still checked here); for build-time SVGs ${env.AVALANCHE_CHROMIUM ? 'unset AVALANCHE_CHROMIUM or point it at a Chromium' : CHROMIUM_INSTALL_HINT}.`;
}

export async function diagramSetup(
  env: NodeJS.ProcessEnv = process.env,
  warn: (msg: string) => void = console.warn,
): Promise<DiagramSetup> {
  const chromium = await ensureChromium(env);
  if (!chromium) {
    warn(noChromiumWarning(env));
    return { chromium, remarkPlugins: [remarkDiagrams], rehypePlugins: [rehypeClientMermaid] };
  }
  const browser = sharedMermaidBrowser();
  const options: RehypeMermaidOptions = {
    strategy: 'inline-svg',
    browserType: browser.browserType as RehypeMermaidOptions['browserType'],
    launchOptions: { executablePath: chromium.path, args: CHROMIUM_ARGS },
    mermaidConfig: { theme: 'neutral', fontFamily: 'system-ui, sans-serif' },
    errorFallback: (el: unknown, diagram: string, error: unknown, file: VFile) => {
      // Every diagram already parsed in remarkDiagrams: this is a rendering failure; name the fence.
      const line = (el as Element | undefined)?.properties?.dataLine ?? '0';
      const first = diagram.trim().split('\n')[0];
      throw new DiagramError(
        `${pageOf(file)}:${line}: Mermaid diagram starting "${first}" could not be rendered: ${(error as Error)?.message ?? error}`,
      );
    },
  };
  return {
    chromium,
    browser,
    remarkPlugins: [remarkDiagrams],
    rehypePlugins: [[rehypeMermaid as never, options], rehypeDiagramSize, rehypeRawSvgStyles],
  };
}
