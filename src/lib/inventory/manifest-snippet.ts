/**
 * A bundled file, or a part of it, as the docs show it: read from disk at build time, never pasted, so the
 * page stays in step with the file. A part is chosen by line range ("12-30") or by a named region between
 * two comment lines in the file itself:
 *
 *     # region:env            (YAML, sysctl)      // region:lan-grants     (HuJSON)
 *     ...                                        ...
 *     # endregion:env                            // endregion:lan-grants
 *
 * The marker lines are not shown. Expressive Code's copy button copies a block's lines with trailing
 * whitespace trimmed and no final newline; a file whose text would not survive that (trailing spaces, tabs)
 * is refused, so what the button copies is exactly the file's text (the full file: all of it but the last
 * newline).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../core/errors.ts';
import { DEFAULT_ROOT } from './manifests.ts';

export interface Snippet {
  path: string;
  /** The lines shown, joined with \n, without a final newline. */
  text: string;
  firstLine: number;
  lastLine: number;
  lang: string;
  title: string;
  /** True when the whole file is shown. */
  whole: boolean;
}

export interface SnippetOptions {
  marker?: string;
  lines?: string;
}

const LANGS: Record<string, string> = {
  '.yaml': 'yaml',
  '.yml': 'yaml',
  '.hujson': 'jsonc',
  '.json': 'json',
  '.conf': 'ini',
};

export function readSnippet(path: string, options: SnippetOptions = {}, root: string = DEFAULT_ROOT): Snippet {
  if (!/^manifests\/[a-z0-9-]+\/[\w.-]+$/.test(path)) {
    throw new InputError(
      `received path "${path}"; expected a repo-relative file such as manifests/vpn-proxy-iceland/deployment.yaml.`,
    );
  }
  const abs = join(root, path);
  if (!existsSync(abs)) {
    const dir = join(root, dirname(path));
    const near = existsSync(dir)
      ? `; files there: ${readdirSync(dir).join(', ')}`
      : `; ${dirname(path)} does not exist`;
    throw new InputError(`no file ${path}${near}.`);
  }
  const all = readFileSync(abs, 'utf8').replace(/\n$/, '').split('\n');
  all.forEach((line, i) => {
    if (/\s$/.test(line) || line.includes('\t')) {
      throw new InputError(
        `${path}:${i + 1} has trailing whitespace or a tab; the copy button would not copy the file exactly. Remove it.`,
      );
    }
  });
  if (options.marker && options.lines) throw new InputError(`give either marker or lines for ${path}, not both.`);
  let first = 1;
  let last = all.length;
  if (options.marker) [first, last] = findRegion(path, all, options.marker);
  else if (options.lines) [first, last] = parseRange(path, options.lines, all.length);
  const ext = /\.[^.]+$/.exec(path)?.[0] ?? '';
  const whole = first === 1 && last === all.length;
  const name = basename(path);
  return {
    path,
    text: all.slice(first - 1, last).join('\n'),
    firstLine: first,
    lastLine: last,
    lang: LANGS[ext] ?? 'text',
    title: whole ? name : `${name} (lines ${first}–${last})`,
    whole,
  };
}

function findRegion(path: string, lines: string[], marker: string): [number, number] {
  if (!/^[\w-]+$/.test(marker)) throw new InputError(`marker "${marker}" must be letters, digits, - or _.`);
  const find = (word: string) =>
    lines.flatMap((l, i) => (new RegExp(`^\\s*(#|//)\\s*${word}:${marker}\\s*$`).test(l) ? [i + 1] : []));
  const starts = find('region');
  const ends = find('endregion');
  if (starts.length !== 1 || ends.length !== 1) {
    const known = [...new Set(lines.flatMap((l) => /^\s*(?:#|\/\/)\s*region:([\w-]+)\s*$/.exec(l)?.[1] ?? []))];
    throw new InputError(
      `${path} has ${starts.length} "region:${marker}" and ${ends.length} "endregion:${marker}" lines; expected one of each. Regions in the file: ${known.join(', ') || 'none'}.`,
    );
  }
  if (ends[0] <= starts[0] + 1) throw new InputError(`${path}: region ${marker} is empty or ends before it starts.`);
  return [starts[0] + 1, ends[0] - 1];
}

function parseRange(path: string, range: string, count: number): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(range);
  const first = Number(m?.[1]);
  const last = Number(m?.[2] ?? m?.[1]);
  if (!m || first < 1 || last < first || last > count)
    throw new InputError(`lines "${range}" is not a range within ${path} (1-${count}); expected e.g. "12-30".`);
  return [first, last];
}
