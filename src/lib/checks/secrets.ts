/**
 * The secret scan (`npm run scan:secrets`): secretlint's engine with the rules of .secretlintrc.json
 * (the recommended preset) plus this project's rule (check-secrets-rules.ts), over the files of the
 * repository and over the built site.
 *
 * Fake secrets: tests need key-shaped strings. A file may hold them only when it is listed in
 * .secretlint-fakes.txt with a reason, and every key-shaped string in it must be provably fake:
 * a WireGuard key whose 32 bytes are all the same (e.g. 43 "A"s and "=") or the wg(8) man page's
 * example key, or any other secret containing FAKE/EXAMPLE/DUMMY/TEST or a run of x's or 0's.
 * In the built site a finding passes only when it is provably fake. Findings never print the
 * secret: only its kind, length and a short SHA-256 fingerprint.
 */
import { lintSource } from '@secretlint/core';
import type { SecretLintCoreConfig, SecretLintCoreConfigUnionRule } from '@secretlint/types';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { InputError } from '../core/errors.ts';
import { RULE_ID, networkSecretsRule } from '../core/secret-patterns.ts';

export interface FakeEntry {
  pattern: string;
  reason: string;
  line: number;
}

export interface SecretFinding {
  file: string;
  line: number;
  column: number;
  ruleId: string;
  message: string;
  /** "44 chars, sha256 1a2b3c4d": identifies the value without showing it. */
  fingerprint: string;
  fake: boolean;
  listed: boolean;
  /** Why this finding fails the scan, or undefined when it is an accepted fake. */
  problem?: string;
}

/** wg(8)'s example private key (https://git.zx2c4.com/wireguard-tools/about/src/man/wg.8), published as an example. */
const WELL_KNOWN_TEST_KEYS = new Set(['yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=']);
const FAKE_WORDS = /fake|example|dummy|changeme|placeholder|redacted|x{6,}|0{8,}/i;
/** Upper-case TEST in a random key is as unlikely as FAKE (about 27 positions x 62^-4). */
const FAKE_UPPER = /TEST/;
const BINARY_EXT = new Set([
  '.png',
  '.jpg',
  '.jpeg',
  '.gif',
  '.webp',
  '.ico',
  '.woff',
  '.woff2',
  '.ttf',
  '.wasm',
  '.gz',
  '.zip',
  '.pdf',
]);

export function looksFake(ruleId: string, kind: string | undefined, value: string): boolean {
  if (kind === 'wireguard-key') {
    if (WELL_KNOWN_TEST_KEYS.has(value)) return true;
    const bytes = Buffer.from(value, 'base64');
    return bytes.length === 32 && bytes.every((b) => b === bytes[0]);
  }
  if (ruleId === RULE_ID && kind === 'pem-private-key') return /FAKE|EXAMPLE/.test(value);
  return FAKE_WORDS.test(value) || FAKE_UPPER.test(value);
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*\*\/?/g, '\u0000')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]')
    .replace(/\u0000/g, '(?:.*/)?.*');
  return new RegExp(`^${body}${glob.endsWith('/') ? '.*' : ''}$`);
}

/** Parses .secretlint-fakes.txt: "path-or-glob  # reason" per line; the reason is required. */
export function parseFakeList(text: string, file = '.secretlint-fakes.txt'): FakeEntry[] {
  const entries: FakeEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^(\S+)\s+#\s*(\S.*)$/.exec(line);
    if (!m)
      throw new InputError(
        `${file}:${i + 1}: expected "path/or/glob  # reason", got "${line}"; say why the file needs key-shaped strings.`,
      );
    entries.push({ pattern: m[1]!, reason: m[2]!, line: i + 1 });
  });
  return entries;
}

export function isListed(entries: FakeEntry[], file: string): boolean {
  return entries.some((e) => globToRegExp(e.pattern).test(file));
}

export async function loadRules(repoRoot: string): Promise<SecretLintCoreConfig> {
  const rc = JSON.parse(readFileSync(join(repoRoot, '.secretlintrc.json'), 'utf8')) as {
    rules: { id: string; options?: object; rules?: [] }[];
  };
  const rules: SecretLintCoreConfigUnionRule[] = [];
  for (const r of rc.rules) {
    const mod = (await import(r.id)) as { creator: SecretLintCoreConfigUnionRule['rule'] };
    rules.push({
      id: r.id,
      rule: mod.creator,
      options: r.options ?? {},
      rules: r.rules,
    } as SecretLintCoreConfigUnionRule);
  }
  rules.push({ id: RULE_ID, rule: networkSecretsRule });
  return { rules };
}

const fingerprint = (value: string) =>
  `${value.length} chars, sha256 ${createHash('sha256').update(value).digest('hex').slice(0, 8)}`;

export interface ScanOptions {
  config: SecretLintCoreConfig;
  /** Repository mode: fakes must be in listed files. Site mode (undefined): any provable fake passes. */
  fakes?: FakeEntry[];
}

/** Scans files (paths relative to `root`); binary files are skipped. */
export async function scanFiles(root: string, files: string[], options: ScanOptions): Promise<SecretFinding[]> {
  const findings: SecretFinding[] = [];
  for (const file of files) {
    if (BINARY_EXT.has(extname(file).toLowerCase()) || /\.pf_/.test(file)) continue;
    const buffer = readFileSync(join(root, file));
    if (buffer.subarray(0, 8000).includes(0)) continue;
    const content = buffer.toString('utf8');
    const result = await lintSource({
      source: { content, filePath: join(root, file), contentType: 'text' },
      options: { config: options.config, maskSecrets: true },
    });
    const seen = new Set<number>();
    for (const m of result.messages) {
      if (seen.has(m.range[0])) continue; // our PEM rule and the preset's report the same block once
      seen.add(m.range[0]);
      const value = content.slice(m.range[0], m.range[1]);
      const kind = m.ruleId === RULE_ID ? m.messageId : undefined;
      const fake = looksFake(m.ruleId, kind, value);
      const listed = options.fakes ? isListed(options.fakes, file) : false;
      let problem: string | undefined;
      if (!fake && listed)
        problem =
          'the file is listed in .secretlint-fakes.txt, but this value is not provably fake: use an all-same-byte key (e.g. 43 "A"s and "=") or put FAKE in it';
      else if (!fake)
        problem =
          'looks like a real secret: remove it (and rotate it if it was ever committed); a test fixture must use a provably fake value and be listed in .secretlint-fakes.txt';
      else if (options.fakes && !listed)
        problem = 'a fake secret in a file not listed in .secretlint-fakes.txt: add the file there with the reason';
      findings.push({
        file,
        line: m.loc.start.line,
        column: m.loc.start.column + 1,
        ruleId: m.ruleId,
        message: m.message,
        fingerprint: fingerprint(value),
        fake,
        listed,
        problem,
      });
    }
  }
  return findings;
}

/** Entries of the fake list that match no scanned file, or a file without any key-shaped string. */
export function staleFakeEntries(entries: FakeEntry[], files: string[], findings: SecretFinding[]): string[] {
  const withFindings = new Set(findings.map((f) => f.file));
  return entries
    .filter((e) => !files.some((f) => globToRegExp(e.pattern).test(f) && withFindings.has(f)))
    .map(
      (e) =>
        `.secretlint-fakes.txt:${e.line}: "${e.pattern}" matches no file holding a key-shaped string; remove the entry`,
    );
}
