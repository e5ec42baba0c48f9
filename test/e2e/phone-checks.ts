/**
 * What a reader on a phone can and cannot see, and what a copy button copies, read from a loaded page
 * (issue 14, points 1 and 3). The judgement of the copied text is src/lib/site/commands.ts; here only
 * what the browser shows.
 */
import type { Page } from 'playwright-core';

export interface Hidden {
  what: string;
  text: string;
  /** Why it does not count as reachable: no scroller, or a scroller without a visible cue. */
  reason: string;
}

/**
 * Table cells and diagram labels that lie (partly) outside the visible area of the page or of a box
 * that clips them, unless the box they are in is a visible scroller: it scrolls sideways, has more to
 * show, and its frame's cue is on screen (scrollers.ts, MarkdownContent.astro).
 */
export function hiddenContent(page: Page): Promise<Hidden[]> {
  return page.evaluate(() => {
    const iw = document.documentElement.clientWidth;
    const items: Array<[Element, string]> = [
      ...[...document.querySelectorAll('.sl-markdown-content :is(td, th)')].map(
        (el) => [el, 'table cell'] as [Element, string],
      ),
      ...[...document.querySelectorAll('figure.diagram svg :is(foreignObject, text)')]
        .filter((el) => !(el.tagName.toLowerCase() === 'text' && el.closest('foreignObject')))
        .map((el) => [el, 'diagram label'] as [Element, string]),
    ];
    const out: Array<{ what: string; text: string; reason: string }> = [];
    for (const [el, what] of items) {
      const r = el.getBoundingClientRect();
      const text = (el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 50);
      if (r.width === 0 || !text) continue;
      let left = 0;
      let right = iw;
      let scroller: HTMLElement | undefined;
      for (let a = el.parentElement; a && a !== document.documentElement; a = a.parentElement) {
        const overflow = getComputedStyle(a).overflowX;
        if (overflow === 'visible') continue;
        const box = a.getBoundingClientRect();
        left = Math.max(left, box.left + a.clientLeft);
        right = Math.min(right, box.left + a.clientLeft + a.clientWidth);
        if (!scroller && (overflow === 'auto' || overflow === 'scroll')) scroller = a;
      }
      // 2 px of slack: a table as wide as its box measures a pixel wider after rounding, hiding nothing.
      if (r.left >= left - 2 && r.right <= right + 2) continue;
      if (!scroller) {
        out.push({
          what,
          text,
          reason: `outside the visible area (${Math.round(r.left)}..${Math.round(r.right)} px of ${iw}) with no scroller around it`,
        });
        continue;
      }
      const frame = scroller.closest<HTMLElement>('.scroll-frame');
      const cue = frame?.querySelector<HTMLElement>(':scope > .scroll-cue');
      const cueShown = Boolean(cue && cue.checkVisibility() && cue.getBoundingClientRect().height > 0);
      if (scroller.scrollWidth <= scroller.clientWidth + 2)
        out.push({ what, text, reason: 'clipped by a box that does not scroll' });
      else if (!frame?.dataset.overflow || !cueShown)
        out.push({ what, text, reason: 'in a scroller that shows no cue that it scrolls' });
    }
    return out;
  });
}

/** Per diagram: the smallest text size as displayed (CSS px, after the SVG's scaling). */
export function diagramTextSizes(page: Page): Promise<Array<{ caption: string; smallest: number; label: string }>> {
  return page.evaluate(() =>
    [...document.querySelectorAll('figure.diagram')].map((fig) => {
      let smallest = Number.POSITIVE_INFINITY;
      let label = '';
      const note = (size: number, text: string) => {
        if (text && size < smallest) {
          smallest = size;
          label = text.slice(0, 40);
        }
      };
      for (const fo of fig.querySelectorAll('svg foreignObject')) {
        const scale = (fo as SVGGraphicsElement).getScreenCTM()?.a ?? 1;
        for (const el of fo.querySelectorAll('*')) {
          const own = [...el.childNodes]
            .filter((n) => n.nodeType === Node.TEXT_NODE)
            .map((n) => n.textContent ?? '')
            .join('')
            .trim();
          if (own) note(Number.parseFloat(getComputedStyle(el).fontSize) * scale, own);
        }
      }
      for (const t of fig.querySelectorAll('svg text')) {
        if (t.closest('foreignObject')) continue;
        const scale = (t as SVGGraphicsElement).getScreenCTM()?.a ?? 1;
        note(Number.parseFloat(getComputedStyle(t).fontSize) * scale, (t.textContent ?? '').trim());
      }
      return {
        caption: fig.querySelector('figcaption .diagram-title')?.textContent?.trim() ?? '',
        smallest: Number.isFinite(smallest) ? smallest : 0,
        label,
      };
    }),
  );
}

export interface CopyBlock {
  /** What its copy button puts on the clipboard. */
  text: string;
  /** The block's language: "sh" for <Command>, Expressive Code's data-language otherwise. */
  lang: string;
  /** Inside a caution aside (Starlight's :::caution / <Aside type="caution">). */
  underCaution: boolean;
}

/** Every block with a copy button, in page order: <Command> blocks and Expressive Code blocks. */
export function copyBlocks(page: Page): Promise<CopyBlock[]> {
  return page.evaluate(() =>
    [
      ...document.querySelectorAll<HTMLElement>('button.command-copy[data-copy], .expressive-code button[data-code]'),
    ].map((button) => {
      const command = button.classList.contains('command-copy');
      // Expressive Code stores line breaks as U+007F in data-code (its copy script turns them back).
      const text = command ? (button.dataset.copy ?? '') : (button.dataset.code ?? '').replace(/\u007f/g, '\n');
      const lang = command ? 'sh' : (button.closest('figure')?.querySelector('pre')?.dataset.language ?? '');
      return { text, lang, underCaution: Boolean(button.closest('aside.starlight-aside--caution')) };
    }),
  );
}

/**
 * Words of a command block (a flag with its value counts as one) that the phone breaks across lines:
 * a command must wrap between flags, never inside one. A word wider than its block cannot help it and
 * is not counted (the block then scrolls).
 */
export function brokenCommandWords(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('.command .command-word:not(.command-path)')]
      .filter((w) => {
        const lines = new Set([...w.getClientRects()].map((r) => Math.round(r.top)));
        const block = w.closest('pre')!;
        return lines.size > 1 && w.scrollWidth <= block.clientWidth;
      })
      .map((w) => w.textContent ?? ''),
  );
}

/**
 * Command blocks whose text does not fit their box (the rest would sit under the edge, unseen on a phone):
 * wrapping between flags and after a path's slashes must be enough.
 */
export function hiddenCommandText(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('.command pre')]
      .filter((pre) => pre.scrollWidth > pre.clientWidth + 1)
      .map((pre) => `${pre.textContent ?? ''} (${pre.scrollWidth} px in ${pre.clientWidth} px)`),
  );
}
