/**
 * `npm run scan:secrets [-- --dist DIR] [--no-site] [--root DIR]`: secretlint (recommended preset, from
 * .secretlintrc.json) plus our WireGuard/Tailscale/ProtonVPN/PEM rule over every file of the
 * repository (tracked and untracked-but-not-ignored) and over the built site.
 * Fake key-shaped strings are allowed only in files listed in .secretlint-fakes.txt and only when
 * provably fake (see src/lib/checks/secrets.ts). Never prints a secret.
 * Exit 0 clean, 1 findings, 2 bad input (no git, no build, malformed fake list).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { walk } from '../src/lib/checks/site.ts';
import { loadRules, parseFakeList, scanFiles, staleFakeEntries } from '../src/lib/checks/secrets.ts';
import { AvalancheError } from '../src/lib/core/errors.ts';

async function main(): Promise<number> {
  const started = performance.now();
  const { values } = parseArgs({
    options: {
      dist: { type: 'string', default: 'dist' },
      'no-site': { type: 'boolean', default: false },
      root: { type: 'string' },
    },
  });
  // --root: scan another checkout (the tests plant keys in a throwaway git repository).
  const repoRoot = resolve(values.root ?? resolve(import.meta.dirname, '..'));
  let files: string[];
  try {
    files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
      cwd: repoRoot,
      encoding: 'utf8',
    })
      .split('\0')
      .filter((f) => f && existsSync(resolve(repoRoot, f)));
  } catch (error) {
    console.error(
      `scan:secrets: cannot list the repository's files with git (${(error as Error).message.split('\n')[0]}); expected a git checkout with git installed.`,
    );
    return 2;
  }
  const fakes = parseFakeList(readFileSync(resolve(repoRoot, '.secretlint-fakes.txt'), 'utf8'));
  const config = await loadRules(repoRoot);
  const repoFindings = await scanFiles(repoRoot, files, { config, fakes });
  const stale = staleFakeEntries(fakes, files, repoFindings);

  let siteFindings: Awaited<ReturnType<typeof scanFiles>> = [];
  let siteFiles = 0;
  const dist = resolve(repoRoot, values.dist!);
  if (!values['no-site']) {
    if (!existsSync(resolve(dist, 'index.html'))) {
      console.error(
        `scan:secrets: no built site in ${dist}; run \`npm run build\` first, pass --dist DIR, or --no-site to scan the repository only.`,
      );
      return 2;
    }
    const built = walk(dist).map((f) => relative(dist, f));
    siteFiles = built.length;
    siteFindings = (await scanFiles(dist, built, { config })).map((f) => ({
      ...f,
      file: `${relative(repoRoot, dist) || dist}/${f.file}`,
    }));
  }

  const problems = [...repoFindings, ...siteFindings].filter((f) => f.problem);
  for (const f of problems)
    console.error(`${f.file}:${f.line}:${f.column}: ${f.ruleId}: ${f.message} [${f.fingerprint}]: ${f.problem}`);
  for (const s of stale) console.error(s);
  const fakesOk = [...repoFindings, ...siteFindings].filter((f) => !f.problem).length;
  const ms = Math.round(performance.now() - started);
  console.log(
    `scan:secrets: ${files.length} repository files, ${siteFiles} site files, ${problems.length} secrets, ${fakesOk} accepted fakes, ${stale.length} stale fake entries, in ${ms} ms`,
  );
  return problems.length || stale.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`scan:secrets: ${(error as Error).message}`);
    process.exit(error instanceof AvalancheError ? error.exitCode : 1);
  },
);
