// Imported first by every runbook, before any .ts file: the library's TypeScript runs through Node's
// type stripping, on by default from Node 22.18 (https://nodejs.org/api/typescript.html#type-stripping).
// On an older Node, loading a .ts file fails with a confusing ERR_UNKNOWN_FILE_EXTENSION; say instead
// which Node is needed, on one line, and exit 2 (nothing was run). Plain JS on purpose: it must load anywhere.
export const NODE_FLOOR = [22, 18, 0];

export function nodeTooOld(version = process.versions.node) {
  const have = version.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    if (have[i] !== NODE_FLOOR[i]) return have[i] < NODE_FLOOR[i];
  }
  return false;
}

const version = process.versions.node;
if (nodeTooOld(version)) {
  process.stderr.write(
    `This runbook needs Node ${NODE_FLOOR.join('.')} or newer (found ${version}); run it with the project's Node: \`npm ci && npx zx runbooks/<name>.mjs\` uses the pinned Node 24.\n`,
  );
  process.exit(2);
}

// Cache compiled (and type-stripped) modules between runs: a runbook loads ~40 library modules, and the
// cache roughly halves its start-up CPU time (https://nodejs.org/api/module.html#module-compile-cache).
// Honours NODE_COMPILE_CACHE when set; the default lives in the OS temp directory.
const { enableCompileCache } = await import('node:module');
enableCompileCache?.();
