#!/usr/bin/env node
// `npm start`: serve the built site (building it first with `npm run build`, lint included, when there is none).
// Host and port: --host/--port flags, or HOST/PORT, default 127.0.0.1:4321.
// To serve the tailnet, use `zx runbooks/publish-docs.mjs` (tailscale serve, HTTPS, tailnet only)
// rather than binding to 0.0.0.0.
// Stopping `npm start` (Ctrl-C, or SIGTERM/SIGHUP to npm or to this script) stops the server too: the signal is
// passed on to the child, and this process ends when the child does.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const root = join(import.meta.dirname, '..');
const { values } = parseArgs({
  options: { host: { type: 'string' }, port: { type: 'string' }, rebuild: { type: 'boolean', default: false } },
});
const host = values.host ?? process.env.HOST ?? '127.0.0.1';
const port = values.port ?? process.env.PORT ?? '4321';
if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
  console.error(`npm start: port "${port}" is not a TCP port; expected a number from 1 to 65535 (e.g. --port 4321).`);
  process.exit(2);
}

/** Runs a command in the repository, passing on the signals that stop `npm start`; resolves to its exit status. */
function run(command, args) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
  const forward = (signal) => child.kill(signal);
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, forward);
  // npm does not pass SIGTERM on to the script it runs: when `npm start` is killed, this process is orphaned
  // (its parent changes), so it stops the child itself.
  const parent = process.ppid;
  const watch = setInterval(() => process.ppid !== parent && forward('SIGTERM'), 500);
  watch.unref();
  return new Promise((resolve) => {
    child.on('error', (err) => {
      console.error(`npm start: could not run ${command}: ${err.message}`);
      resolve(1);
    });
    child.on('close', (code, signal) => {
      for (const s of signals) process.off(s, forward);
      clearInterval(watch);
      resolve(code ?? (signal === 'SIGINT' ? 130 : 1));
    });
  });
}

if (values.rebuild || !existsSync(join(root, 'dist/index.html'))) {
  console.log(`npm start: ${values.rebuild ? '--rebuild' : 'no build in dist/'}, running npm run build first...`);
  const status = await run('npm', ['run', 'build']);
  if (status !== 0) process.exit(status);
}
const astro = join(root, 'node_modules/astro/bin/astro.mjs');
process.exit(await run(process.execPath, [astro, 'preview', '--host', host, '--port', port]));
