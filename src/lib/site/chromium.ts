/**
 * Finds a Chromium for build-time work (Mermaid rendering, browser tests) without ever
 * downloading one: AVALANCHE_CHROMIUM, then Debian's /usr/bin/chromium, then PATH.
 * AVALANCHE_CHROMIUM=none forces "no Chromium" (used to test the fallback path).
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export const CHROMIUM_INSTALL_HINT = 'install Debian\'s Chromium with `sudo apt-get install -y chromium` (or set AVALANCHE_CHROMIUM=/path/to/chromium)';

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

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const forced = env.AVALANCHE_CHROMIUM;
  if (forced === 'none') return undefined;
  if (forced) return executable(forced) ? forced : undefined;
  const candidates = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    candidates.push(join(dir, 'chromium'), join(dir, 'chromium-browser'));
  }
  return candidates.find(executable);
}
