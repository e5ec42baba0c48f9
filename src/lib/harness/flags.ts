/**
 * Command-line flags: the harness's common flags plus the runbook's own, parsed strictly (an unknown
 * flag or a value outside its choices is bad input: exit 2 before any command runs).
 */
import { parseArgs } from 'node:util';
import { closest, distance } from 'fastest-levenshtein';
import { InputError } from '../core/errors.ts';
import type { CommonFlags, DryRun, FlagDecl, RunbookDecl } from './types.ts';

export type { CommonFlags, DryRun } from './types.ts';

export function commonFlags(decl: { rollback?: { summary: string }; kubectl?: boolean }): FlagDecl[] {
  const flags: FlagDecl[] = [
    {
      name: 'help',
      type: 'boolean',
      description: 'Explain purpose, prerequisites, flags and steps, then exit. With --json, the declaration as JSON.',
    },
    {
      name: 'dry-run',
      type: 'string',
      valueName: 'client|server',
      description:
        '`--dry-run` runs no command at all: prints the plan, every command and the exact manifests. `--dry-run=server` runs read-only commands and server-side dry runs only.',
    },
    {
      name: 'yes',
      type: 'boolean',
      description:
        'Answer yes to confirmations (for CI). Without a TTY and without --yes, a runbook that would change something refuses.',
    },
    {
      name: 'json',
      type: 'boolean',
      description:
        'Print a machine-readable report (steps, status, durations, findings, changes) on stdout; progress goes to stderr.',
    },
    {
      name: 'report-dir',
      type: 'string',
      valueName: 'DIR',
      description:
        'Also save the report as DIR/<runbook>-<target>-<timestamp>.json, one file per target verified, for the site\'s "last verified" (no secrets; public IPs masked). Default: $AVALANCHE_REPORT_DIR, else not saved.',
    },
  ];
  if (decl.kubectl)
    flags.splice(4, 0, {
      name: 'context',
      type: 'string',
      valueName: 'NAME',
      description: "kubectl context to use instead of the inventory's.",
    });
  if (decl.rollback) flags.push({ name: 'rollback', type: 'boolean', description: decl.rollback.summary });
  return flags;
}

export interface ParsedFlags {
  common: CommonFlags;
  /** The runbook's own flags, camel-cased (`--echo-url` -> echoUrl). */
  args: Record<string, string | boolean | string[] | undefined>;
}

export const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

export function parseFlags<S, A>(decl: RunbookDecl<S, A>, argv: string[]): ParsedFlags {
  const all = [...commonFlags(decl), ...(decl.flags ?? [])];
  // parseArgs has no optional values; a bare --dry-run means the client kind, as in kubectl.
  const normalised = argv.map((a) => (a === '--dry-run' ? '--dry-run=client' : a));
  const options = Object.fromEntries(all.map((f) => [f.name, { type: f.type, multiple: f.multiple ?? false }]));
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: normalised,
      options: { ...options, h: { type: 'boolean' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new InputError(flagMessage(decl, all, (err as Error).message));
  }
  // An empty value never means "the default" or "all": `--region "$REGION"` with REGION unset must not
  // act on every region. Every string flag, common or the runbook's own, every occurrence and comma item.
  for (const f of all.filter((x) => x.type === 'string' && x.name !== 'dry-run')) {
    const given = values[f.name] as string | string[] | undefined;
    if (given === undefined) continue;
    const items = (Array.isArray(given) ? given : [given]).flatMap((x) => (f.multiple ? x.split(',') : [x]));
    if (items.some((x) => x.trim() === '')) {
      const choices = typeof f.choices === 'function' ? f.choices() : f.choices;
      const wanted = choices ? `one of ${choices.join(', ')}` : (f.valueName ?? 'a value');
      // What leaving the flag out means, as its description says ("Default: every shared proxy …").
      const byDefault = /Default: ([^.]+)/.exec(f.description)?.[1];
      const instead = byDefault ? `; leaving --${f.name} out means ${byDefault}` : '';
      throw new InputError(
        `--${f.name}: empty value ("${Array.isArray(given) ? given.join(',') : given}"); expected ${wanted}${f.multiple ? ', each item non-empty' : ''}. An empty value is never taken as the default: name the value you mean${instead}. Nothing was run.`,
      );
    }
  }
  const dry = values['dry-run'] as string | undefined;
  if (dry !== undefined && dry !== 'client' && dry !== 'server') {
    throw new InputError(
      `--dry-run=${dry}: expected --dry-run (client, runs nothing) or --dry-run=server. Run with --help for the flags.`,
    );
  }
  const args: ParsedFlags['args'] = {};
  for (const f of decl.flags ?? []) {
    let v = values[f.name] as string | boolean | string[] | undefined;
    if (Array.isArray(v)) v = v.flatMap((x) => x.split(',')).map((x) => x.trim());
    if (v === undefined) v = Array.isArray(f.default) ? [...f.default] : (f.default as string | boolean | undefined);
    if (v === undefined && f.type === 'boolean') v = false;
    const choices = typeof f.choices === 'function' ? f.choices() : f.choices;
    if (choices && v !== undefined && typeof v !== 'boolean') {
      for (const one of Array.isArray(v) ? v : [v]) {
        if (!choices.includes(one)) {
          const near = suggest(one, choices);
          throw new InputError(
            `--${f.name} ${one}: unknown value; expected one of ${choices.join(', ')}${near ? ` (did you mean ${near}?)` : ''}. Nothing was run.`,
          );
        }
      }
    }
    args[camel(f.name)] = v;
  }
  return {
    common: {
      help: Boolean(values.help || values.h),
      json: Boolean(values.json),
      dryRun: (dry as DryRun | undefined) ?? false,
      yes: Boolean(values.yes),
      context: values.context as string | undefined,
      rollback: Boolean(values.rollback),
      reportDir: values['report-dir'] as string | undefined,
    },
    args,
  };
}

function flagMessage(decl: { name: string }, all: FlagDecl[], raw: string): string {
  const m = raw.match(/Unknown option '(-{1,2}[^']+)'/);
  if (m) {
    const near = suggest(
      m[1].replace(/^-+/, ''),
      all.map((f) => f.name),
    );
    return `${m[1]}: unknown flag for ${decl.name}; expected one of ${all.map((f) => `--${f.name}`).join(', ')}${near ? ` (did you mean --${near}?)` : ''}. Nothing was run.`;
  }
  return `${raw.replace(/\.$/, '')}. Run with --help for the flags. Nothing was run.`;
}

/** The closest known name, if it is close enough to be a typo. */
function suggest(got: string, known: readonly string[]): string | undefined {
  const near = closest(got, [...known]);
  return near && distance(got, near) <= Math.max(2, Math.floor(got.length / 3)) ? near : undefined;
}
