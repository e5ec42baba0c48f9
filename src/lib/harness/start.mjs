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
  // Until runMain returns its code, the exit code is 1: a run that ends any other way (a promise nobody
  // resolves, an error thrown past the handler) can never end 0 after a failure.
  process.exitCode = 1;
  let finished = false;
  process.once('exit', (code) => {
    if (!finished)
      process.stderr.write(
        `${name}: the run ended before it finished (exit ${code}); its output above says how far it got. This is a bug: please report it.\n`,
      );
  });
  // Ctrl-C (SIGINT) or SIGTERM: the harness stops the running command, lists what was changed and how to
  // undo it, and exits 130. A second Ctrl-C exits at once.
  const interrupt = new AbortController();
  const onSignal = (signal) => {
    if (interrupt.signal.aborted) {
      finished = true;
      process.stderr.write(`\n${name}: ${signal} again: exiting now, without the summary.\n`);
      process.exit(130);
    }
    interrupt.abort(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const { runMain } = await import('./main.ts');
  const { default: runbook } = await import(new URL(`./${name}/index.ts`, entryUrl).href);
  const code = await runMain(runbook, { signal: interrupt.signal });
  finished = true;
  process.exitCode = code;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
}
