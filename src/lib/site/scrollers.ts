/**
 * Wide content on a phone: every table of a page's content sits in a scroller with a cue, so a column
 * that does not fit is reached by scrolling sideways and the reader is told so (the cue shows only when
 * there is more to see: MarkdownContent.astro's script marks the frame). Done on the rendered HTML of the
 * content, so Markdown tables and tables drawn by components (inventory tables, runbook flags) get the same.
 * Diagrams get the same frame from remarkDiagrams (diagram-figure.ts).
 */

export const TABLE_CUE = 'Scroll sideways to see every column';
export const DIAGRAM_CUE = 'Scroll sideways, or tap the diagram to open it full size';

/**
 * The frame around a scroller: the element the cue script marks with data-overflow. The cue comes
 * first, so a reader sees it before reaching a tall table or diagram.
 */
export function scrollerOpen(kind: 'table' | 'diagram', cue: string): string {
  return `<div class="scroll-frame" data-scroll-kind="${kind}"><p class="scroll-cue" aria-hidden="true">${cue}</p><div class="scroller">`;
}
export const SCROLLER_CLOSE = '</div></div>';

/**
 * Wraps each <table>…</table> of rendered HTML in a scroll frame. Content HTML holds no nested tables,
 * and code blocks escape `<`, so the tags found are real tables. A table already inside a frame is left.
 */
export function wrapTables(html: string): string {
  return html.replace(
    /(<div class="scroller">)?(<table\b[\s\S]*?<\/table>)/g,
    (all, framed: string | undefined, table: string) =>
      framed ? all : `${scrollerOpen('table', TABLE_CUE)}${table}${SCROLLER_CLOSE}`,
  );
}
