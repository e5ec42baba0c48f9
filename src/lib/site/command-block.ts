/**
 * What <Command> shows around one command: its kind, and for a command that changes something, what it
 * changes and how to undo it, from the runbook's own declaration when the command runs a runbook.
 */
import { classifyCommand, splitCommands, type Classified } from './commands.ts';
import { runbookHelp, type HelpJson } from './runbook-help.ts';

export interface CommandBlock extends Classified {
  command: string;
  /** For a change: what it changes and how to undo it (text with `code` in backticks). */
  changes?: string;
  undo?: string;
  /** The runbook's dry run, when the block is a change of a runbook that has one. */
  dryRun?: string;
}

export class CommandBlockError extends Error {
  readonly code = 'E_COMMAND_BLOCK';
  constructor(message: string) {
    super(message);
    this.name = 'CommandBlockError';
  }
}

const joinSentences = (parts: string[]) =>
  parts
    .map((p) => p.trim().replace(/\.$/, ''))
    .filter(Boolean)
    .join('; ');

/**
 * The flags of a command that choose what it acts on (`--region iceland`, `--context home`): the dry run and
 * the undo shown beside it keep them, so each names the same target as the command, not every region.
 */
const SELECTING = new Set(['region', 'context']);

function fromRunbook(help: HelpJson, w: string): Pick<CommandBlock, 'changes' | 'undo' | 'dryRun'> {
  const selectors = commandGroups(w)
    .filter((g) => /^--([\w-]+)[ =]/.test(g) && SELECTING.has(/^--([\w-]+)/.exec(g)![1]!))
    .map((g) => ` ${g}`)
    .join('');
  const base = help.command;
  const region = /(?:^|\s)--region[ =](\S+)/.exec(w)?.[1];
  // The declarations write `<region>` where the region goes; a command for one region fills it in.
  const fill = (text: string) => (region ? text.replaceAll('<region>', region) : text);
  const dryRun = `${base}${selectors} --dry-run`;
  if (/(^|\s)--rollback(\s|=|$)/.test(w) && help.rollback) {
    return {
      changes: fill(
        joinSentences(help.rollback.steps.filter((s) => s.changes).map((s) => s.changes!)) || help.rollback.summary,
      ),
      undo: `run \`${base}${selectors}\` again (its \`--dry-run\` first)`,
      dryRun: `${base} --rollback${selectors} --dry-run`,
    };
  }
  const flag = help.flags.find(
    (f) =>
      !f.common &&
      f.type === 'boolean' &&
      new RegExp(`(^|\\s)--${f.name}(\\s|$)`).test(w) &&
      /^(stop|remove|delete|disable)/.test(f.name),
  );
  if (flag) return { changes: flag.description, undo: `run \`${base}${selectors}\` again`, dryRun };
  const steps = help.steps.filter((s) => s.changes);
  const undos = steps.filter((s) => s.undo).map((s) => s.undo!);
  // "All at once" means every target: only the context is kept, not a --region.
  const context = selectors.replace(/ --region[ =]\S+/g, '');
  const rollback = help.rollback
    ? `or all at once: \`${base} ${help.rollback.flag}${context}\` (with \`--dry-run\` first)`
    : '';
  return {
    changes: fill(joinSentences(steps.map((s) => s.changes!))),
    undo: fill(joinSentences([...undos, rollback])) || 'nothing undoes it automatically: see the runbook page',
    dryRun,
  };
}

/**
 * One command, checked and described. `given` are the author's words for a change that is not a runbook
 * (a runbook's declaration is used otherwise). Throws when the text holds more than one command, or when a
 * change has nothing that says what it changes and how to undo it.
 */
export function commandBlock(
  text: string,
  given: { changes?: string; undo?: string } = {},
  root: string = process.cwd(),
): CommandBlock {
  const commands = splitCommands(text);
  if (commands.length !== 1) {
    throw new CommandBlockError(
      `a command block must hold exactly one command, so a copy runs one thing; received ${commands.length}: ${commands.map((c) => `"${c}"`).join(', ') || '(none)'}. Use one <Command> per command.`,
    );
  }
  const command = text.trim();
  const facts = (name: string) => {
    try {
      return runbookHelp(name, root);
    } catch {
      return undefined;
    }
  };
  const kind = classifyCommand(command, facts);
  if (kind.kind !== 'change') return { command, ...kind };
  const derived = kind.runbook && facts(kind.runbook) ? fromRunbook(facts(kind.runbook)!, commands[0]!) : {};
  const changes = given.changes ?? derived.changes;
  const undo = given.undo ?? derived.undo;
  if (!changes || !undo) {
    throw new CommandBlockError(
      `"${command}" changes something (${kind.reason}): say what with changes="…" and how to undo it with undo="…".`,
    );
  }
  return { command, ...kind, changes, undo, ...(derived.dryRun ? { dryRun: derived.dryRun } : {}) };
}

/**
 * The command cut where a phone may wrap it: words, with a flag kept together with its value
 * (`--region iceland`), so a line breaks between flags and never inside one.
 */
export function commandGroups(command: string): string[] {
  const tokens = command.trim().match(/'[^']*'|"(?:\\.|[^"])*"|\S+/g) ?? [];
  const groups: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const next = tokens[i + 1];
    if (
      /^--?[\w-]+$/.test(t) &&
      next !== undefined &&
      !next.startsWith('-') &&
      i > 0 &&
      groups.length > 0 &&
      /^--/.test(t) &&
      takesValue(t, next)
    ) {
      groups.push(`${t} ${next}`);
      i++;
    } else groups.push(t);
  }
  return groups;
}

/** A flag followed by a plain word is read as flag and value (`--region iceland`, `--report-dir reports`). */
function takesValue(flag: string, next: string): boolean {
  return (
    !/^(--dry-run|--yes|--json|--rollback|--force|--stop|--help|--policy|--no-[\w-]+)$/.test(flag) &&
    !/^(sudo|npx|zx|node)$/.test(next)
  );
}
