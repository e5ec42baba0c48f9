/**
 * ```diagram fences: a page names a diagram (`topology`, `pattern irc-bot`, …) and this remark step
 * replaces the fence with the Mermaid source generated from the inventory (inventory-diagrams.ts), before
 * the Mermaid step (diagrams.ts) renders it. So no page types a diagram, and a diagram never shows a value
 * the inventory does not hold. Wide diagrams get the .diagram-wide wrapper.
 * The inventory is read from src/data/network.yaml under the build's working directory, fresh for each
 * page, so `astro dev` follows edits to it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Code, Root } from 'mdast';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { loadInventory, type Inventory } from '../inventory/inventory.ts';
import { diagramByName } from './inventory-diagrams.ts';

export const INVENTORY_PATH = 'src/data/network.yaml';

function pageOf(file: VFile): string {
  const path = file.path ?? '(unknown page)';
  const i = path.indexOf('src/content/docs/');
  return i >= 0 ? path.slice(i) : path;
}

export function remarkInventoryDiagrams(options: { inventory?: () => Inventory } = {}) {
  return (tree: Root, file: VFile) => {
    let inv: Inventory | undefined;
    const inventory = () =>
      (inv ??=
        options.inventory?.() ?? loadInventory(INVENTORY_PATH, readFileSync(join(file.cwd, INVENTORY_PATH), 'utf8')));
    visit(tree, 'code', (node: Code, index, parent) => {
      if (node.lang !== 'diagram' || !parent || index === undefined) return;
      let diagram;
      try {
        diagram = diagramByName(inventory(), node.value);
      } catch (err) {
        throw new Error(`${pageOf(file)}:${node.position?.start.line ?? 0}: ${(err as Error).message}`);
      }
      const code: Code = { type: 'code', lang: 'mermaid', value: diagram.source, position: node.position };
      parent.children[index] = diagram.wide
        ? ({
            type: 'paragraph',
            data: { hName: 'div', hProperties: { className: ['diagram-wide'] } },
            children: [code],
          } as never)
        : code;
    });
  };
}
