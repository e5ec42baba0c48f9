/**
 * src/lib/site/chromium.ts: which Chromium a build and the browser tests use, and unpacking the one npm
 * brings, on throwaway folders (a fake "Debian" binary and a fake package with a brotli'd script).
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync } from 'node:zlib';
import { afterEach, describe, expect, test } from 'vitest';
import { ensureChromium, findChromium, npmChromiumDir } from '../../src/lib/site/chromium.ts';

const temps: string[] = [];
afterEach(() => temps.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A root with node_modules/@sparticuz/chromium (version 1.2.3) whose bin/chromium.br unpacks to a script. */
function fakePackage(): { root: string; pkg: string } {
  const root = mkdtempSync(join(tmpdir(), 'avalanche-chromium-'));
  temps.push(root);
  const pkg = join(root, 'node_modules/@sparticuz/chromium');
  mkdirSync(join(pkg, 'bin'), { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@sparticuz/chromium', version: '1.2.3' }));
  writeFileSync(join(pkg, 'bin/chromium.br'), brotliCompressSync('#!/bin/sh\necho fake chromium\n'));
  return { root, pkg };
}
function fakeDebian(): string {
  const dir = mkdtempSync(join(tmpdir(), 'avalanche-debian-'));
  temps.push(dir);
  const bin = join(dir, 'chromium');
  writeFileSync(bin, '#!/bin/sh\n');
  chmodSync(bin, 0o755);
  return bin;
}
const noPath = { PATH: '/nonexistent' };

describe('findChromium()', () => {
  test("prefers Debian's Chromium over the npm one", async () => {
    const { pkg } = fakePackage();
    await ensureChromium(noPath, { systemPaths: [], npmPackageDir: pkg });
    const debian = fakeDebian();
    expect(findChromium(noPath, { systemPaths: [debian], npmPackageDir: pkg })).toEqual({
      path: debian,
      source: 'debian',
    });
  });

  test('AVALANCHE_CHROMIUM=none means none, a path means that path (if it runs)', () => {
    const debian = fakeDebian();
    expect(findChromium({ ...noPath, AVALANCHE_CHROMIUM: 'none' }, { systemPaths: [debian] })).toBeUndefined();
    expect(findChromium({ ...noPath, AVALANCHE_CHROMIUM: debian }, { systemPaths: [] })).toEqual({
      path: debian,
      source: 'AVALANCHE_CHROMIUM',
    });
    expect(
      findChromium({ ...noPath, AVALANCHE_CHROMIUM: '/nonexistent/chromium' }, { systemPaths: [debian] }),
    ).toBeUndefined();
  });

  test("AVALANCHE_CHROMIUM=npm skips Debian's: the path of a machine without it", async () => {
    const { pkg } = fakePackage();
    const debian = fakeDebian();
    const found = await ensureChromium(
      { ...noPath, AVALANCHE_CHROMIUM: 'npm' },
      { systemPaths: [debian], npmPackageDir: pkg },
    );
    expect(found?.source).toBe('npm');
    expect(
      findChromium({ ...noPath, AVALANCHE_CHROMIUM: 'npm' }, { systemPaths: [debian], npmPackageDir: pkg }),
    ).toEqual(found);
  });

  test('without Debian and before unpacking, finds none (it never unpacks)', () => {
    const { pkg } = fakePackage();
    expect(findChromium(noPath, { systemPaths: [], npmPackageDir: pkg })).toBeUndefined();
  });
});

describe('ensureChromium()', () => {
  test('unpacks the npm Chromium once, per version, beside node_modules, and finds it afterwards', async () => {
    const { root, pkg } = fakePackage();
    const found = await ensureChromium(noPath, { systemPaths: [], npmPackageDir: pkg });
    const binary = join(root, 'node_modules/.cache/avalanche-chromium/1.2.3/chromium');
    expect(found).toEqual({ path: binary, source: 'npm' });
    expect(readFileSync(binary, 'utf8')).toContain('fake chromium');
    expect(findChromium(noPath, { systemPaths: [], npmPackageDir: pkg })).toEqual(found);
    // No half-written file is left behind.
    expect(existsSync(`${binary}.${process.pid}.partial`)).toBe(false);
  });

  test('the npm Chromium is for Linux x64 only', () => {
    expect(npmChromiumDir('darwin-arm64')).toBeUndefined();
    expect(npmChromiumDir('linux-arm64')).toBeUndefined();
  });

  test('an install without the package has none, and says nothing is there', async () => {
    expect(await ensureChromium(noPath, { systemPaths: [], npmPackageDir: null })).toBeUndefined();
  });

  test('this checkout has the package installed (npm install brings it, also under Node 20)', () => {
    expect(npmChromiumDir(), 'node_modules/@sparticuz/chromium is missing: run `npm install`').toBeTruthy();
  });
});
