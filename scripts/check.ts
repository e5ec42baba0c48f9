/**
 * `npm run check`: the type check, the layer rule, the formatter and the linter, each run even when one
 * before it failed (a type error must not hide a lint error), then one line per part and exit 1 if any failed.
 * (npm-run-all2's --continue-on-error runs them all too, but its last line names only one failed part.)
 */
import { spawnSync } from 'node:child_process';

const PARTS = ['check:types', 'check:layers', 'format:check', 'lint'];
const npm = process.env.npm_execpath;

const results = PARTS.map((part) => {
  const started = performance.now();
  // Through npm, so each part runs exactly as `npm run <part>` does (its PATH, its output).
  const r = npm
    ? spawnSync(process.execPath, [npm, 'run', '--silent', part], { stdio: 'inherit' })
    : spawnSync('npm', ['run', '--silent', part], { stdio: 'inherit' });
  return { part, code: r.status ?? 1, s: (performance.now() - started) / 1000 };
});

console.log('\ncheck:');
for (const r of results)
  console.log(
    `  ${r.code === 0 ? 'ok    ' : 'FAILED'}  npm run ${r.part} (${r.s.toFixed(1)} s${r.code ? `, exit ${r.code}` : ''})`,
  );
const failed = results.filter((r) => r.code !== 0);
if (failed.length) {
  console.error(
    `\n${failed.length} of ${PARTS.length} failed: ${failed.map((r) => r.part).join(', ')}; each printed why above.`,
  );
  process.exit(1);
}
