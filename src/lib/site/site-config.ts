/**
 * Site settings that come from the environment of a build (astro.config.mjs reads them here):
 * the published address, edit links, and the one known build warning that is filtered.
 */
/**
 * A forge web address from package.json's `repository` (a string, `github:o/r`, `o/r`, or { url }), the
 * same reading as checks/links.ts repoWebUrl (site may not import checks: .dependency-cruiser.cjs).
 */
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

export class SiteConfigError extends Error {
  readonly code = 'E_SITE_CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'SiteConfigError';
  }
}

/**
 * The address the site is published at (AVALANCHE_SITE_URL, e.g. https://calypso.tailnet-name.ts.net/),
 * for canonical links, og:url and the sitemap. Unset: none of those is written, rather than an address
 * (127.0.0.1) that is wrong everywhere but on the build machine.
 */
export function publishedSite(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const raw = env.AVALANCHE_SITE_URL?.trim();
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SiteConfigError(
      `AVALANCHE_SITE_URL="${raw}" is not a URL; expected the address the docs are served at, e.g. https://calypso.example-tailnet.ts.net/ (or leave it unset).`,
    );
  }
  if (!/^https?:$/.test(url.protocol))
    throw new SiteConfigError(
      `AVALANCHE_SITE_URL="${raw}" is not an http(s) address; expected e.g. https://calypso.example-tailnet.ts.net/.`,
    );
  return url.href;
}

/**
 * The base of "Edit page" links: AVALANCHE_EDIT_URL as given (any forge), else derived from the
 * repository (AVALANCHE_REPO_URL or package.json `repository`, as the link check reads it) for the forges
 * whose edit path is known, on AVALANCHE_REPO_BRANCH (default main). No repository: no edit links.
 */
export function editLinkBase(env: NodeJS.ProcessEnv = process.env, pkgRepository?: unknown): string | undefined {
  if (env.AVALANCHE_EDIT_URL?.trim()) return env.AVALANCHE_EDIT_URL.trim().replace(/\/?$/, '/');
  const repo = env.AVALANCHE_REPO_URL?.trim() || repoWebUrl(pkgRepository);
  if (!repo) return undefined;
  const branch = env.AVALANCHE_REPO_BRANCH?.trim() || 'main';
  const host = (() => {
    try {
      return new URL(repo).hostname;
    } catch {
      return '';
    }
  })();
  // GitHub: /edit/<branch>/<path>; GitLab: /-/edit/<branch>/<path>; Gitea and Forgejo: /_edit/<branch>/<path>.
  if (host === 'github.com') return `${repo.replace(/\/$/, '')}/edit/${branch}/`;
  if (host.includes('gitlab')) return `${repo.replace(/\/$/, '')}/-/edit/${branch}/`;
  if (host.includes('gitea') || host.includes('forgejo') || host === 'codeberg.org')
    return `${repo.replace(/\/$/, '')}/_edit/${branch}/`;
  return undefined;
}

interface BuildLog {
  code?: string;
  message: string;
}

/**
 * Known build warnings that say nothing about this site, filtered by code and text so any other warning
 * (including another MODULE_LEVEL_DIRECTIVE) still shows:
 * - Rolldown's MODULE_LEVEL_DIRECTIVE for Astro's own `"use astro:head-inject"` marker, once per MDX page
 *   (31 blocks of 9 lines per build). Astro adds the marker itself; the warning is Astro's open bug
 *   https://github.com/withastro/astro/issues/18087 (Astro 7.3, "triage: fix verified"). Remove this filter
 *   when Astro fixes it.
 */
export function isKnownNoise(log: BuildLog): boolean {
  return log.code === 'MODULE_LEVEL_DIRECTIVE' && log.message.includes('"use astro:head-inject"');
}

/** For Vite's build.rolldownOptions.onwarn. */
export function quietKnownWarnings(warning: BuildLog, warn: (w: BuildLog) => void): void {
  if (!isKnownNoise(warning)) warn(warning);
}
