/**
 * `npm run bench [-- --runs 2] [--quick]`: the benchmark of issues 2 and 7 (not a test). One table on
 * the console and bench-results/bench.json, each figure beside its budget with pass or fail:
 *   - clean build time with and without build-time diagrams (AVALANCHE_CHROMIUM=none), median of
 *     --runs; "clean" = fresh outDir and fresh Astro cacheDir, through a temporary config file;
 *   - per-page first-load bytes (gzip of HTML + CSS + JS, src/lib/checks/weight.ts), max and median,
 *     and diagram JavaScript bytes;
 *   - our link check beside linkinator on the same build (served on 127.0.0.1, externals skipped);
 *   - `npm run lint`, each runbook's --dry-run (median of 3, in the runbook check's sandbox);
 *   - `npm run test:unit` alone (budget 30 s: fast enough to run between edits) with its test and
 *     runbook-scenario counts, then `npm test` (the unit project, then the browser project on a build of
 *     its own, as .ci/run runs it; budget 90 s, goal 60 s) with each project's summed file durations;
 *   - `astro check`, the other checks, and their sum as the .ci/run-equivalent (npm ci and apt excluded).
 *     --quick skips the suites and astro check.
 * The machine's load average is recorded: on a shared 2-core machine, figures vary with it.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createSandbox } from '../src/lib/checks/runbooks-run.ts';
import { listRunbooks } from '../src/lib/checks/runbooks.ts';
import { loadSite } from '../src/lib/checks/site.ts';
import { serveStatic } from '../src/lib/checks/static-server.ts';
import { median, pageWeights } from '../src/lib/checks/weight.ts';

const ROOT = resolve(import.meta.dirname, '..');
/** Every budget the table holds figures to. */
const BUDGET = {
  buildS: 30,
  pageKB: 80,
  diagramJsB: 0,
  linksMs: 1000,
  lintMs: 1000,
  dryRunMs: 1500,
  unitS: 30,
  testS: 90,
  testGoalS: 60,
  ciS: 600,
};
const USAGE = `npm run bench [-- --runs N] [--quick]
  --runs N   clean builds per figure, the median is reported (default 2)
  --quick    skip the test suites and astro check
Budgets: a clean build ${BUDGET.buildS} s, a page's first load ${BUDGET.pageKB} KB, the link check and lint \
${BUDGET.linksMs / 1000} s, a runbook's --dry-run ${BUDGET.dryRunMs / 1000} s, npm run test:unit ${BUDGET.unitS} s, \
npm test ${BUDGET.testS} s (goal ${BUDGET.testGoalS} s), the .ci/run equivalent ${BUDGET.ciS} s.
The table goes to the console and bench-results/bench.json.`;
let values: { runs: string; quick: boolean; help: boolean };
try {
  ({ values } = parseArgs({
    options: {
      runs: { type: 'string', default: '2' },
      quick: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
} catch (err) {
  console.error(`${(err as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!/^[1-9]\d*$/.test(values.runs)) {
  console.error(`--runs ${values.runs}: expected a whole number of runs, 1 or more.\n\n${USAGE}`);
  process.exit(2);
}
const RUNS = Number(values.runs);
const bin = (pkg: string, path: string) => join(ROOT, 'node_modules', pkg, path);

interface Row {
  measure: string;
  value: number | null;
  unit: 's' | 'ms' | 'KB' | 'B';
  budget?: number;
  note?: string;
  pass?: boolean;
}
const rows: Row[] = [];
const add = (r: Row) => {
  r.pass = r.budget === undefined || r.value === null ? undefined : r.value <= r.budget;
  rows.push(r);
  console.error(`  ${r.measure}: ${fmt(r.value, r.unit)}${r.note ? ` (${r.note})` : ''}`);
};
const fmt = (v: number | null, unit: Row['unit']) =>
  v === null
    ? 'n/a'
    : unit === 's'
      ? `${v.toFixed(1)} s`
      : unit === 'KB'
        ? `${v.toFixed(1)} KB`
        : `${Math.round(v)} ${unit}`;

async function time(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ ms: number; code: number | null; out: string }> {
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, FORCE_COLOR: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  return { ms: performance.now() - started, code, out };
}

async function repeat(n: number, args: string[], env?: NodeJS.ProcessEnv) {
  const runs = [];
  for (let i = 0; i < n; i++) runs.push(await time(args, env));
  return { ms: median(runs.map((r) => r.ms)), last: runs[runs.length - 1]! };
}

/** A clean build: fresh outDir and cacheDir through a config that wraps astro.config.mjs. */
async function cleanBuild(env: NodeJS.ProcessEnv): Promise<{ ms: number; dist: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'avalanche-bench-'));
  const config = join(dir, 'bench.config.mjs');
  writeFileSync(
    config,
    `import config from ${JSON.stringify(join(ROOT, 'astro.config.mjs'))};\nexport default { ...config, cacheDir: ${JSON.stringify(join(dir, 'cache/'))}, outDir: ${JSON.stringify(join(dir, 'dist/'))} };\n`,
  );
  // Astro joins --config to the project root, so it must be relative to it.
  const r = await time([bin('astro', 'bin/astro.mjs'), 'build', '--config', relative(ROOT, config)], env);
  if (r.code !== 0) throw new Error(`astro build failed (exit ${r.code}):\n${r.out.slice(-3000)}`);
  return { ms: r.ms, dist: join(dir, 'dist'), dir };
}

/** Per-file durations from vitest's default reporter ("✓  unit  test/x.test.ts (12 tests) 3456ms"). */
function suiteFiles(out: string): Array<{ project: string; file: string; ms: number }> {
  const plain = out.replace(/\x1b\[[0-9;]*m/g, '');
  return [...plain.matchAll(/^\s*[✓❯×]\s+(\S+)\s+(\S+\.test\.ts)\s+\([^)]*\)\s+(\d+)ms$/gm)].map((m) => ({
    project: m[1]!,
    file: m[2]!,
    ms: Number(m[3]),
  }));
}

/** Tests in vitest's JSON report, and how many of them are runbook scenarios (files under test/runbooks/). */
function testCounts(file: string): { tests: number; scenarios: number } {
  if (!existsSync(file)) return { tests: 0, scenarios: 0 };
  const report = JSON.parse(readFileSync(file, 'utf8')) as {
    testResults: Array<{ name: string; assertionResults: unknown[] }>;
  };
  const count = (pick: (name: string) => boolean) =>
    report.testResults.filter((f) => pick(f.name)).reduce((n, f) => n + f.assertionResults.length, 0);
  return {
    tests: count(() => true),
    scenarios: count((name) => name.includes('/test/runbooks/') && !/\/test\/runbooks\/[^/]+\//.test(name)),
  };
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
const loadStart = load();
const temp: string[] = [];
console.error(`bench: ${cpus().length} CPUs, load average ${loadStart}, Node ${process.version}`);

// 1. Clean builds, alternating the two modes so drift in the machine's load hits both.
const withChromium: number[] = [];
const without: number[] = [];
let dist = '';
let distNone = '';
for (let i = 0; i < RUNS; i++) {
  const a = await cleanBuild({});
  withChromium.push(a.ms);
  const b = await cleanBuild({ AVALANCHE_CHROMIUM: 'none' });
  without.push(b.ms);
  temp.push(a.dir, b.dir);
  dist = a.dist;
  distNone = b.dist;
}
add({
  measure: `clean build, diagrams at build time (median of ${RUNS})`,
  value: median(withChromium) / 1000,
  unit: 's',
  budget: BUDGET.buildS,
});
add({
  measure: `clean build, AVALANCHE_CHROMIUM=none (median of ${RUNS})`,
  value: median(without) / 1000,
  unit: 's',
  budget: BUDGET.buildS,
});

// 2. Page weight.
const site = loadSite(dist);
const weights = pageWeights(site);
const totals = weights.map((w) => w.total / 1000);
const heaviest = weights.reduce((a, b) => (b.total > a.total ? b : a));
add({
  measure: `first load per page, max (${weights.length} pages, gzip)`,
  value: Math.max(...totals),
  unit: 'KB',
  budget: BUDGET.pageKB,
  note: heaviest.page,
});
add({ measure: 'first load per page, median (gzip)', value: median(totals), unit: 'KB', budget: BUDGET.pageKB });
add({
  measure: 'diagram JavaScript shipped, with Chromium',
  value: Math.max(0, ...weights.map((w) => w.diagramJs)),
  unit: 'B',
  budget: BUDGET.diagramJsB,
});
const noneWeights = pageWeights(loadSite(distNone));
add({
  measure: 'diagram JavaScript on a diagram page, without Chromium (fallback)',
  value: Math.max(0, ...noneWeights.map((w) => w.diagramJs)) / 1000,
  unit: 'KB',
  note: 'for information: Mermaid loaded in the browser',
});

// 3. Link checks.
const ours = await repeat(5, [join(ROOT, 'scripts/check-links.ts'), '--dist', dist, '--quiet']);
add({
  measure: 'link check, whole site (median of 5, incl. Node start)',
  value: ours.ms,
  unit: 'ms',
  budget: BUDGET.linksMs,
  note: ours.last.out.trim().split('\n').pop(),
});
const server = await serveStatic(dist);
const skip = `^(?!${server.url.replace(/[.]/g, '\\.')})`;
const linkinator = await repeat(3, [
  bin('linkinator', 'build/src/cli.js'),
  `${server.url}/`,
  '--recurse',
  '--check-fragments',
  '--skip',
  skip,
]);
await server.close();
add({
  measure: 'linkinator, same build on 127.0.0.1 (median of 3)',
  value: linkinator.ms,
  unit: 'ms',
  note: `exit ${linkinator.last.code}; --recurse --check-fragments, externals skipped`,
});

// 4. Lint and runbook dry runs.
const lintCli = join(ROOT, 'src/lib/lint/cli.ts');
if (existsSync(lintCli)) {
  const lint = await repeat(3, [lintCli]);
  add({
    measure: 'npm run lint (median of 3)',
    value: lint.ms,
    unit: 'ms',
    budget: BUDGET.lintMs,
    note: `exit ${lint.last.code}`,
  });
} else
  add({
    measure: 'npm run lint',
    value: null,
    unit: 'ms',
    budget: BUDGET.lintMs,
    note: 'src/lib/lint/cli.ts not found',
  });

const runbooks: Record<string, number> = {};
const sandbox = await createSandbox();
for (const name of listRunbooks(ROOT)) {
  const times: number[] = [];
  let code: number | null = 0;
  for (let i = 0; i < 3; i++) {
    const r = await sandbox.run(join(ROOT, `runbooks/${name}.mjs`), ['--dry-run'], ROOT);
    times.push(r.ms);
    code = r.code;
  }
  runbooks[name] = median(times);
  add({
    measure: `${name}.mjs --dry-run (median of 3)`,
    value: median(times),
    unit: 'ms',
    budget: BUDGET.dryRunMs,
    note: code === 0 ? undefined : `exit ${code}`,
  });
}
await sandbox.close();
if (!Object.keys(runbooks).length)
  add({ measure: 'runbook --dry-run', value: null, unit: 'ms', budget: BUDGET.dryRunMs, note: 'no runbooks/*.mjs' });

// 5. Suites and the .ci/run-equivalent.
if (!values.quick) {
  const vitest = bin('vitest', 'vitest.mjs');
  // As .ci/run does: `npm test` runs the unit project, then the browser one (on a build of their own, made while
  // the unit tests run); the per-project figures are the sums of their files' own durations.
  mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
  // The suite a developer runs between edits: the unit project alone, with what it holds.
  const unitJson = join(ROOT, 'bench-results/unit.json');
  const unit = await time([
    vitest,
    'run',
    '--project',
    'unit',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${unitJson}`,
  ]);
  writeFileSync(join(ROOT, 'bench-results/test-unit.log'), unit.out);
  const counts = testCounts(unitJson);
  add({
    measure: 'npm run test:unit',
    value: unit.ms / 1000,
    unit: 's',
    budget: BUDGET.unitS,
    note: `exit ${unit.code}; ${counts.tests} tests, ${counts.scenarios} runbook scenarios (test/runbooks/)`,
  });
  const steps: Array<[string, string, string[], NodeJS.ProcessEnv?, number?]> = [
    ['astro check', 'astro-check', [bin('astro', 'bin/astro.mjs'), 'check']],
    // Exactly the README's command, as .ci/run runs it: the browser tests build their own site.
    [
      `npm test: unit, then browser, own build (as .ci/run; goal ${BUDGET.testGoalS} s)`,
      'tests',
      [vitest, 'run'],
      {},
      BUDGET.testS,
    ],
    ['check:runbooks', 'check-runbooks', [join(ROOT, 'scripts/check-runbooks.ts'), '--dist', dist]],
    ['scan:secrets', 'scan-secrets', [join(ROOT, 'scripts/scan-secrets.ts'), '--dist', dist]],
  ];
  let ci =
    median(withChromium) / 1000 +
    ours.ms / 1000 +
    (rows.find((r) => r.measure.startsWith('npm run lint'))?.value ?? 0) / 1000;
  mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
  for (const [name, slug, args, env, budget] of steps) {
    const r = await time(args, env);
    ci += r.ms / 1000;
    // The output of each step is kept, to see which test files cost the time or what failed.
    const log = `bench-results/${slug}.log`;
    writeFileSync(join(ROOT, log), r.out);
    add({ measure: name, value: r.ms / 1000, unit: 's', budget, note: `exit ${r.code}; output in ${log}` });
    if (slug === 'tests') {
      const files = suiteFiles(r.out);
      for (const project of ['unit', 'e2e']) {
        const mine = files.filter((f) => f.project === project);
        const slowest = mine.sort((a, b) => b.ms - a.ms)[0];
        add({
          measure: `  ${project} test files, sum of their durations (${mine.length} files)`,
          value: mine.reduce((n, f) => n + f.ms, 0) / 1000,
          unit: 's',
          note: slowest ? `slowest: ${slowest.file} ${(slowest.ms / 1000).toFixed(0)} s` : undefined,
        });
      }
    }
  }
  add({
    measure: '.ci/run-equivalent (check, lint, build, tests, checks; not npm ci)',
    value: ci,
    unit: 's',
    budget: BUDGET.ciS,
  });
}

for (const dir of temp) rmSync(dir, { recursive: true, force: true });

// The table.
const width = Math.max(...rows.map((r) => r.measure.length));
const line = (a: string, b: string, c: string, d: string) =>
  `${a.padEnd(width)}  ${b.padStart(10)}  ${c.padStart(10)}  ${d}`;
console.log(line('measure', 'value', 'budget', 'result'));
console.log('-'.repeat(width + 34));
for (const r of rows) {
  const budget = r.budget === undefined ? '' : `<= ${fmt(r.budget, r.unit)}`;
  const result = r.pass === undefined ? (r.value === null ? 'n/a' : '') : r.pass ? 'pass' : 'FAIL';
  console.log(line(r.measure, fmt(r.value, r.unit), budget, `${result}${r.note ? `  ${r.note}` : ''}`));
}
console.log(`\n${cpus().length} CPUs; load average at start ${loadStart}, at end ${load()}; Node ${process.version}`);
mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
writeFileSync(
  join(ROOT, 'bench-results/bench.json'),
  JSON.stringify(
    {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, loadStart, loadEnd: load(), node: process.version },
      rows,
      pages: weights.map(({ files: _f, ...w }) => w),
      runbooks,
    },
    null,
    2,
  ) + '\n',
);
console.log('written: bench-results/bench.json');
process.exit(rows.some((r) => r.pass === false) ? 1 : 0);
