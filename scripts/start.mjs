#!/usr/bin/env node
// `npm start`: serve the built site (building it first when there is none).
// Host and port: --host/--port flags, or HOST/PORT, default 127.0.0.1:4321.
// To serve the tailnet, use `zx runbooks/publish-docs.mjs` (tailscale serve, HTTPS, tailnet only)
// rather than binding to 0.0.0.0.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { host: { type: 'string' }, port: { type: 'string' }, rebuild: { type: 'boolean', default: false } },
});
const host = values.host ?? process.env.HOST ?? '127.0.0.1';
const port = values.port ?? process.env.PORT ?? '4321';
if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
  console.error(`npm start: port "${port}" is not a TCP port; expected a number from 1 to 65535 (e.g. --port 4321).`);
  process.exit(2);
}
const run = (args) => spawnSync('npx', ['astro', ...args], { stdio: 'inherit' }).status ?? 1;

if (values.rebuild || !existsSync('dist/index.html')) {
  console.log('npm start: no build in dist/, building the site first...');
  const status = run(['build']);
  if (status !== 0) process.exit(status);
}
process.exit(run(['preview', '--host', host, '--port', port]));
