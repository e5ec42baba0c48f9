/**
 * Finds a Chromium for build-time work (Mermaid rendering, browser tests) without downloading one:
 *
 * 1. AVALANCHE_CHROMIUM: a path; `none` to force "no Chromium" (tests the fallback path); `npm` to use
 *    only the npm one below, as on a machine without Debian's (.ci/run proves that path this way);
 * 2. Debian's /usr/bin/chromium (or chromium on PATH): the first choice when it is installed;
 * 3. the Chromium inside node_modules: @sparticuz/chromium, a dev dependency, ships a
 *    brotli-compressed headless Chromium for Linux x64 (bin/chromium.br) in the npm package itself, so
 *    `npm install` brings it on a machine with no Chromium and nothing is fetched from elsewhere.
 *    It is unpacked once (~3 s) into node_modules/.cache/avalanche-chromium/<version>/.
 *    A dev dependency, not an optional one: npm skips an optional dependency whose `engines` do not
 *    match the Node running npm (Node 20 on a fresh machine; the package asks for 22.17+), silently.
 *
 * Why our own unpacking rather than the package's executablePath(): that one writes into the shared
 * /tmp (chromium, fonts, swiftshader libraries), reuses whatever /tmp/chromium holds whatever its version,
 * and a run stopped half-way leaves a truncated binary that every later run trusts
 * (https://github.com/Sparticuz/chromium/blob/v153.0.0/source/index.ts). Here the file is written
 * beside its final name and renamed into place, per version. The fonts and swiftshader archives are not
 * needed: the machine's fontconfig fonts are used and the GPU is disabled.
 */
import {
  accessSync,
  constants,
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress } from 'node:zlib';

export const NPM_CHROMIUM = '@sparticuz/chromium';

export const CHROMIUM_INSTALL_HINT = `run \`npm install\` (the dev dependency ${NPM_CHROMIUM} brings a Chromium for Linux x64 into node_modules), or install Debian's with \`sudo apt-get install -y chromium\`, or set AVALANCHE_CHROMIUM=/path/to/chromium`;

/** Flags for a headless Chromium on a machine with no outside network (and as root in CI). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export type ChromiumSource = 'AVALANCHE_CHROMIUM' | 'debian' | 'npm';

export interface FoundChromium {
  path: string;
  source: ChromiumSource;
}

export interface FindOptions {
  /** Where Debian puts it; a parameter so tests can stand in a fake. */
  systemPaths?: string[];
  /** The npm package's folder (tests point it at a fixture; `null`: as if not installed). */
  npmPackageDir?: string | null;
}

export const SYSTEM_CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The folder of the installed @sparticuz/chromium, or undefined when it is missing or cannot run here. */
export function npmChromiumDir(platform: string = `${process.platform}-${process.arch}`): string | undefined {
  // The package's binary is built for Linux x64 only.
  if (platform !== 'linux-x64') return undefined;
  try {
    // The package exports only ".", which resolves to build/index.js.
    return resolve(dirname(createRequire(import.meta.url).resolve(NPM_CHROMIUM)), '..');
  } catch {
    return undefined;
  }
}

/** Where the npm Chromium is (or will be) unpacked, next to node_modules, per package version. */
function npmTarget(pkgDir: string): { archive: string; binary: string } {
  const { version } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string };
  // pkgDir is <root>/node_modules/@sparticuz/chromium.
  const cache = join(pkgDir, '..', '..', '.cache', 'avalanche-chromium', version);
  return { archive: join(pkgDir, 'bin', 'chromium.br'), binary: join(cache, 'chromium') };
}

/** Finds a Chromium that is ready to launch now (never unpacks; see ensureChromium). */
export function findChromium(
  env: NodeJS.ProcessEnv = process.env,
  options: FindOptions = {},
): FoundChromium | undefined {
  const forced = env.AVALANCHE_CHROMIUM;
  if (forced === 'none') return undefined;
  if (forced === 'npm') return unpackedNpm(options);
  if (forced) return executable(forced) ? { path: forced, source: 'AVALANCHE_CHROMIUM' } : undefined;
  const system = [...(options.systemPaths ?? SYSTEM_CHROMIUM)];
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean))
    system.push(join(dir, 'chromium'), join(dir, 'chromium-browser'));
  const debian = system.find(executable);
  if (debian) return { path: debian, source: 'debian' };
  return unpackedNpm(options);
}

function packageDir(options: FindOptions): string | undefined {
  return options.npmPackageDir === undefined ? npmChromiumDir() : (options.npmPackageDir ?? undefined);
}

function unpackedNpm(options: FindOptions): FoundChromium | undefined {
  const pkg = packageDir(options);
  if (!pkg) return undefined;
  const { binary } = npmTarget(pkg);
  return executable(binary) ? { path: binary, source: 'npm' } : undefined;
}

/**
 * Like findChromium, and when only the npm package has one, unpacks it first. Undefined when there is
 * none (AVALANCHE_CHROMIUM=none, a wrong AVALANCHE_CHROMIUM, or a machine that is not Linux x64 and has no Debian
 * Chromium).
 */
export async function ensureChromium(
  env: NodeJS.ProcessEnv = process.env,
  options: FindOptions = {},
): Promise<FoundChromium | undefined> {
  const found = findChromium(env, options);
  if (found || (env.AVALANCHE_CHROMIUM && env.AVALANCHE_CHROMIUM !== 'npm')) return found;
  const pkg = packageDir(options);
  if (!pkg || !existsSync(join(pkg, 'bin', 'chromium.br'))) return undefined;
  const { archive, binary } = npmTarget(pkg);
  mkdirSync(dirname(binary), { recursive: true });
  // Two processes may unpack at once (a build and the browser tests): each writes its own file, and
  // rename() puts a whole binary in place either way.
  const partial = `${binary}.${process.pid}.partial`;
  try {
    await pipeline(createReadStream(archive), createBrotliDecompress(), createWriteStream(partial, { mode: 0o755 }));
    renameSync(partial, binary);
  } finally {
    rmSync(partial, { force: true });
  }
  return { path: binary, source: 'npm' };
}

/** One line for logs: which Chromium and why. */
export function describeChromium(found: FoundChromium): string {
  const why = {
    AVALANCHE_CHROMIUM: 'from AVALANCHE_CHROMIUM',
    debian: "Debian's",
    npm: `from the npm package ${NPM_CHROMIUM}`,
  }[found.source];
  return `${found.path} (${why})`;
}
