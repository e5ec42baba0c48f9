/**
 * Build-time Mermaid for the Markdown pipeline.
 *
 * - remarkDiagrams turns ```mermaid fences into <figure class="diagram"><pre class="mermaid">,
 *   before Expressive Code sees them (EC would otherwise highlight them as code:
 *   expressive-code/expressive-code#120), and refuses a diagram without accTitle/accDescr,
 *   which Mermaid turns into the SVG's <title>/<desc> text alternative.
 * - With a Chromium, rehype-mermaid renders each diagram to inline SVG (no diagram JavaScript),
 *   all in one Chromium page that loads Mermaid once (mermaid-browser.ts says why).
 *   Without one, diagrams stay as source and a small module loads Mermaid in the browser, only
 *   on pages that have a diagram.
 */
import type { RehypePlugins, RemarkPlugins } from '@astrojs/markdown-remark';
import type { Root as MdastRoot, Code } from 'mdast';
import type { Root as HastRoot, Element } from 'hast';
import rehypeMermaid, { type RehypeMermaidOptions } from 'rehype-mermaid';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { CHROMIUM_ARGS, CHROMIUM_INSTALL_HINT, findChromium } from './chromium.ts';
import { sharedMermaidBrowser, type SharedBrowser } from './mermaid-browser.ts';

export const MERMAID_CLIENT_DIR = '_mermaid';

function pageOf(file: VFile): string {
  const path = file.path ?? file.history?.[0] ?? '(unknown page)';
  const i = path.indexOf('src/content/docs/');
  return i >= 0 ? path.slice(i) : path;
}

export function remarkDiagrams() {
  return (tree: MdastRoot, file: VFile) => {
    visit(tree, 'code', (node: Code, index, parent) => {
      if (node.lang !== 'mermaid' || !parent || index === undefined) return;
      const title = /^\s*accTitle:\s*(.+)$/m.exec(node.value)?.[1]?.trim();
      if (!title || !/^\s*accDescr(:|\s*\{)/m.test(node.value)) {
        throw new Error(
          `${pageOf(file)}:${node.position?.start.line ?? 0}: diagram without a text alternative: add "accTitle: …" and "accDescr: …" lines to the mermaid block.`,
        );
      }
      parent.children[index] = {
        type: 'paragraph',
        children: [{ type: 'text', value: node.value }],
        data: {
          hName: 'figure',
          hProperties: { className: ['diagram'] },
          hChildren: [
            { type: 'element', tagName: 'pre', properties: { className: ['mermaid'] }, children: [{ type: 'text', value: node.value }] },
            { type: 'element', tagName: 'figcaption', properties: {}, children: [{ type: 'text', value: title }] },
          ],
        },
      } as never;
    });
  };
}

/** Without Chromium: keep the source and add the client loader once per page that needs it. */
function rehypeClientMermaid() {
  return (tree: HastRoot) => {
    let found = false;
    visit(tree, 'element', (node: Element) => {
      if (node.tagName === 'pre' && (node.properties?.className as string[] | undefined)?.includes('mermaid')) found = true;
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
  chromium: string | undefined;
  /** The one Chromium page every diagram renders in (undefined without Chromium). */
  browser?: SharedBrowser;
  remarkPlugins: RemarkPlugins;
  rehypePlugins: RehypePlugins;
}

export function diagramSetup(env: NodeJS.ProcessEnv = process.env, warn: (msg: string) => void = console.warn): DiagramSetup {
  const chromium = findChromium(env);
  if (!chromium) {
    warn(`[diagrams] no Chromium found: diagrams will render in the browser instead of at build time; for build-time SVGs ${CHROMIUM_INSTALL_HINT}.`);
    return { chromium, remarkPlugins: [remarkDiagrams], rehypePlugins: [rehypeClientMermaid] };
  }
  const browser = sharedMermaidBrowser();
  const options: RehypeMermaidOptions = {
    strategy: 'inline-svg',
    browserType: browser.browserType as RehypeMermaidOptions['browserType'],
    launchOptions: { executablePath: chromium, args: CHROMIUM_ARGS },
    mermaidConfig: { theme: 'neutral', fontFamily: 'system-ui, sans-serif' },
    errorFallback: (_el: unknown, diagram: string, error: unknown, file: VFile) => {
      const first = diagram.trim().split('\n')[0];
      throw new Error(`${pageOf(file)}: invalid Mermaid diagram starting "${first}": ${(error as Error)?.message ?? error}`);
    },
  };
  return { chromium, browser, remarkPlugins: [remarkDiagrams], rehypePlugins: [[rehypeMermaid as never, options], rehypeRawSvgStyles] };
}
