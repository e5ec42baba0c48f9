/**
 * Shell commands shown on the site, as a reader copies them: how many commands a block holds, and
 * whether one changes something (a cluster, a tailnet, a host) or only reads or rehearses.
 *
 * The browser test reads every copy button's text through these, and <Command> uses them to refuse a
 * block that holds two commands and to put a command that changes something under a caution aside.
 * Runbooks are judged by their own declaration (`--help --json`): a run without --dry-run is a change
 * when any of its steps declares one. Other tools by their verbs (kubectl apply, tailscale set, …).
 */

export type CommandKind = 'dry-run' | 'read' | 'change';

export interface Classified {
  kind: CommandKind;
  /** The runbook it runs (runbooks/<name>.mjs), if any. */
  runbook?: string;
  reason: string;
}

/** What commands.ts needs of a runbook's declaration. */
export interface RunbookFacts {
  steps: Array<{ changes?: string }>;
  rollback: unknown;
}

/**
 * The commands in a block of shell text: lines joined at a trailing backslash, comments dropped, and
 * split at newlines, `;`, `&&` and `||` outside quotes (a pipeline `a | b` is one command).
 */
export function splitCommands(text: string): string[] {
  const joined = text.replace(/\\\r?\n/g, ' ');
  const out: string[] = [];
  let cur = '';
  let quote: string | undefined;
  const push = () => {
    if (cur.trim()) out.push(cur.trim().replace(/\s+/g, ' '));
    cur = '';
  };
  for (let i = 0; i < joined.length; i++) {
    const c = joined[i]!;
    if (quote) {
      if (c === '\\' && quote === '"') {
        cur += c + (joined[i + 1] ?? '');
        i++;
        continue;
      }
      if (c === quote) quote = undefined;
      cur += c;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(joined[i - 1]!))) {
      while (i < joined.length && joined[i] !== '\n') i++;
      push();
      continue;
    } else if (c === '\n' || c === ';') {
      push();
      continue;
    } else if ((c === '&' || c === '|') && joined[i + 1] === c) {
      i++;
      push();
      continue;
    }
    cur += c;
  }
  push();
  return out;
}

