/**
 * remarkDiagrams: each ```mermaid fence becomes a figure that a phone can read, before Expressive Code
 * sees it (EC would otherwise highlight it as code: expressive-code/expressive-code#120).
 *
 * - It refuses a diagram without accTitle/accDescr (Mermaid turns them into the SVG's <title>/<desc>, the
 *   text alternative) and a diagram Mermaid cannot parse, naming the source file and the line in it. The
 *   parse runs in Node (mermaid-parse.ts), so this holds with and without Chromium.
 * - The diagram sits in a scroller with a cue (scrollers.ts), like a table, for when its legible width
 *   (diagram-size.ts) is wider than a phone.
 * - The figure has an id from its title and a link around the diagram to that id: tapping the diagram
 *   opens it full size (CSS `:target`, site.css; no script), the browser's Back or the Close link closes
 *   it. Close goes to an empty anchor just before the figure, so the page stays where the reader was.
 */
import type { Code, Root as MdastRoot } from 'mdast';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { mermaidSyntaxError } from './mermaid-parse.ts';
import { DIAGRAM_CUE } from './scrollers.ts';

export class DiagramError extends Error {
  readonly code = 'E_DIAGRAM';
  constructor(message: string) {
    super(message);
    this.name = 'DiagramError';
  }
}

/** The page's path from the repository root (src/content/docs/…), or whatever the file says. */
export function pageOf(file: VFile): string {
  const path = file.path ?? file.history?.[0] ?? '(unknown page)';
  const i = path.indexOf('src/content/');
  return i >= 0 ? path.slice(i) : path;
}

const slug = (text: string) =>
  text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60) || 'diagram';

const element = (tagName: string, properties: Record<string, unknown>, children: unknown[]) => ({
  type: 'element',
  tagName,
  properties,
  children,
});
const text = (value: string) => ({ type: 'text', value });

export function remarkDiagrams() {
  return async (tree: MdastRoot, file: VFile) => {
    const found: Array<{ node: Code; index: number; parent: { children: unknown[] } }> = [];
    visit(tree, 'code', (node: Code, index, parent) => {
      if (node.lang === 'mermaid' && parent && index !== undefined)
        found.push({ node, index, parent: parent as never });
    });
    const ids = new Set<string>();
    for (const { node, index, parent } of found) {
      // The fence's own line; the diagram's first line is the next one.
      const fence = node.position?.start.line ?? 0;
      const at = (line: number) => `${pageOf(file)}:${fence + line}`;
      const title = /^\s*accTitle:\s*(.+)$/m.exec(node.value)?.[1]?.trim();
      if (!title || !/^\s*accDescr(:|\s*\{)/m.test(node.value)) {
        throw new DiagramError(
          `${pageOf(file)}:${fence}: diagram without a text alternative: add "accTitle: …" and "accDescr: …" lines to the mermaid block.`,
        );
      }
      const error = await mermaidSyntaxError(node.value);
      if (error) {
        const where = error.line ? at(error.line) : `${pageOf(file)}:${fence}`;
        throw new DiagramError(
          `${where}: invalid Mermaid diagram "${title}"${error.line ? ` (line ${error.line} of the diagram)` : ''}: ${error.message}`,
        );
      }
      let id = `diagram-${slug(title)}`;
      for (let n = 2; ids.has(id); n++) id = `diagram-${slug(title)}-${n}`;
      ids.add(id);
      parent.children[index] = {
        type: 'paragraph',
        children: [],
        data: {
          hName: 'div',
          hProperties: { className: ['diagram-frame'] },
          hChildren: [
            element('span', { id: `${id}-closed`, className: ['diagram-anchor'] }, []),
            element('figure', { className: ['diagram', 'scroll-frame'], id, dataScrollKind: 'diagram' }, [
              element('p', { className: ['scroll-cue'], ariaHidden: 'true' }, [text(DIAGRAM_CUE)]),
              element('div', { className: ['scroller'] }, [
                element('a', { className: ['diagram-open'], href: `#${id}`, ariaLabel: `${title}: open full size` }, [
                  element('pre', { className: ['mermaid'], dataLine: String(fence) }, [text(node.value)]),
                ]),
              ]),
              element('figcaption', {}, [
                element('span', { className: ['diagram-title'] }, [text(title)]),
                element('a', { className: ['diagram-close'], href: `#${id}-closed`, dataPagefindIgnore: '' }, [
                  text('Close'),
                ]),
              ]),
            ]),
          ],
        },
      } as never;
    }
  };
}
