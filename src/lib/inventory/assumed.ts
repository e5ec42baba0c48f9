/**
 * Assumed values: what the operator's architecture notes never state. In network.yaml a scalar is marked
 *
 *     dns_server_host: { value: 53, assumed: true, why: "The notes say … but not …" }
 *
 * and a list entry with `assumed: true` and `why:` among its own keys. unwrapAssumptions() replaces each
 * wrapper by its value (so the schema and every reader see plain values) and records where it was, so pages
 * can mark the value wherever it appears and the "Assumptions to confirm" page can list each with its line.
 */
import type { PathKey } from '../core/yaml-data.ts';

export interface FoundAssumption {
  /** Index path in the file, e.g. ['lan', 'dns_server_host'] or ['tailnet', 'hosts', 1]. */
  path: PathKey[];
  value: unknown;
  why: string;
}

export interface Issue {
  path: PathKey[];
  message: string;
}

const WRAPPER_KEYS = new Set(['value', 'assumed', 'why']);
const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);

/** Returns `data` with every `{ value, assumed, why }` replaced by its value; records each one in `found`. */
export function unwrapAssumptions(
  data: unknown,
  found: FoundAssumption[],
  issues: Issue[],
  path: PathKey[] = [],
): unknown {
  if (Array.isArray(data)) return data.map((item, i) => unwrapAssumptions(item, found, issues, [...path, i]));
  if (!isMap(data)) return data;
  const keys = Object.keys(data);
  if ('value' in data && 'assumed' in data && keys.every((k) => WRAPPER_KEYS.has(k))) {
    if (data.assumed !== true)
      issues.push({
        path: [...path, 'assumed'],
        message: 'expected `assumed: true` in a { value, assumed, why } wrapper (drop the wrapper for a stated fact).',
      });
    if (typeof data.why !== 'string' || data.why.trim().length < 10) {
      issues.push({
        path,
        message:
          'an assumed value needs `why:`, a sentence saying what the notes leave open, so the operator knows what to confirm.',
      });
    }
    found.push({ path, value: data.value, why: String(data.why ?? '') });
    return data.value;
  }
  if (data.assumed === true) {
    if (typeof data.why !== 'string' || data.why.trim().length < 10)
      issues.push({ path, message: 'an entry with `assumed: true` needs `why:`, saying what the notes leave open.' });
    found.push({ path, value: data, why: String(data.why ?? '') });
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = unwrapAssumptions(data[k], found, issues, [...path, k]);
  return out;
}

/** The readable key of an index path: list entries by their name, id, region or slug ("tailnet.hosts.routy.ip"). */
export function keyOf(data: unknown, path: readonly PathKey[]): string {
  const parts: string[] = [];
  let node: unknown = data;
  for (const k of path) {
    if (Array.isArray(node) && typeof k === 'number') {
      const item = node[k];
      parts.push(isMap(item) ? String(item.name ?? item.id ?? item.region ?? item.slug ?? item.item ?? k) : String(k));
    } else {
      parts.push(String(k));
    }
    node = (node as Record<PathKey, unknown> | undefined)?.[k];
  }
  return parts.join('.');
}

/** Every keyed path of the data with the line of its node: the lines lint and pages point at. */
export function keyedLines(data: unknown, lineOf: (path: PathKey[]) => number): Record<string, number> {
  const lines: Record<string, number> = {};
  const walk = (node: unknown, path: PathKey[]) => {
    if (path.length) lines[keyOf(data, path)] = lineOf(path);
    if (Array.isArray(node)) node.forEach((item, i) => walk(item, [...path, i]));
    else if (isMap(node)) for (const k of Object.keys(node)) walk(node[k], [...path, k]);
  };
  walk(data, []);
  return lines;
}