/** Words of one command, quotes removed (enough for flags and verbs). */
export function words(command: string): string[] {
  return (command.match(/'[^']*'|"(?:\\.|[^"])*"|\S+/g) ?? []).map((w) => w.replace(/^(['"])(.*)\1$/, '$2'));
}

const RUNBOOK = /^(?:npx\s+)?(?:zx|node)\s+(?:\.\/)?runbooks\/([a-z0-9-]+)\.mjs(?:\s|$)/;

/** Verbs that change something, per tool; everything else a tool does here only reads. */
const CHANGING: Record<string, (w: string[]) => boolean> = {
  kubectl: (w) =>
    [
      'apply',
      'create',
      'delete',
      'patch',
      'replace',
      'edit',
      'scale',
      'label',
      'annotate',
      'set',
      'drain',
      'cordon',
      'uncordon',
      'taint',
      'expose',
      'run',
      'autoscale',
    ].includes(sub(w)) ||
    (sub(w) === 'rollout' && ['restart', 'undo', 'pause', 'resume'].includes(sub(w, 2))),
  tailscale: (w) =>
    ['set', 'up', 'down', 'login', 'logout', 'switch', 'cert', 'update', 'lock', 'funnel'].includes(sub(w)) ||
    (sub(w) === 'serve' && !['status'].includes(sub(w, 2))),
  ethtool: (w) => w.some((x) => ['-K', '--features', '--offload', '-s', '--change'].includes(x)),
  sysctl: (w) => w.some((x) => ['-w', '--write', '-p', '--load', '--system'].includes(x) || /^[\w.]+=/.test(x)),
  systemctl: (w) => ['start', 'stop', 'restart', 'reload', 'enable', 'disable', 'mask', 'unmask'].includes(sub(w)),
  ip: (w) => ['add', 'del', 'delete', 'replace', 'change', 'flush', 'set'].some((v) => w.includes(v)),
  rm: () => true,
};

/** The nth non-flag word after the tool (1: the subcommand). Global flags with a value are skipped. */
function sub(w: string[], n = 1): string {
  const rest: string[] = [];
  for (let i = 1; i < w.length; i++) {
    const x = w[i]!;
    if (x.startsWith('-')) {
      // kubectl -n NS / --context CTX / --namespace NS take a value.
      if (/^(-n|--namespace|--context|--kubeconfig|-c|--container)$/.test(x)) i++;
      continue;
    }
    rest.push(x);
  }
  return rest[n - 1] ?? '';
}

const hasFlag = (w: string[], ...names: string[]) => w.some((x) => names.some((n) => x === n || x.startsWith(`${n}=`)));

/** Whether a command rehearses (--dry-run), only reads, or changes something, and why. */
export function classifyCommand(command: string, runbook: (name: string) => RunbookFacts | undefined): Classified {
  const w = words(command.trim());
  const m = RUNBOOK.exec(command.trim());
  if (m) {
    const name = m[1]!;
    if (hasFlag(w, '--help')) return { kind: 'read', runbook: name, reason: '--help' };
    if (hasFlag(w, '--dry-run'))
      return { kind: 'dry-run', runbook: name, reason: '--dry-run runs nothing that changes' };
    const flag = ['--rollback', '--force', '--yes', '--stop'].find((f) => hasFlag(w, f));
    if (flag) return { kind: 'change', runbook: name, reason: `${flag} without --dry-run` };
    const facts = runbook(name);
    if (!facts)
      return {
        kind: 'change',
        runbook: name,
        reason: `runbooks/${name}.mjs has no declaration to say it changes nothing`,
      };
    return facts.steps.some((s) => s.changes)
      ? { kind: 'change', runbook: name, reason: 'a real run, and its steps declare changes' }
      : { kind: 'read', runbook: name, reason: 'no step of it declares a change' };
  }
  const tool = w[0] === 'sudo' ? w.slice(1) : w;
  const name = (tool[0] ?? '').split('/').pop()!;
  if (hasFlag(tool, '--dry-run') && name === 'kubectl') return { kind: 'dry-run', reason: 'kubectl --dry-run' };
  const changing = CHANGING[name];
  if (changing?.(tool))
    return { kind: 'change', reason: `${name} ${sub(tool) || tool.slice(1).join(' ')} changes state` };
  return { kind: 'read', reason: `${name || 'it'} only reads here` };
}

/** A copy block as a page shows it (test/e2e/phone-checks.ts reads them). */
export interface ShownBlock {
  text: string;
  lang: string;
  underCaution: boolean;
}

const SHELL = new Set(['sh', 'bash', 'shell', 'zsh', 'console', 'shellsession', 'shell-session']);

/**
 * What is wrong with a page's copy blocks, in page order: a shell block that holds more than one
 * command (or mixes a dry run with a change), a change not under a caution aside, and a runbook run
 * that changes something before the page has shown that runbook's dry run.
 */
export function copyBlockProblems(blocks: ShownBlock[], runbook: (name: string) => RunbookFacts | undefined): string[] {
  const problems: string[] = [];
  const rehearsed = new Set<string>();
  for (const [i, b] of blocks.entries()) {
    if (!SHELL.has(b.lang)) continue;
    const where = `block ${i + 1} "${b.text.trim().split('\n')[0]!.slice(0, 70)}"`;
    const commands = splitCommands(b.text);
    const kinds = commands.map((c) => classifyCommand(c, runbook));
    if (commands.length !== 1) {
      const mix =
        kinds.some((k) => k.kind === 'dry-run') && kinds.some((k) => k.kind === 'change')
          ? ', mixing a dry run with a change'
          : '';
      problems.push(`${where}: copies ${commands.length} commands${mix}; expected exactly one`);
    }
    for (const k of kinds) {
      if (k.kind === 'dry-run' && k.runbook) rehearsed.add(k.runbook);
      if (k.kind !== 'change') continue;
      if (!b.underCaution) problems.push(`${where}: changes something (${k.reason}) but is not under a caution aside`);
      if (k.runbook && !rehearsed.has(k.runbook))
        problems.push(`${where}: runs runbooks/${k.runbook}.mjs for real before the page shows its --dry-run`);
    }
  }
  return problems;
}
