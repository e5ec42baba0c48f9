/**
 * The line-width limit of the code (`npm run format:check`). Prettier keeps code within its printWidth but
 * never breaks a string, a template literal, a regular expression or a comment, so this check covers what
 * Prettier leaves: a line over the limit is a finding unless it is long because of such a literal or a URL,
 * measured by counting each literal or URL as two characters. A long comment or a long line of code is
 * never allowed: wrap it.
 *
 * Why a small check of our own: ESLint's max-len (now in @stylistic) has the same options (ignoreStrings,
 * ignoreTemplateLiterals, ignoreRegExpLiterals, ignoreUrls) but would bring ESLint, a TypeScript parser and
 * an Astro parser for one rule, and its ignoreStrings allows a whole line as soon as it holds any string.
 * TypeScript's own parser (already here for `astro check`) finds the literals exactly.
 */
import ts from 'typescript';

export const MAX_WIDTH = 120;

export interface WidthFinding {
  file: string;
  line: number;
  width: number;
  /** The width once every literal and URL on the line counts as two characters. */
  codeWidth: number;
}

interface Span {
  start: number;
  end: number;
}

const URL_RE = /\bhttps?:\/\/\S+/g;

/** Literal spans (strings, templates with their substitutions, regular expressions, JSX text) of TS/JS source. */
function literalSpans(text: string, fileName: string): Span[] {
  const kind = /\.(m?js|cjs)$/.test(fileName)
    ? ts.ScriptKind.JS
    : /\.tsx$/.test(fileName)
      ? ts.ScriptKind.TSX
      : ts.ScriptKind.TS;
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, kind);
  const spans: Span[] = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isStringLiteral(node) ||
      ts.isNoSubstitutionTemplateLiteral(node) ||
      ts.isTemplateExpression(node) ||
      ts.isRegularExpressionLiteral(node) ||
      node.kind === ts.SyntaxKind.JsxText
    ) {
      spans.push({ start: node.getStart(source), end: node.getEnd() });
    }
    // A template's substitutions count as part of the message it builds, so its children are not visited.
    if (!ts.isTemplateExpression(node)) ts.forEachChild(node, visit);
  };
  visit(source);
  return spans;
}

/**
 * Literal spans of an .astro file: its frontmatter is TypeScript; in the markup, quoted attribute values and
 * `{...}` expressions holding a string or template count as literals.
 */
function astroSpans(text: string): Span[] {
  const fence = /^---\r?\n([\s\S]*?)\r?\n---\r?$/m.exec(text);
  const spans: Span[] = [];
  let markupFrom = 0;
  if (fence && fence.index === 0) {
    const offset = fence[0].indexOf('\n') + 1;
    for (const s of literalSpans(fence[1], 'frontmatter.ts'))
      spans.push({ start: s.start + offset, end: s.end + offset });
    markupFrom = fence[0].length;
  }
  const markup = /"[^"\n]*"|'[^'\n]*'|`[^`]*`/g;
  markup.lastIndex = markupFrom;
  for (let m = markup.exec(text); m; m = markup.exec(text)) spans.push({ start: m.index, end: m.index + m[0].length });
  return spans;
}

/** Findings for one file's text; the file name decides how it is read (.ts/.mjs/.cjs/.tsx/.astro, else plain). */
export function checkWidth(file: string, text: string, max = MAX_WIDTH): WidthFinding[] {
  const lines = text.split('\n');
  if (!lines.some((l) => l.length > max)) return [];
  const spans = /\.astro$/.test(file)
    ? astroSpans(text)
    : /\.(m?[jt]sx?|cjs)$/.test(file)
      ? literalSpans(text, file)
      : [];
  const findings: WidthFinding[] = [];
  let lineStart = 0;
  lines.forEach((line, i) => {
    const from = lineStart;
    const to = lineStart + line.length;
    lineStart = to + 1;
    if (line.length <= max) return;
    // Characters of this line inside a literal or a URL, each run counted as two.
    const covered: Span[] = [];
    for (const s of spans)
      if (s.start < to && s.end > from)
        covered.push({ start: Math.max(s.start, from) - from, end: Math.min(s.end, to) - from });
    for (const m of line.matchAll(URL_RE)) covered.push({ start: m.index, end: m.index + m[0].length });
    covered.sort((a, b) => a.start - b.start);
    let width = 0;
    let at = 0;
    for (const c of covered) {
      if (c.end <= at) continue;
      const start = Math.max(c.start, at);
      width += start - at + 2;
      at = c.end;
    }
    width += line.length - at;
    if (width > max) findings.push({ file, line: i + 1, width: line.length, codeWidth: width });
  });
  return findings;
}
