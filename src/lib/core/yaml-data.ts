/**
 * Load a YAML data file and validate it with a zod schema; every problem is reported as
 * `file:line: path: message`, so a bad edit points at the line to fix.
 */
import { readFileSync } from 'node:fs';
import { closest, distance } from 'fastest-levenshtein';
import { relative } from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { DataFileError } from './errors.ts';

export type PathKey = string | number;

export interface LoadedYaml<T> {
  data: T;
  file: string;
  /** Line (1-based) of the node at a path, or of its nearest ancestor that exists. */
  lineOf(path: readonly PathKey[]): number;
}

export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

export function loadYamlFile<S extends z.ZodType>(file: string, schema: S, text?: string): LoadedYaml<z.infer<S>> {
  const shown = displayPath(file);
  const source = text ?? readFileSync(file, 'utf8');
  const counter = new LineCounter();
  const doc = parseDocument(source, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    const err = doc.errors[0];
    const line = err.linePos?.[0].line ?? counter.linePos(err.pos[0]).line;
    throw new DataFileError(
      shown,
      line,
      `not valid YAML: ${err.message.split('\n')[0]}. Fix the syntax (indentation, quotes, a missing colon).`,
    );
  }
  const lineOf = (path: readonly PathKey[]) => nodeLine(doc, counter, path);
  const input = doc.toJS();
  const result = schema.safeParse(input);
  if (!result.success) {
    // An unknown key first: a misspelled key also makes the key it stands for "missing", and the missing one
    // is the symptom, the spelling the cause.
    const issues = result.error.issues;
    const issue = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0];
    const path = issue.path.filter((k): k is PathKey => typeof k !== 'symbol');
    const where = `${path.join('.') || '(top level)'}: `;
    if (issue.code === 'unrecognized_keys') {
      // Point at the key itself rather than at its parent.
      const message = unknownKeyMessage(issue.keys[0], objectKeys(schema, path), valueAt(input, path));
      throw new DataFileError(shown, keyLine(doc, counter, path, issue.keys[0]), where + message);
    }
    throw new DataFileError(shown, lineOf(path), where + issue.message);
  }
  return { data: result.data, file: shown, lineOf };
}

function unknownKeyMessage(key: string, known: string[], value: unknown): string {
  const present = new Set(Object.keys(value && typeof value === 'object' ? value : {}));
  // A key not set yet is the likelier meaning; one already set is still worth naming.
  const near = (among: string[]) => {
    const k = among.length ? closest(key, among) : undefined;
    return k && distance(key, k) <= Math.max(2, Math.floor(key.length / 3)) ? k : undefined;
  };
  const unset = near(known.filter((k) => !present.has(k)));
  if (unset) return `unknown key ${key}; did you mean ${unset}?`;
  const set = near(known);
  if (set) return `unknown key ${key}; did you mean ${set}? (${set} is set too: keep one)`;
  return known.length
    ? `unknown key ${key}; expected one of ${known.join(', ')} (check the spelling).`
    : `unknown key ${key}; expected only the keys the schema names (check the spelling).`;
}

function valueAt(input: unknown, path: readonly PathKey[]): unknown {
  return path.reduce<unknown>(
    (v, k) => (v && typeof v === 'object' ? (v as Record<PathKey, unknown>)[k] : undefined),
    input,
  );
}

/** The keys the schema allows for the object at `path` (empty when it cannot tell). */
function objectKeys(schema: z.ZodType, path: readonly PathKey[]): string[] {
  const object = schemaAt(schema, path);
  return object ? Object.keys(object.shape) : [];
}

type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  out?: z.ZodType;
  options?: z.ZodType[];
};
const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;

/** Walks zod's definitions (objects, arrays, optional/nullable/default wrappers, pipes, unions) down a path. */
function schemaAt(schema: z.ZodType, path: readonly PathKey[]): { shape: Record<string, z.ZodType> } | undefined {
  const def = defOf(schema);
  if (['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch'].includes(def.type) && def.innerType)
    return schemaAt(def.innerType, path);
  if (def.type === 'pipe' && def.out) return schemaAt(def.out, path);
  if (def.type === 'union')
    for (const option of def.options ?? []) {
      const found = schemaAt(option, path);
      if (found) return found;
    }
  if (!path.length) return def.type === 'object' && def.shape ? { shape: def.shape } : undefined;
  const [key, ...rest] = path;
  if (def.type === 'object' && def.shape && typeof key === 'string' && def.shape[key])
    return schemaAt(def.shape[key], rest);
  if (def.type === 'array' && def.element && typeof key === 'number') return schemaAt(def.element, rest);
  return undefined;
}

function nodeLine(doc: Document, counter: LineCounter, path: readonly PathKey[]): number {
  let node: unknown = doc.contents;
  let line = 1;
  for (const key of path) {
    const here = rangeStart(node);
    if (here !== undefined) line = counter.linePos(here).line;
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown })?.value === key);
      if (!pair) return line;
      const keyStart = rangeStart(pair.key);
      if (keyStart !== undefined) line = counter.linePos(keyStart).line;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
    } else {
      return line;
    }
  }
  const end = rangeStart(node);
  return end !== undefined ? counter.linePos(end).line : line;
}

/** Line of a key itself (not of its value, which for a mapping starts on the next line). */
function keyLine(doc: Document, counter: LineCounter, path: readonly PathKey[], key: string): number {
  let node: unknown = doc.contents;
  for (const k of path) {
    if (isMap(node)) node = node.items.find((p) => (p.key as { value?: unknown })?.value === k)?.value;
    else if (isSeq(node) && typeof k === 'number') node = node.items[k];
    else node = undefined;
  }
  const pair = isMap(node) ? node.items.find((p) => (p.key as { value?: unknown })?.value === key) : undefined;
  const start = rangeStart(pair?.key);
  return start !== undefined ? counter.linePos(start).line : nodeLine(doc, counter, [...path, key]);
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range?.[0];
}
