/**
 * `npm run check:runbooks [-- --dist DIR]`: the runbook check (see src/lib/checks/runbooks-report.ts).
 * Each runbook runs as `zx runbooks/<name>.mjs` under Node 24 with: CI=true, no TTY, HOME an empty
 * temp dir (no ~/.kube, no ~/.ssh/config), KUBECONFIG pointing nowhere, no secrets in the
 * environment, tripwires instead of kubectl/ssh/tailscale/curl/…, and HTTP(S) proxied to a local
 * recorder. A --dry-run must pass like that. Needs the built site (for the links to runbook pages).
 * Exit 0 all good, 1 problems, 2 bad input (no build).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { checkRunbooks } from '../src/lib/checks/runbooks-report.ts';
import { loadSite } from '../src/lib/checks/site.ts';

const started = performance.now();
const { values } = parseArgs({
  options: { dist: { type: 'string', default: 'dist' }, json: { type: 'boolean', default: false } },
});
const repoRoot = resolve(import.meta.dirname, '..');
const dist = resolve(values.dist!);
if (!existsSync(resolve(dist, 'index.html'))) {
  console.error(
    `check:runbooks: no built site in ${dist}; run \`npm run build\` first (the check reads the built pages' links), or pass --dist DIR.`,
  );
  process.exit(2);
}
const result = await checkRunbooks(repoRoot, loadSite(dist));
const ms = Math.round(performance.now() - started);
if (values.json) {
  console.log(JSON.stringify({ ms, ...result, manifests: Object.fromEntries(result.manifests) }, null, 2));
} else {
  for (const r of result.runbooks)
    console.log(
      `  ${r.name.padEnd(28)} --dry-run ${String(r.dryRunMs).padStart(5)} ms   linked from ${r.linkedFrom.join(', ') || '(nothing)'}`,
    );
  for (const [app, how] of result.manifests)
    console.log(`  manifests/${app.padEnd(22)} applied ${how.startsWith('by hand') ? how : `by ${how}`}`);
  for (const p of result.problems) console.error(`${p.subject}: ${p.reason}`);
  console.log(
    `check:runbooks: ${result.runbooks.length} runbooks, ${result.manifests.size} manifest folders accounted for, ${result.problems.length} problems, in ${ms} ms`,
  );
}
process.exit(result.problems.length ? 1 : 0);
