/**
 * `--help` (for people) and `--help --json` (for the docs pages and checks), both from the declaration.
 */
import { commonFlags } from './flags.ts';
import { EXIT_CODES, type FlagDecl, type RunbookDecl, type StepDecl } from './types.ts';

export interface HelpJson {
  name: string;
  title: string;
  summary: string;
  purpose: string;
  prerequisites: string[];
  command: string;
  examples: string[];
  flags: Array<{
    name: string;
    type: string;
    multiple: boolean;
    valueName?: string;
    description: string;
    choices?: string[];
    default?: unknown;
    common: boolean;
  }>;
  secrets: Array<{ env: string; description: string; alsoAccepted: string[] }>;
  steps: Array<{ id: string; title: string; kind: string; changes?: string; undo?: string }>;
  rollback: { flag: string; summary: string; steps: HelpJson['steps'] } | null;
  exitCodes: Record<string, string>;
}

const stepJson = <S, A>(s: StepDecl<S, A>) => ({
  id: s.id,
  title: s.title,
  kind: s.kind,
  ...(s.changes ? { changes: s.changes } : {}),
  ...(s.undo ? { undo: s.undo } : {}),
});

const flagJson = (f: FlagDecl, common: boolean) => {
  const choices = typeof f.choices === 'function' ? f.choices() : f.choices;
  return {
    name: f.name,
    type: f.type,
    multiple: f.multiple ?? false,
    ...(f.valueName ? { valueName: f.valueName } : {}),
    description: f.description,
    ...(choices ? { choices: [...choices] } : {}),
    ...(f.default !== undefined ? { default: f.default } : {}),
    common,
  };
};

export function helpJson<S, A>(decl: RunbookDecl<S, A>): HelpJson {
  return {
    name: decl.name,
    title: decl.title,
    summary: decl.summary,
    purpose: decl.purpose,
    prerequisites: decl.prerequisites,
    command: `npx zx runbooks/${decl.name}.mjs`,
    examples: (decl.examples ?? []).map((e) => `npx zx runbooks/${decl.name}.mjs ${e}`.trim()),
    flags: [...(decl.flags ?? []).map((f) => flagJson(f, false)), ...commonFlags(decl).map((f) => flagJson(f, true))],
    secrets: (decl.secrets ?? []).map((s) => ({
      env: s.env,
      description: s.description,
      alsoAccepted: [`${s.env}_FILE`, `${s.env}_COMMAND`],
    })),
    steps: decl.steps.map(stepJson),
    rollback: decl.rollback
      ? { flag: '--rollback', summary: decl.rollback.summary, steps: decl.rollback.steps.map(stepJson) }
      : null,
    exitCodes: { ...EXIT_CODES },
  };
}

export function helpText<S, A>(decl: RunbookDecl<S, A>): string {
  const h = helpJson(decl);
  const flag = (f: HelpJson['flags'][number]) => {
    const left = `  --${f.name}${f.type === 'string' ? ` ${f.valueName ?? 'VALUE'}` : ''}${f.multiple ? ' ...' : ''}`;
    const extra = [
      f.choices ? `one of: ${f.choices.join(', ')}` : '',
      f.default !== undefined ? `default: ${String(f.default)}` : '',
    ]
      .filter(Boolean)
      .join('; ');
    return `${left.padEnd(28)} ${f.description}${extra ? ` (${extra})` : ''}`;
  };
  const steps = (list: HelpJson['steps']) =>
    list.map((s, i) =>
      [
        `  ${i + 1}. [${s.kind}] ${s.title}`,
        s.changes ? `       changes: ${s.changes}` : '',
        s.undo ? `       undo: ${s.undo}` : '',
      ]
        .filter(Boolean)
        .join('\n'),
    );
  return [
    `${h.title} (${h.name})`,
    '',
    h.purpose,
    '',
    `Usage: ${h.command} [flags]`,
    ...(h.examples.length ? ['', 'Examples:', ...h.examples.map((e) => `  ${e}`)] : []),
    '',
    'Prerequisites:',
    ...h.prerequisites.map((p) => `  - ${p}`),
    ...(h.secrets.length
      ? [
          '',
          'Secrets (read from the variable, or <VAR>_FILE = a path, or <VAR>_COMMAND = e.g. pass show ...; never printed):',
          ...h.secrets.map((s) => `  ${s.env.padEnd(32)} ${s.description}`),
        ]
      : []),
    '',
    'Flags:',
    ...h.flags.filter((f) => !f.common).map(flag),
    ...h.flags.filter((f) => f.common).map(flag),
    '',
    'Steps:',
    ...steps(h.steps),
    ...(h.rollback ? ['', `With --rollback: ${h.rollback.summary}`, ...steps(h.rollback.steps)] : []),
    '',
    'Exit codes:',
    ...Object.entries(h.exitCodes).map(([c, t]) => `  ${c}  ${t}`),
    '',
  ].join('\n');
}
