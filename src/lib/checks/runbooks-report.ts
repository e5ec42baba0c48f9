/**
 * Puts the runbook check together: every runbooks/*.mjs answers --help and --help --json, passes
 * --dry-run against the bundled manifests with no cluster, no network and no secrets (running no
 * command), has its page, and is linked from an architecture, migration or use-case page; every
 * runbook the docs mention exists; every manifests/<app> folder is applied by a runbook or marked
 * as applied by hand with a reason.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BuiltSite } from './site.ts';
import { createSandbox, type RunResult, type Sandbox } from './runbooks-run.ts';
import {
  appliedByMarker,
  linkingPages,
  listRunbooks,
  manifestApps,
  mentionedRunbooks,
  mentionsApp,
  runbookSource,
} from './runbooks.ts';

export interface RunbookProblem {
  /** "runbooks/x.mjs", "manifests/app", or a docs file. */
  subject: string;
  reason: string;
}

export interface RunbookSummary {
  name: string;
  dryRunMs: number;
  linkedFrom: string[];
}

export interface RunbookCheck {
  runbooks: RunbookSummary[];
  problems: RunbookProblem[];
  /** app -> how it is applied ("phase2-deploy-proxy", "hand: reason"). */
  manifests: Map<string, string>;
}

/** The last lines of output, where a runbook says why it stopped. */
const firstLine = (r: RunResult) =>
  (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-3).join(' / ').slice(0, 300) || '(no output)';

async function checkOne(
  sandbox: Sandbox,
  repoRoot: string,
  site: BuiltSite,
  name: string,
  problems: RunbookProblem[],
): Promise<{ summary: RunbookSummary; dryRunText: string }> {
  const subject = `runbooks/${name}.mjs`;
  const script = join(repoRoot, subject);
  const problem = (reason: string) => problems.push({ subject, reason });

  const help = await sandbox.run(script, ['--help'], repoRoot);
  if (help.code !== 0 || !help.stdout.trim())
    problem(`--help exited ${help.code}${help.stdout.trim() ? '' : ' with no text on stdout'}: ${firstLine(help)}`);
  const helpJson = await sandbox.run(script, ['--help', '--json'], repoRoot);
  try {
    const decl = JSON.parse(helpJson.stdout) as { name?: string };
    if (decl.name !== name)
      problem(`--help --json declares the name "${decl.name}", expected "${name}" (the file name)`);
  } catch {
    problem(`--help --json exited ${helpJson.code} without a JSON declaration on stdout: ${firstLine(helpJson)}`);
  }

  const dry = await sandbox.run(script, ['--dry-run'], repoRoot);
  if (dry.code !== 0)
    problem(
      `--dry-run exited ${dry.code} on a machine with no cluster, no kubectl and no secrets (expected 0): ${firstLine(dry)}`,
    );
  for (const c of dry.commands) problem(`--dry-run ran \`${c}\`: a dry run must run no command at all`);
  for (const r of dry.requests) problem(`--dry-run made the HTTP request ${r}: a dry run must not reach the network`);

  if (!['mdx', 'md'].some((ext) => existsSync(join(repoRoot, `src/content/docs/runbooks/${name}.${ext}`)))) {
    problem(`has no page: expected src/content/docs/runbooks/${name}.mdx, drawn from its declaration`);
  } else if (!site.files.has(`/runbooks/${name}/index.html`)) {
    problem(`its page /runbooks/${name}/ is not in the build (build the site first)`);
  }
  const linkedFrom = linkingPages(site, name);
  if (!linkedFrom.length) problem(`no architecture, migration or use-case page links its page /runbooks/${name}/`);
  return { summary: { name, dryRunMs: Math.round(dry.ms), linkedFrom }, dryRunText: dry.stdout + dry.stderr };
}

export async function checkRunbooks(
  repoRoot: string,
  site: BuiltSite,
  { concurrency = 2 } = {},
): Promise<RunbookCheck> {
  const names = listRunbooks(repoRoot);
  const problems: RunbookProblem[] = [];
  const results = new Map<string, { summary: RunbookSummary; dryRunText: string }>();
  const queue = [...names];
  const sandboxes = await Promise.all(
    Array.from({ length: Math.max(1, Math.min(concurrency, names.length)) }, () => createSandbox()),
  );
  try {
    await Promise.all(
      sandboxes.map(async (sandbox) => {
        for (let name = queue.shift(); name !== undefined; name = queue.shift())
          results.set(name, await checkOne(sandbox, repoRoot, site, name, problems));
      }),
    );
  } finally {
    await Promise.all(sandboxes.map((s) => s.close()));
  }

  for (const [name, files] of mentionedRunbooks(repoRoot)) {
    if (!names.includes(name))
      for (const f of files)
        problems.push({ subject: f, reason: `mentions ${name}.mjs, but there is no runbooks/${name}.mjs` });
  }

  const manifests = new Map<string, string>();
  for (const app of manifestApps(repoRoot)) {
    const subject = `manifests/${app}`;
    const marker = appliedByMarker(join(repoRoot, subject));
    const appliers = names.filter(
      (n) => mentionsApp(results.get(n)!.dryRunText, app) || mentionsApp(runbookSource(repoRoot, n), app),
    );
    if (marker?.kind === 'invalid') {
      problems.push({
        subject,
        reason: `${marker.file} has "${marker.line}"; expected "# applied-by: hand — <reason>" or "# applied-by: <runbook>.mjs"`,
      });
    } else if (marker?.kind === 'hand') {
      manifests.set(app, `by hand: ${marker.reason}`);
    } else if (marker?.kind === 'runbooks') {
      for (const n of marker.names) {
        if (!names.includes(n))
          problems.push({ subject, reason: `${marker.file} says it is applied by ${n}.mjs, which does not exist` });
        else if (!appliers.includes(n))
          problems.push({
            subject,
            reason: `${marker.file} says it is applied by ${n}.mjs, whose --dry-run and source never mention ${subject}`,
          });
      }
      manifests.set(app, marker.names.join(', '));
    } else if (appliers.length) {
      manifests.set(app, appliers.join(', '));
    } else {
      problems.push({
        subject,
        reason: `no runbook applies it (none mentions ${subject} in its --dry-run output or source) and it is not marked "# applied-by: hand — <reason>" in its kustomization.yaml or README.md`,
      });
    }
  }

  const runbooks = names.map((n) => results.get(n)!.summary);
  problems.sort((a, b) => a.subject.localeCompare(b.subject));
  return { runbooks, problems, manifests };
}
