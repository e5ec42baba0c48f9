import { describe, expect, test } from 'vitest';
import { checkCommand, splitCommand } from '../../src/lib/lint/gluetun-command.ts';

describe('splitCommand()', () => {
  // The cases of gluetun's own Test_Split (internal/command/split_test.go at v3.41.1), same inputs and results.
  test.each([
    ['concrete_sh_command', '/bin/sh -c "echo 123"', ['/bin/sh', '-c', 'echo 123']],
    ['single_word', 'word1', ['word1']],
    ['two_words_multiple_space', 'word1    word2', ['word1', 'word2']],
    ['two_words_no_expansion', 'word1*    word2?', ['word1*', 'word2?']],
    ['escaped_single quote', "ain\\'t good", ["ain't", 'good']],
    ['escaped_single_quote_all_single_quoted', "'ain'\\''t good'", ["ain't good"]],
    ['empty_single_quoted', "word1 ''  word2", ['word1', '', 'word2']],
    ['escaped_newline', 'word1\\\nword2', ['word1word2']],
    ['quoted_newline', 'text "with\na" quoted newline', ['text', 'with\na', 'quoted', 'newline']],
    ['quoted_escaped_newline', '"word1\\d\\\\\\" word2\\\nword3 word4"', ['word1\\d\\" word2word3 word4']],
    ['escaped_separated_newline', 'word1 \\\n word2', ['word1', 'word2']],
    ['double_quotes_no_spacing', 'word1"word2"word3', ['word1word2word3']],
  ])('%s', (_name, command, words) => expect(splitCommand(command)).toEqual({ words }));

  test.each([
    ['empty', '', 'command is empty'],
    ['unterminated_single_quote', "'abc'\\''def", 'unterminated single-quoted string'],
    ['unterminated_double_quote', '"abc\'def', 'unterminated double-quoted string'],
    ['unterminated_escape', 'abc\\', 'unterminated backslash-escape'],
    ['unterminated_escape_only', '   \\', 'unterminated backslash-escape'],
  ])('%s is an error', (_name, command, error) => expect(splitCommand(command)).toEqual({ error }));

  test('a word starting with a backslash not before a newline is reported: gluetun loops forever on it', () => {
    expect(splitCommand('echo \\x')).toEqual({ error: expect.stringMatching(/loops forever/) });
  });
});

describe('checkCommand()', () => {
  const rules = (cmd: string, isUp = true) => checkCommand('UP', cmd, isUp).map((p) => p.rule);
  test.each([
    ['a program the image lacks', 'curl -d x http://127.0.0.1:8080', 'gluetun/up-command'],
    ['shell syntax without a shell', 'echo {{PORT}} > /tmp/port', 'gluetun/up-command'],
    ['an unknown template variable', "/bin/sh -c 'echo {{PORT_NUMBER}} >/tmp/p'", 'gluetun/up-command'],
    [
      'a foreground retry',
      "/bin/sh -c 'wget --retry-connrefused -O- http://127.0.0.1:8080'",
      'gluetun/port-forward-timing',
    ],
  ])('reports %s', (_what, cmd, rule) => expect(rules(cmd)).toContain(rule));

  test('accepts a background retry loop with its output redirected', () => {
    expect(
      rules(
        "/bin/sh -c '(exec >/proc/1/fd/1 2>&1; while true; do wget -q -O /dev/null http://127.0.0.1:8080 && exit 0; sleep 5; done) &'",
      ),
    ).toEqual([]);
  });

  test('does not apply the timing checks to the down command', () => {
    expect(rules("/bin/sh -c 'wget --retry-connrefused -O- http://127.0.0.1:8080'", false)).toEqual([]);
  });
});
