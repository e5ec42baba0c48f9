/**
 * Load a YAML data file and validate it with a zod schema; every problem is reported as
 * `file:line: path: message`, so a bad edit points at the line to fix.
 */
import { readFileSync } from 'node:fs';
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
  const result = schema.safeParse(doc.toJS());
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue.path.filter((k): k is PathKey => typeof k !== 'symbol');
    // For an unknown key, point at the key itself rather than at its parent.
    const at = issue.code === 'unrecognized_keys' ? [...path, issue.keys[0]] : path;
    throw new DataFileError(shown, lineOf(at), `${path.join('.') || '(top level)'}: ${describeIssue(issue)}`);
  }
  return { data: result.data, file: shown, lineOf };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return `unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')}; expected only the keys the schema names (check the spelling).`;
  }
  return issue.message;
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

function rangeStart(node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range?.[0];
}
