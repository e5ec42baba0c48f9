/**
 * A small writer of Mermaid flowchart source, so diagrams built from the inventory quote labels, draw
 * planned things dashed and badged "(planned)" in one way, and always carry accTitle/accDescr (the text
 * alternative the build requires). https://mermaid.js.org/syntax/flowchart.html
 */
import type { Status } from '../inventory/inventory.ts';

export interface Diagram {
  title: string;
  description: string;
  source: string;
  /** Many nodes side by side: the page wraps it in .diagram-wide. */
  wide: boolean;
}

/** A Mermaid node id from any name ("vpn-proxy-iceland" -> "n_vpn_proxy_iceland"). */
export const id = (...parts: string[]) => `n_${parts.join('_').replace(/[^A-Za-z0-9]+/g, '_')}`;

/** A quoted label; `#quot;` is Mermaid's entity for a double quote inside one. */
const quote = (text: string) => `"${text.replace(/"/g, '#quot;')}"`;

/** "(planned)" or "(retired)" after a label, nothing when live. */
export const badge = (status: Status) => (status === 'live' ? '' : `<br/>(${status})`);

export class Flowchart {
  private lines: string[] = [];
  private planned = new Set<string>();
  /** Index (Mermaid numbers links in order, invisible ones included) of each dashed link. */
  private dashedLinks: number[] = [];
  private links = 0;
  private depth = 1;

  private readonly title: string;
  private readonly direction: 'TB' | 'LR';

  constructor(title: string, direction: 'TB' | 'LR' = 'TB') {
    this.title = title;
    this.direction = direction;
  }

  node(nodeId: string, label: string, status: Status = 'live'): this {
    this.lines.push(`${'  '.repeat(this.depth)}${nodeId}[${quote(label + badge(status))}]`);
    if (status !== 'live') this.planned.add(nodeId);
    return this;
  }

  /** An arrow; dashed when either end is not live yet (or `dashed`), with an optional label. */
  edge(
    from: string,
    to: string,
    opts: { label?: string; dashed?: boolean; undirected?: boolean; invisible?: boolean } = {},
  ): this {
    const dashed = opts.dashed || this.planned.has(from) || this.planned.has(to);
    let arrow = opts.invisible ? '~~~' : dashed ? (opts.undirected ? '-.-' : '-.->') : opts.undirected ? '---' : '-->';
    if (opts.label && !opts.invisible) arrow += `|${quote(opts.label)}|`;
    if (dashed && !opts.invisible) this.dashedLinks.push(this.links);
    this.links++;
    this.lines.push(`${'  '.repeat(this.depth)}${from} ${arrow} ${to}`);
    return this;
  }

  group(groupId: string, label: string, body: () => void): this {
    this.lines.push(`${'  '.repeat(this.depth)}subgraph ${groupId}[${quote(label)}]`);
    this.depth++;
    body();
    this.depth--;
    this.lines.push(`${'  '.repeat(this.depth)}end`);
    return this;
  }

  render(description: string, wide = false): Diagram {
    const head = wide
      ? [
          '---',
          'config:',
          '  flowchart:',
          '    nodeSpacing: 20',
          '    rankSpacing: 30',
          '    subGraphTitleMargin:',
          '      top: 4',
          '      bottom: 10',
          '---',
        ]
      : [];
    const planned = [...this.planned];
    // Mermaid's dotted links are thin: drawn wider, so a planned link stays visible on a phone-sized diagram.
    const style = [
      ...(planned.length ? ['  classDef planned stroke-dasharray: 6 4', `  class ${planned.join(',')} planned`] : []),
      ...(this.dashedLinks.length
        ? [`  linkStyle ${this.dashedLinks.join(',')} stroke-width:2.5px,stroke-dasharray:7 4`]
        : []),
    ];
    const source = [
      ...head,
      `flowchart ${this.direction}`,
      `  accTitle: ${this.title}`,
      `  accDescr: ${description.replace(/\s*\n\s*/g, ' ')}`,
      ...this.lines,
      ...style,
    ].join('\n');
    return { title: this.title, description, source, wide };
  }
}

/** A sentence list for a text alternative: "a, b and c". */
export const sentenceList = (items: string[]) =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
