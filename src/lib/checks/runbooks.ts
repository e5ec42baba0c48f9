/**
 * The runbook check (`npm run check:runbooks`), the part that reads files and pages: which runbooks
 * exist, which pages link them, which runbook names the docs mention, and how each manifests/<app>
 * folder gets applied. check-runbooks-run.ts runs the runbooks themselves.
 *
 * "Applied by hand" marker: a manifests/<app> folder that no runbook applies carries, in its
 * kustomization.yaml or README.md, a line
 *     # applied-by: hand — <reason, at least a few words>
 * A folder may also name its runbook(s): `# applied-by: phase2-deploy-proxy.mjs`; the named
 * runbook must exist and mention the folder in its --dry-run output or its source.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BuiltSite, pageUrl, walk } from './site.ts';

/** Pages that must link each runbook: at least one of these sections. */
export const LINKING_SECTIONS = ['/architecture/', '/migration/', '/use-cases/'];

export function listRunbooks(repoRoot: string): string[] {
  const dir = join(repoRoot, 'runbooks');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.mjs'))
    .map((f) => f.slice(0, -4))
    .sort();
}

/** A runbook's source: its entry (runbooks/<name>.mjs) and every file of its folder (runbooks/<name>/). */
export function runbookSource(repoRoot: string, name: string): string {
  const dir = join(repoRoot, 'runbooks', name);
  const files = [
    join(repoRoot, 'runbooks', `${name}.mjs`),
    ...(existsSync(dir) ? walk(dir).filter((f) => /\.(ts|mjs)$/.test(f)) : []),
  ];
  return files.map((f) => readFileSync(f, 'utf8')).join('\n');
}

/**
 * Runbook names a text mentions: "runbooks/x.mjs" or a bare "x.mjs", but not another folder's
 * script ("scripts/start.mjs") or a dotted name ("astro.config.mjs").
 */
export function runbookMentions(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(/(?<![\w.-])((?:[\w.-]+\/)*)([a-z0-9]+(?:-[a-z0-9]+)*)\.mjs\b/g)) {
    const dir = m[1]!;
    if (dir === '' || /^(?:\.{1,2}\/)*\/?runbooks\/$/.test(dir)) names.add(m[2]!);
  }
  return [...names];
}

/** Runbook name -> docs files (content pages, partials and the README) that mention it. */
export function mentionedRunbooks(repoRoot: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const docs = join(repoRoot, 'src/content/docs');
  const files = [...(existsSync(docs) ? walk(docs) : []), join(repoRoot, 'README.md')].filter(
    (f) => /\.(mdx?|mdoc)$/.test(f) && existsSync(f),
  );
  for (const file of files) {
    const rel = file.slice(repoRoot.length + 1);
    for (const name of runbookMentions(readFileSync(file, 'utf8'))) found.set(name, [...(found.get(name) ?? []), rel]);
  }
  return found;
}

/** Pages in LINKING_SECTIONS whose content (not the sidebar) links /runbooks/<name>/ (any #fragment). */
export function linkingPages(site: BuiltSite, name: string): string[] {
  const pages: string[] = [];
  for (const [file, html] of site.pages) {
    const page = pageUrl(file);
    if (!LINKING_SECTIONS.some((s) => page.startsWith(s))) continue;
    const base = new URL(page, 'http://site.invalid');
    // Only the page's own content counts: the sidebar links every runbook page from every page.
    const links = html.refs
      .filter((r) => r.where === 'a[href]' && r.inContent)
      .map((r) => {
        try {
          const u = new URL(r.url, base);
          return u.host === 'site.invalid' ? u.pathname.replace(/\/?$/, '/') : '';
        } catch {
          return '';
        }
      });
    if (links.includes(`/runbooks/${name}/`)) pages.push(page);
  }
  return pages.sort();
}

export type AppliedByMarker =
  { kind: 'hand'; reason: string; file: string } | { kind: 'runbooks'; names: string[]; file: string };

/** The applied-by marker in a folder's kustomization.yaml or README.md, if any. */
export function appliedByMarker(
  folder: string,
): AppliedByMarker | { kind: 'invalid'; file: string; line: string } | undefined {
  for (const name of ['kustomization.yaml', 'README.md']) {
    const file = join(folder, name);
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const m = /applied-by:\s*(.*?)\s*(?:-->)?$/.exec(line);
      if (!m) continue;
      const hand = /^hand\s*[—–:-]+\s*(.{10,})$/.exec(m[1]!);
      if (hand) return { kind: 'hand', reason: hand[1]!.trim(), file: name };
      const names = m[1]!.split(/[\s,]+/).filter(Boolean);
      if (names.length && names.every((n) => /^[a-z0-9-]+\.mjs$/.test(n)))
        return { kind: 'runbooks', names: names.map((n) => n.slice(0, -4)), file: name };
      return { kind: 'invalid', file: name, line: line.trim() };
    }
  }
  return undefined;
}

export function manifestApps(repoRoot: string): string[] {
  const dir = join(repoRoot, 'manifests');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/** Does this text (a dry-run output, a runbook's source) refer to manifests/<app>? */
export function mentionsApp(text: string, app: string): boolean {
  const escaped = app.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`manifests/${escaped}(?![\\w.-])`).test(text);
}
