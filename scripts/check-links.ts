/**
 * `npm run check:links [-- --dist DIR] [--external] [--json] [--quiet] [--root DIR]`: checks every internal link,
 * #fragment
 * and repository-file link of the built site (see src/lib/checks/links.ts for the convention), lists
 * external links with the pages that use them, and fetches them only with --external.
 * Exit 0 all good, 1 broken links, 2 bad input (no build).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fetchExternal } from '../src/lib/checks/external-links.ts';
import { loadSite, siteUrlOf, sourceOf } from '../src/lib/checks/site.ts';
import { checkLinks, repoWebUrl } from '../src/lib/checks/links.ts';

const started = performance.now();
const { values } = parseArgs({
  options: {
    dist: { type: 'string', default: 'dist' },
    external: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
    root: { type: 'string' },
  },
});
// --root: the repository the pages come from (source files, repository-file links); default this one.
const repoRoot = resolve(values.root ?? resolve(import.meta.dirname, '..'));
const dist = resolve(values.dist!);
if (!existsSync(resolve(dist, 'index.html'))) {
  console.error(
    `check:links: no built site in ${dist} (no index.html); expected the output of \`npm run build\`. Run \`npm run build\` first, or pass --dist DIR.`,
  );
  process.exit(2);
}
const pkgFile = resolve(repoRoot, 'package.json');
const pkg = existsSync(pkgFile) ? JSON.parse(readFileSync(pkgFile, 'utf8')) : {};
const site = loadSite(dist);
const report = checkLinks({
  dist,
  repoRoot,
  site,
  siteUrl: process.env.AVALANCHE_SITE_URL ?? siteUrlOf(site),
  repoUrl: process.env.AVALANCHE_REPO_URL ?? repoWebUrl(pkg.repository),
});
const ms = Math.round(performance.now() - started);

if (values.json) {
  const toObj = (m: Map<string, Set<string>>) => Object.fromEntries([...m].map(([k, v]) => [k, [...v].sort()]));
  console.log(
    JSON.stringify(
      {
        ms,
        pages: report.pages,
        links: report.links,
        problems: report.problems,
        external: toObj(report.external),
        repoLinks: toObj(report.repoLinks),
      },
      null,
      2,
    ),
  );
} else {
  // One line per broken link; a link broken the same way on many pages (a layout link) is one line.
  const groups = new Map<string, string[]>();
  for (const p of report.problems) {
    const key = `${p.where} "${p.link}": ${p.reason}`;
    const src = sourceOf(repoRoot, p.page);
    groups.set(key, [...(groups.get(key) ?? []), `${p.page}${src ? ` (${src})` : ''}`]);
  }
  for (const [key, pages] of groups) {
    const on =
      pages.length > 3 ? `${pages.slice(0, 3).join(', ')} and ${pages.length - 3} more pages` : pages.join(', ');
    console.error(`${on}: ${key}`);
  }
  if (!values.quiet && report.external.size) {
    console.log(
      `External links (not fetched${values.external ? ' here; see below' : '; pass --external to fetch them'}):`,
    );
    for (const [url, pages] of [...report.external].sort())
      console.log(`  ${url}\n      on ${[...pages].sort().join(', ')}`);
  }
  console.log(
    `check:links: ${report.pages} pages, ${report.links} links, ${report.external.size} external, ${report.repoLinks.size} repository files, ${report.problems.length} broken, in ${ms} ms`,
  );
}

let failed = report.problems.length > 0;
if (values.external) {
  const results = await fetchExternal([...report.external.keys()]);
  for (const r of results) {
    if (!r.ok) failed = true;
    console.log(
      `${r.ok ? 'ok  ' : 'FAIL'} ${r.status} ${r.url}${r.ok ? '' : `  (on ${[...(report.external.get(r.url) ?? [])].join(', ')})`}`,
    );
  }
}
process.exit(failed ? 1 : 0);
