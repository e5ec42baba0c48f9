/**
 * A runbook's declaration as its pages need it: `node runbooks/<name>.mjs --help --json`, run once per
 * runbook and build (the page, its table of contents and its command blocks all ask).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { HelpJson } from '../harness/help.ts';

export type { HelpJson } from '../harness/help.ts';

export class RunbookHelpError extends Error {
  readonly code = 'E_RUNBOOK_HELP';
  constructor(message: string) {
    super(message);
    this.name = 'RunbookHelpError';
  }
}

const cache = new Map<string, HelpJson>();

/** Runbook names are file names: lowercase words joined by dashes. */
export const RUNBOOK_NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** The declaration of runbooks/<name>.mjs; `root` is the repository (Astro builds from it). */
export function runbookHelp(name: string, root: string = process.cwd()): HelpJson {
  const key = `${root}\0${name}`;
  const known = cache.get(key);
  if (known) return known;
  if (!RUNBOOK_NAME.test(name))
    throw new RunbookHelpError(`"${name}" is not a runbook name; expected one such as "phase2-deploy-proxy".`);
  const file = join(root, 'runbooks', `${name}.mjs`);
  if (!existsSync(file)) throw new RunbookHelpError(`runbooks/${name}.mjs does not exist.`);
  try {
    // process.execPath is the project's Node (npm scripts put node_modules/.bin first), new enough for the .ts imports.
    const help = JSON.parse(
      execFileSync(process.execPath, [file, '--help', '--json'], {
        encoding: 'utf8',
        timeout: 60_000,
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    ) as HelpJson;
    cache.set(key, help);
    return help;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new RunbookHelpError(
      `\`node runbooks/${name}.mjs --help --json\` failed: ${(e.stderr || e.message).trim().split('\n').pop()}`,
    );
  }
}

/** The sections a runbook page shows, in order, as headings with shareable anchors. */
export function runbookSections(help: HelpJson): Array<{ slug: string; text: string }> {
  return [
    { slug: 'run-it', text: 'Run it' },
    { slug: 'prerequisites', text: 'Prerequisites' },
    { slug: 'steps', text: 'Steps' },
    ...(help.rollback ? [{ slug: 'rollback', text: 'Rollback' }] : []),
    { slug: 'flags', text: 'Flags' },
    { slug: 'exit-codes', text: 'Exit codes' },
  ];
}
