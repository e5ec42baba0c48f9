/**
 * The tailnet policy file (HuJSON) as the runbooks need it: parse it with file:line errors, tell whether an
 * auto-approver covers a route for a device's tags, and show a line diff against the live policy.
 * Syntax: https://tailscale.com/kb/1337/policy-syntax (auto-approvers: #auto-approvers).
 */
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { DataFileError } from '../core/errors.ts';
import { parseCidr } from '../core/net.ts';

export interface PolicyDoc {
  tagOwners?: Record<string, string[]>;
  autoApprovers?: { routes?: Record<string, string[]>; exitNode?: string[] };
  [key: string]: unknown;
}

/** Parses HuJSON (comments, trailing commas); a syntax error is a DataFileError with the line. */
export function parsePolicy(text: string, file: string): PolicyDoc {
  const errors: ParseError[] = [];
  const doc = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length) {
    const e = errors[0];
    const line = text.slice(0, e.offset).split('\n').length;
    throw new DataFileError(file, line, `not valid HuJSON: ${printParseErrorCode(e.error)}`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    throw new DataFileError(file, 1, 'expected a policy object ({ ... })');
  return doc as PolicyDoc;
}

/** Whether IPv4 prefix `inner` lies inside `outer` (an approver may approve any subset of its prefix). */
export function prefixWithin(inner: string, outer: string): boolean {
  const i = parseCidr(inner);
  const o = parseCidr(outer);
  if (!i || !o || o.bits > i.bits) return false;
  const mask = o.bits === 0 ? 0 : (0xffffffff << (32 - o.bits)) >>> 0;
  return (i.base & mask) >>> 0 === o.base;
}

/**
 * The approver that auto-approves `route` for a device with `tags`, or undefined. Only tags are matched:
 * a tagged device's identity is its tag (https://tailscale.com/kb/1068/tags), and the docs recommend a tag as the approver.
 */
export function autoApproverFor(policy: PolicyDoc, route: string, tags: string[]): string | undefined {
  for (const [prefix, approvers] of Object.entries(policy.autoApprovers?.routes ?? {})) {
    if (!prefixWithin(route, prefix)) continue;
    const hit = (approvers ?? []).find((a) => tags.includes(a));
    if (hit) return hit;
  }
  return undefined;
}

/** Whether the policy lets anyone's exit node be approved automatically (it must not, here). */
export function exitNodeApprovers(policy: PolicyDoc): string[] {
  return policy.autoApprovers?.exitNode ?? [];
}

const normalise = (text: string) =>
  text
    .replace(/\r\n/g, '\n')
    .replace(/[ \t]+$/gm, '')
    .replace(/\n*$/, '\n');

/** The same text once line endings and trailing blanks are ignored (the API may re-end lines). */
export function samePolicyText(a: string, b: string): boolean {
  return normalise(a) === normalise(b);
}

/** A unified-style line diff (`-` live, `+` bundled) with `context` lines around each change; '' when equal. */
export function lineDiff(
  before: string,
  after: string,
  labels = { before: 'live', after: 'bundled' },
  context = 3,
): string {
  const a = normalise(before).split('\n').slice(0, -1);
  const b = normalise(after).split('\n').slice(0, -1);
  // Longest common subsequence table: policies are a few hundred lines, so O(n*m) is fine.
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const ops: Array<{ op: ' ' | '-' | '+'; text: string }> = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) (ops.push({ op: ' ', text: a[i++] }), j++);
    // Removals before additions, as diff(1) shows a changed line.
    else if (i < a.length && (j >= b.length || lcs[i + 1][j] >= lcs[i][j + 1])) ops.push({ op: '-', text: a[i++] });
    else ops.push({ op: '+', text: b[j++] });
  }
  if (!ops.some((o) => o.op !== ' ')) return '';
  const keep = ops.map((_, k) => ops.slice(Math.max(0, k - context), k + context + 1).some((o) => o.op !== ' '));
  const out = [`--- ${labels.before}`, `+++ ${labels.after}`];
  ops.forEach((o, k) => {
    if (keep[k]) out.push(`${o.op} ${o.text}`);
    else if (k === 0 || keep[k - 1]) out.push('  ...');
  });
  return `${out.join('\n')}\n`;
}
