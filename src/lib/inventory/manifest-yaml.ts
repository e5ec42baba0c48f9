/**
 * YAML as the manifest loader reads it: every document of a file parsed once, with line numbers, and the
 * concrete syntax tree kept for checks that need the source as written (src/lib/lint/kubernetes.ts).
 */
import { Composer, isMap, isSeq, LineCounter, Parser, type CST, type Document } from 'yaml';
import { DataFileError } from '../core/errors.ts';

export type PathKey = string | number;

/** A file as loaded: repo-relative path with forward slashes, and its text. */
export interface ManifestFile {
  path: string;
  text: string;
}

/** A manifest that cannot be loaded; `rule` names the lint rule that reports it. */
export class ManifestError extends DataFileError {
  readonly rule: string;
  constructor(file: string, line: number, message: string, rule: string) {
    super(file, line, message);
    this.rule = rule;
  }
}

const syntax = new WeakMap<ManifestFile, CST.Token[]>();

/** yaml's concrete syntax tree of a loaded YAML file: the source as written, for checks that need it. */
export function syntaxOf(file: ManifestFile): CST.Token[] | undefined {
  return syntax.get(file);
}

interface Parsed {
  tokens: CST.Token[];
  docs: Document[];
  counter: LineCounter;
}
// Parses by text: a folder loaded again (the linter after an edit to one file, a runbook's second run)
// parses only what changed. The parse is never mutated (values leave it through toJS(), fresh each
// time). Bounded: the bundle is a few dozen files.
const parsed = new Map<string, Parsed>();
const PARSED_MAX = 512;

/** Parses every document of a YAML file once, keeping the syntax tree for syntaxOf(). */
export function parseYaml(file: ManifestFile): { docs: Document[]; counter: LineCounter } {
  let hit = parsed.get(file.text);
  if (!hit) {
    const counter = new LineCounter();
    const tokens = [...new Parser(counter.addNewLine).parse(file.text)];
    const docs = [...new Composer({ uniqueKeys: true }).compose(tokens, true, file.text.length)] as Document[];
    hit = { tokens, docs, counter };
    if (parsed.size >= PARSED_MAX) parsed.delete(parsed.keys().next().value!);
    parsed.set(file.text, hit);
  }
  syntax.set(file, hit.tokens);
  return { docs: hit.docs, counter: hit.counter };
}

export function parseOne(file: ManifestFile): { doc: Document; counter: LineCounter } {
  const { docs, counter } = parseYaml(file);
  const doc = docs[0];
  if (doc.errors.length) throw yamlError(file.path, doc.errors[0], counter);
  if (docs.length > 1) throw new ManifestError(file.path, 1, 'expected a single YAML document.', 'k8s/yaml');
  return { doc, counter };
}

export function yamlError(
  file: string,
  err: { message: string; pos: [number, number]; linePos?: [{ line: number }, ...unknown[]] },
  counter: LineCounter,
): ManifestError {
  const line = err.linePos?.[0].line ?? counter.linePos(err.pos[0]).line;
  return new ManifestError(file, line, `not valid YAML: ${err.message.split('\n')[0]}`, 'k8s/yaml');
}

export function lineOf(node: unknown, counter: LineCounter): number | undefined {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range ? counter.linePos(range[0]).line : undefined;
}

/** Line of the node at a path in a parsed YAML document (or of its nearest existing ancestor). */
export function nodeLine(doc: Document, counter: LineCounter, path: readonly PathKey[]): number {
  let node: unknown = doc.contents;
  let line = lineOf(node, counter) ?? 1;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown })?.value === key);
      if (!pair) break;
      line = lineOf(pair.key, counter) ?? line;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number' && node.items[key]) {
      node = node.items[key];
      line = lineOf(node, counter) ?? line;
    } else break;
  }
  return line;
}
