// The one entry every runbook uses: `runbooks/<name>.mjs` holds `await start(import.meta.url)` and
// nothing else, and the runbook itself is `runbooks/<name>/index.ts`.
//
// Plain JavaScript on purpose: it must load on any Node. The library's TypeScript runs through Node's
// type stripping, on by default from Node 22.18 (https://nodejs.org/api/typescript.html#type-stripping);
// on an older Node, loading a .ts file fails with a confusing ERR_UNKNOWN_FILE_EXTENSION, so this says
// which Node is needed, on one line, and exits 2 (nothing was run).
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

export const NODE_FLOOR = [22, 18, 0];

export function nodeTooOld(version = process.versions.node) {
  const have = version.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    if (have[i] !== NODE_FLOOR[i]) return have[i] < NODE_FLOOR[i];
  }
  return false;
}

/** Runs the runbook whose entry is `entryUrl` (runbooks/<name>.mjs) and sets the process's exit code. */
export async function start(entryUrl) {
  const name = basename(fileURLToPath(entryUrl), '.mjs');
  if (nodeTooOld()) {
    process.stderr.write(
      `${name}: this runbook needs Node ${NODE_FLOOR.join('.')} or newer (found ${process.versions.node}); run it with the project's Node: \`npm ci\`, then \`npx zx runbooks/${name}.mjs\` uses the pinned Node 24.\n`,
    );
    process.exitCode = 2;
    return;
  }
  // Cache compiled (type-stripped) modules between runs: a runbook loads ~40 library modules, and the
  // cache roughly halves its start-up CPU time (https://nodejs.org/api/module.html#module-compile-cache).
  // Honours NODE_COMPILE_CACHE when set; the default lives in the OS temp directory.
  const { enableCompileCache } = await import('node:module');
  enableCompileCache?.();
  const { runMain } = await import('./main.ts');
  const { default: runbook } = await import(new URL(`./${name}/index.ts`, entryUrl).href);
  process.exitCode = await runMain(runbook);
}
