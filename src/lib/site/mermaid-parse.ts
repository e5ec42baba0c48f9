/**
 * Checks a Mermaid diagram's syntax in Node, with no browser: the build runs it on every diagram in both
 * modes (rendered by Chromium, or left to the browser with AVALANCHE_CHROMIUM=none), so a broken diagram
 * fails the build either way, at its file and line.
 *
 * mermaid.parse() runs the diagram's real parser. Its semantic actions pass labels through DOMPurify,
 * which in Node (no window) is only a factory with no methods ("DOMPurify.addHook is not a function",
 * https://github.com/cure53/DOMPurify#running-dompurify-on-the-server). Nothing is rendered here, so the
 * missing methods are filled with no-ops for this process; a DOMPurify that has a window keeps its own.
 * dompurify is a direct dev dependency (the range Mermaid asks for) so that the one copy in node_modules is
 * the one Mermaid imports.
 */
export interface MermaidSyntaxError {
  /** 1-based line inside the diagram's source, when the parser says which. */
  line?: number;
  message: string;
}

// Static imports: astro.config.mjs loads this file through Vite's config loader, whose module runner is
// closed by the time pages are transformed, so a dynamic import() here would fail then.
import DOMPurify from 'dompurify';
import mermaid from 'mermaid';

let prepared = false;
function prepare(): void {
  if (prepared) return;
  const purify = DOMPurify as unknown as Record<string, unknown>;
  for (const hook of ['addHook', 'removeHook', 'removeHooks', 'removeAllHooks', 'setConfig', 'clearConfig'])
    purify[hook] ??= () => {};
  purify.sanitize ??= (dirty: unknown) => String(dirty);
  prepared = true;
}

/** The syntax error of a diagram, or undefined when it parses. */
export async function mermaidSyntaxError(text: string): Promise<MermaidSyntaxError | undefined> {
  prepare();
  try {
    await mermaid.parse(text);
    return undefined;
  } catch (error) {
    const e = error as { message?: string; hash?: { loc?: { first_line?: number }; line?: number } };
    const message = (e.message ?? String(error)).trim();
    if (/DOMPurify/.test(message))
      throw new Error(
        `Mermaid's DOMPurify was not prepared for Node (${message}): check that node_modules holds one dompurify, the version mermaid asks for (npm ls dompurify).`,
      );
    // Jison parsers (flowchart, sequence, …) give hash.loc / "Parse error on line N"; Langium ones
    // (packet, architecture, …) say "line N" in their message.
    const line = e.hash?.loc?.first_line ?? Number(/\bline (\d+)\b/i.exec(message)?.[1] ?? Number.NaN);
    return {
      ...(Number.isFinite(line) && line > 0 ? { line } : {}),
      message: message
        .split('\n')
        .map((l) => l.trimEnd())
        .join('\n'),
    };
  }
}
