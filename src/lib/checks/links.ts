/**
 * The link check over the built site (`npm run check:links`): every internal href/src resolves to
 * a file of the build, every #fragment to an id on its target page, every link to a file of this
 * repository to a tracked file. External links are only collected (the build machine and the
 * tailnet reader may be offline); `fetchExternal` in check-external-links.ts checks them on demand.
 *
 * Links to repository files, the convention the pages follow:
 *   - prefer the generated page: /runbooks/<name>/ for runbooks/<name>.mjs, /manifests/<app>/ for
 *     manifests/<app>/ (readable offline over the tailnet, with copy buttons);
 *   - a link to the source file itself is `<repoUrl>/blob/<ref>/<path>` (also tree/, raw/,
 *     GitLab's -/blob/, Gitea's src/branch/), with repoUrl from AVALANCHE_REPO_URL or package.json
 *     "repository"; <path> must be a file (or folder) of this repository.
 *   - a relative or site-absolute href to a repository path ("../runbooks/x.mjs") is an error:
 *     the site does not serve repository files.
 */
import { closest, distance } from 'fastest-levenshtein';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type BuiltSite, loadSite, pageUrl, resolveFile } from './site.ts';

export interface LinkProblem {
  /** URL path of the page holding the link ("/migration/phase-2/"). */
  page: string;
  link: string;
  where: string;
  reason: string;
}

export interface LinkReport {
  pages: number;
  links: number;
  problems: LinkProblem[];
  /** External URL -> pages that link it (never fetched here). */
  external: Map<string, Set<string>>;
  /** Repository paths linked through the repository URL convention. */
  repoLinks: Map<string, Set<string>>;
}

export interface LinkCheckOptions {
  dist: string;
  repoRoot: string;
  /** Where the site is published (canonical links use it): links under it count as internal. */
  siteUrl?: string;
  /** This repository's web URL, e.g. https://github.com/owner/avalanche-network-docs. */
  repoUrl?: string;
  /** Reuse an already loaded build (the runbook check does). */
  site?: BuiltSite;
}

const SKIPPED_SCHEMES = /^(mailto|tel|javascript|data|blob|about):/i;
/** Folders of this repository that pages may point at; the site does not serve them. */
const REPO_PATH = /^\/?(?:\.\.\/)*((?:runbooks|manifests|src|scripts|test)\/.+)$/;
const FORGE_PATH = /^\/(?:-\/)?(?:blob|tree|raw|src\/branch)\/[^/]+\/(.+)$/;

/** Normalises package.json's repository field (string or {url}) to a web URL. */
export function repoWebUrl(repository: unknown): string | undefined {
  const raw = typeof repository === 'string' ? repository : (repository as { url?: string } | undefined)?.url;
  if (!raw) return undefined;
  const github = /^github:(.+)$/.exec(raw) ?? /^([\w.-]+\/[\w.-]+)$/.exec(raw);
  if (github) return `https://github.com/${github[1]}`;
  return raw
    .replace(/^git\+/, '')
    .replace(/^git@([^:]+):/, 'https://$1/')
    .replace(/\.git$/, '')
    .replace(/\/$/, '');
}

/** A "did you mean" only when something is close enough to be the likely intent. */
function suggest(word: string, options: Iterable<string>): string {
  const list = [...options];
  if (!list.length) return '';
  const best = closest(word, list);
  return distance(word, best) <= Math.max(2, Math.floor(word.length / 3)) ? ` (did you mean "${best}"?)` : '';
}

export function checkLinks(options: LinkCheckOptions): LinkReport {
  const site = options.site ?? loadSite(options.dist);
  const siteUrl = options.siteUrl ? new URL(options.siteUrl) : undefined;
  const repoUrl = options.repoUrl?.replace(/\/$/, '');
  const report: LinkReport = {
    pages: site.pages.size,
    links: 0,
    problems: [],
    external: new Map(),
    repoLinks: new Map(),
  };
  const addTo = (map: Map<string, Set<string>>, key: string, page: string) => {
    if (!map.has(key)) map.set(key, new Set());
    map.get(key)!.add(page);
  };
  const pageUrls = [...site.pages.keys()].map(pageUrl);

  for (const [file, html] of site.pages) {
    const page = pageUrl(file);
    const base = new URL(page, 'http://site.invalid');
    for (const ref of html.refs) {
      // Starlight gives its 404 page the canonical URL /404/, but every static server (and
      // `astro preview`) serves it as 404.html for unknown paths; nobody follows that link.
      if (file === '/404.html' && ref.where.startsWith('link[rel=canonical')) continue;
      report.links++;
      const problem = (reason: string) => report.problems.push({ page, link: ref.url, where: ref.where, reason });
      if (SKIPPED_SCHEMES.test(ref.url)) continue;
      if (/^file:/i.test(ref.url)) {
        problem('a file: URL only works on the machine that wrote it; link the page or the repository URL instead');
        continue;
      }
      let url: URL;
      try {
        url = new URL(ref.url, base);
      } catch {
        problem('not a valid URL');
        continue;
      }
      let path = url.pathname;
      if (url.host !== 'site.invalid') {
        if (repoUrl && ref.url.startsWith(`${repoUrl}/`)) {
          const m = FORGE_PATH.exec(ref.url.slice(repoUrl.length).split(/[?#]/)[0]!);
          if (!m) problem(`a link into this repository must look like ${repoUrl}/blob/<ref>/<path>`);
          else if (!existsSync(join(options.repoRoot, decodeURIComponent(m[1]!))))
            problem(`links to the repository file "${m[1]}", which does not exist`);
          else addTo(report.repoLinks, m[1]!, page);
          continue;
        }
        const underSite = siteUrl && url.origin === siteUrl.origin && url.pathname.startsWith(siteUrl.pathname);
        if (!underSite) {
          if (/^https?:$/.test(url.protocol)) addTo(report.external, ref.url, page);
          continue;
        }
        path = '/' + url.pathname.slice(siteUrl.pathname.length).replace(/^\//, '');
      }
      const target = resolveFile(site.files, path);
      if (!target) {
        const repoPath = REPO_PATH.exec(decodeURIComponent(ref.url.split(/[?#]/)[0]!));
        if (repoPath && existsSync(join(options.repoRoot, repoPath[1]!))) {
          problem(
            `points at the repository file "${repoPath[1]}", which the site does not serve: link its page (e.g. /runbooks/<name>/ or /manifests/<app>/) or ${repoUrl ?? '<repoUrl>'}/blob/main/${repoPath[1]}`,
          );
        } else {
          problem(`no page or file "${path}" in the build${suggest(path, pageUrls)}`);
        }
        continue;
      }
      const fragment = url.hash.slice(1);
      if (!fragment || !target.endsWith('.html')) continue;
      let id: string;
      try {
        id = decodeURIComponent(fragment);
      } catch {
        problem(`malformed #fragment "${fragment}"`);
        continue;
      }
      const ids = site.pages.get(target)!.ids;
      if (!ids.has(id)) problem(`no element with id "${id}" on ${pageUrl(target)}${suggest(id, ids)}`);
    }
  }
  return report;
}
