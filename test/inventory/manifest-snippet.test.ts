import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { InputError } from '../../src/lib/core/errors.ts';
import { readSnippet } from '../../src/lib/inventory/manifest-snippet.ts';
import { DEFAULT_ROOT } from '../../src/lib/inventory/manifests.ts';
import { loadInventory, sharedProxies } from '../../src/lib/inventory/inventory.ts';

/** A proxy of the bundled inventory, whichever regions it has today. */
const PROXY = sharedProxies(loadInventory())[0]!.name;
const DEPLOYMENT = `manifests/${PROXY}/deployment.yaml`;
const disk = (path: string) => readFileSync(join(DEFAULT_ROOT, path), 'utf8');
const scratch = mkdtempSync(join(tmpdir(), 'avalanche-snippet-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const withFile = (text: string) => {
  mkdirSync(join(scratch, 'manifests/app'), { recursive: true });
  writeFileSync(join(scratch, 'manifests/app/file.yaml'), text);
  return 'manifests/app/file.yaml';
};

describe('readSnippet()', () => {
  test('a whole file: its exact text without the final newline, titled with the file name', () => {
    const s = readSnippet(DEPLOYMENT);
    expect(`${s.text}\n`).toBe(disk(DEPLOYMENT));
    expect(s).toMatchObject({ lang: 'yaml', title: 'deployment.yaml', whole: true, firstLine: 1 });
  });

  test('a region between its marker lines, which are not shown', () => {
    const s = readSnippet(DEPLOYMENT, { marker: 'env' });
    const lines = disk(DEPLOYMENT).split('\n');
    expect(lines[s.firstLine - 2].trim()).toBe('# region:env');
    expect(lines[s.lastLine].trim()).toBe('# endregion:env');
    expect(s.text).toBe(lines.slice(s.firstLine - 1, s.lastLine).join('\n'));
    expect(s.text).toMatch(/^ {10}env:\n/);
    expect(s.title).toBe(`deployment.yaml (lines ${s.firstLine}–${s.lastLine})`);
    expect(s.whole).toBe(false);
  });

  test('a HuJSON region marked with // comments', () => {
    const s = readSnippet('manifests/tailscale/policy.hujson', { marker: 'lan-grants' });
    expect(s.lang).toBe('jsonc');
    expect(s.text).toContain('"dst": ["home-lan"]');
  });

  test('a line range', () => {
    const s = readSnippet(DEPLOYMENT, { lines: '5-7' });
    expect(s.text).toBe(disk(DEPLOYMENT).split('\n').slice(4, 7).join('\n'));
  });

  test.each([
    ['a path outside manifests/', 'src/data/network.yaml', {}, /expected a repo-relative file such as manifests\//],
    [
      'a missing file, listing the folder',
      `manifests/${PROXY}/deploy.yaml`,
      {},
      new RegExp(`no file manifests/${PROXY}/deploy\\.yaml; files there: .*deployment\\.yaml`),
    ],
    [
      'a missing marker, listing the regions',
      DEPLOYMENT,
      { marker: 'nope' },
      /0 "region:nope" and 0 "endregion:nope" lines.*Regions in the file: security, env, probes/,
    ],
    ['a range past the end', DEPLOYMENT, { lines: '5-9999' }, /not a range within/],
    ['both a marker and lines', DEPLOYMENT, { marker: 'env', lines: '1-2' }, /either marker or lines/],
  ])('throws InputError for %s', (_what, path, options, message) => {
    expect(() => readSnippet(path, options)).toThrow(InputError);
    expect(() => readSnippet(path, options)).toThrow(message);
  });

  test('refuses a file with trailing whitespace, which the copy button would not copy exactly', () => {
    const path = withFile('a: 1  \nb: 2\n');
    expect(() => readSnippet(path, {}, scratch)).toThrow(/manifests\/app\/file\.yaml:1 has trailing whitespace/);
  });

  test('refuses a marker that appears twice', () => {
    const path = withFile('# region:x\na: 1\n# endregion:x\n# region:x\nb: 2\n# endregion:x\n');
    expect(() => readSnippet(path, { marker: 'x' }, scratch)).toThrow(/2 "region:x" and 2 "endregion:x"/);
  });
});
