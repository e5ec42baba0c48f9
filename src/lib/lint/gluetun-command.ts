/**
 * The port-forwarding up/down commands as gluetun v3.41.1 runs them: {{PORT}}, {{PORTS}} and {{VPN_INTERFACE}}
 * are replaced, the string is split into words by internal/command/split.go (rewritten below, quirks included)
 * and executed without a shell (internal/portforward/service/command.go). The image is alpine with GNU wget,
 * OpenVPN and iptables added (Dockerfile `apk add`): busybox's sh, but no bash and no curl.
 */
import { GLUETUN_SRC } from './gluetun-settings.ts';

export const SPLIT_SOURCE = `${GLUETUN_SRC}internal/command/split.go`;
export const TEMPLATE_VARS = ['PORT', 'PORTS', 'VPN_INTERFACE'];
/** Programs the v3.41.1 image does not have (alpine:3.22 base plus the Dockerfile's apk packages). */
export const NOT_IN_IMAGE = ['bash', 'curl', 'jq', 'python', 'python3', 'perl', 'zsh', 'node'];
const SHELLS = ['sh', 'ash', '/bin/sh', '/bin/ash', '/bin/busybox'];

export type SplitResult = { words: string[] } | { error: string };

/** internal/command/split.go Split, step for step: unterminated quotes and escapes are errors, and a word
 * that starts with a backslash not followed by a newline makes the Go loop spin forever. */
export function splitCommand(command: string): SplitResult {
  if (command === '') return { error: 'command is empty' };
  const words: string[] = [];
  let start = 0;
  try {
    while (start < command.length) {
      const c = command[start];
      if (' \n\t'.includes(c)) start++;
      else if (c === '\\') {
        if (start + 1 >= command.length) return { error: 'unterminated backslash-escape' };
        if (command[start + 1] !== '\n')
          return {
            error:
              'a word starts with a backslash not followed by a newline: gluetun v3.41.1 loops forever on it (Split never advances), so port forwarding hangs',
          };
        start += 2;
      } else {
        const [word, next] = splitWord(command, start, '');
        words.push(word);
        start = next;
      }
    }
  } catch (err) {
    return { error: (err as Error).message };
  }
  return { words };
}

function splitWord(input: string, startIndex: number, buffer: string): [string, number] {
  let cursor = startIndex;
  while (cursor < input.length) {
    const c = input[cursor++];
    if ('"\'\\ \n\t'.includes(c)) buffer += input.slice(startIndex, cursor - 1);
    if (' \n\t'.includes(c)) return [buffer, cursor];
    if (c === '"') return doubleQuoted(input, cursor, buffer);
    if (c === "'") {
      const close = input.indexOf("'", cursor);
      if (close < 0) throw new Error('unterminated single-quoted string');
      return splitWord(input, close + 1, buffer + input.slice(cursor, close));
    }
    if (c === '\\') {
      if (cursor >= input.length) throw new Error('unterminated backslash-escape');
      return splitWord(input, cursor + 1, buffer + (input[cursor] === '\n' ? '' : input[cursor]));
    }
  }
  return [buffer + input.slice(startIndex), input.length];
}

function doubleQuoted(input: string, startIndex: number, buffer: string): [string, number] {
  let start = startIndex;
  let cursor = startIndex;
  while (cursor < input.length) {
    const c = input[cursor++];
    if (c === '"') return splitWord(input, cursor, buffer + input.slice(start, cursor - 1));
    if (c === '\\' && cursor < input.length) {
      const escaped = input[cursor++];
      if (!'$`"\n\\'.includes(escaped)) continue;
      buffer += input.slice(start, cursor - 2) + (escaped === '\n' ? '' : escaped);
      start = cursor;
    }
  }
  throw new Error('unterminated double-quoted string');
}

export interface CommandProblem {
  rule: 'gluetun/up-command' | 'gluetun/port-forward-timing';
  message: string;
}

/** Problems with an up (or down) command; `isUp` adds the timing checks that only the up command needs. */
export function checkCommand(name: string, template: string, isUp: boolean): CommandProblem[] {
  const out: CommandProblem[] = [];
  const up = (message: string) => out.push({ rule: 'gluetun/up-command', message: `${name}: ${message}` });
  for (const m of template.matchAll(/\{\{(\w+)\}\}/g))
    if (!TEMPLATE_VARS.includes(m[1]))
      up(`{{${m[1]}}} is not replaced (only {{PORT}}, {{PORTS}} and {{VPN_INTERFACE}} are).`);
  const split = splitCommand(
    template.replaceAll('{{PORTS}}', '40000').replaceAll('{{PORT}}', '40000').replaceAll('{{VPN_INTERFACE}}', 'tun0'),
  );
  if ('error' in split) {
    up(`gluetun cannot split it into words (${split.error}), so it never runs; balance the quotes (${SPLIT_SOURCE}).`);
    return out;
  }
  const [program, flag, script] = split.words;
  const shell = SHELLS.includes(program) && flag === '-c' && script !== undefined;
  const programName = program.split('/').pop()!;
  if (NOT_IN_IMAGE.includes(programName))
    up(`the gluetun image has no ${programName} (alpine with busybox sh and GNU wget); use /bin/sh -c '...' and wget.`);
  else if (!shell && split.words.some((w) => /^(\||&&|;|>|<|\|\|)$/.test(w) || /\$\(|`/.test(w)))
    up(
      "gluetun runs it without a shell, so pipes, &&, ; and redirections are passed as arguments; wrap it in /bin/sh -c '...'.",
    );
  const text = shell ? script : split.words.join(' ');
  for (const p of NOT_IN_IMAGE)
    if (shell && new RegExp(`(^|[\\s;&|(\`])${p}(\\s|$)`).test(text))
      up(`the script calls ${p}, which the gluetun image does not have.`);
  if (isUp && /(^|[\s;&|(])wget\s/.test(text)) out.push(...timing(name, text));
  return out;
}

/** ProtonVPN's lease is 60 s and gluetun first renews it 45 s after the up command returns
 * (internal/provider/protonvpn/portforward.go; service/start.go runs the command before KeepPortForward). */
function timing(name: string, script: string): CommandProblem[] {
  const say = (message: string): CommandProblem => ({
    rule: 'gluetun/port-forward-timing',
    message: `${name}: ${message}`,
  });
  const background = /[^&]&\s*$/.test(script.trim());
  const retries = /--retry-connrefused|--tries|--waitretry|(^|\s)-t\s*\d|\bsleep\b|\bwhile\b|\buntil\b|\bfor\b/.test(
    script,
  );
  if (retries && !background)
    return [
      say(
        "it retries in the foreground, and gluetun renews the 60 s NAT-PMP lease only 45 s after the command returns: a slow app start lets the lease lapse and the port change. Run the retry loop in the background: /bin/sh -c '( ... ) &'.",
      ),
    ];
  if (!retries)
    return [
      say(
        'it calls the app once; gluetun runs it as soon as the tunnel is up, before a native-sidecar app has started, so the port never reaches the app. Retry in a background loop until the app answers.',
      ),
    ];
  const redirected = /\bexec\s+(\d?>|&>)/.test(script) || /\)\s*(\d?>&?\s*\S+\s*)+&\s*$/.test(script.trim());
  if (!redirected)
    return [
      say(
        'its background part writes to a pipe gluetun closes when the command returns (SIGPIPE); send its output elsewhere, e.g. exec >/proc/1/fd/1 2>&1 for the container log.',
      ),
    ];
  return [];
}
