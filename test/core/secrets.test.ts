import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, test } from 'vitest';
import { AvalancheError, InputError } from '../../src/lib/core/errors.ts';
import {
  describeSecretSource,
  loadSecret,
  Redactor,
  Secret,
  validateWireguardKey,
} from '../../src/lib/core/secrets.ts';

// A syntactically valid WireGuard key made for these tests (32 bytes of 0x2a), not anyone's real key.
const KEY = Buffer.alloc(32, 42).toString('base64');
const spec = { name: 'WireGuard key (iceland)', env: 'WG_KEY_ICELAND', example: 'pass show protonvpn/wg-iceland' };
const noCommand = async () => {
  throw new Error('no command expected');
};

describe('Redactor', () => {
  test('replaces a registered value and its base64 form, longest first', () => {
    const r = new Redactor();
    r.add('hunter2-secret', '[x]');
    r.add('hunter2-secret-longer', '[y]');
    const b64 = Buffer.from('hunter2-secret').toString('base64');
    expect(r.redact(`a hunter2-secret-longer b hunter2-secret c ${b64}`)).toBe('a [y] b [x] c [x]');
  });
  test('ignores values shorter than 6 characters (they would mask innocent text)', () => {
    const r = new Redactor();
    r.add('abc');
    expect(r.redact('abc')).toBe('abc');
  });
  test('redactDeep() copies nested data with every string redacted', () => {
    const r = new Redactor();
    r.add('203.0.113.77', '203.0.x.x');
    expect(r.redactDeep({ a: ['ip 203.0.113.77'], b: { c: '203.0.113.77' }, n: 3 })).toEqual({
      a: ['ip 203.0.x.x'],
      b: { c: '203.0.x.x' },
      n: 3,
    });
  });
});

describe('Secret', () => {
  test('never shows its value through toString, JSON or inspect', () => {
    const s = new Secret('k', KEY, '$K');
    expect(`${s}`).toBe('[secret k]');
    expect(JSON.stringify({ s })).toBe('{"s":"[secret k]"}');
    expect(inspect(s)).not.toContain(KEY);
    expect(s.reveal()).toBe(KEY);
  });
});

describe('loadSecret()', () => {
  const dir = mkdtempSync(join(tmpdir(), 'secrets-'));
  const file = join(dir, 'key');
  writeFileSync(file, `${KEY}\n`);

  test.each([
    ['the variable', { WG_KEY_ICELAND: KEY }, '$WG_KEY_ICELAND'],
    ['a file named by <VAR>_FILE', { WG_KEY_ICELAND_FILE: file }, `file ${file} ($WG_KEY_ICELAND_FILE)`],
  ])('reads from %s and registers it with the redactor', async (_, env, source) => {
    const redactor = new Redactor();
    const secret = await loadSecret(spec, { env, redactor, command: noCommand });
    expect(secret.reveal()).toBe(KEY);
    expect(secret.source).toBe(source);
    expect(redactor.redact(`x ${KEY} y`)).toBe('x [secret WG_KEY_ICELAND] y');
  });

  test('runs <VAR>_COMMAND and keeps the first line (pass show convention)', async () => {
    const seen: string[] = [];
    const secret = await loadSecret(spec, {
      env: { WG_KEY_ICELAND_COMMAND: 'pass show protonvpn/wg-iceland' },
      redactor: new Redactor(),
      command: async (c) => {
        seen.push(c);
        return `${KEY}\nurl: proton.me\n`;
      },
    });
    expect(seen).toEqual(['pass show protonvpn/wg-iceland']);
    expect(secret.reveal()).toBe(KEY);
  });

  test('throws E_SECRET_MISSING naming all three sources when none is set', async () => {
    const err = await loadSecret(spec, { env: {}, redactor: new Redactor(), command: noCommand }).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.code).toBe('E_SECRET_MISSING');
    expect(err.message).toMatch(
      /\$WG_KEY_ICELAND, a file named by \$WG_KEY_ICELAND_FILE, or a command in \$WG_KEY_ICELAND_COMMAND/,
    );
    expect(err.message).toContain("WG_KEY_ICELAND_COMMAND='pass show protonvpn/wg-iceland'");
  });

  test('throws E_SECRET_MISSING when the file cannot be read', async () => {
    const err = await loadSecret(spec, {
      env: { WG_KEY_ICELAND_FILE: join(dir, 'nope') },
      redactor: new Redactor(),
      command: noCommand,
    }).catch((e) => e);
    expect(err.code).toBe('E_SECRET_MISSING');
    expect(err.message).toMatch(/cannot read .*nope .*ENOENT/);
  });

  test('describeSecretSource() names the source without reading it; a command by its variable, never its text', () => {
    expect(describeSecretSource(spec, { WG_KEY_ICELAND_COMMAND: `echo ${KEY}` })).toBe(
      'the command in $WG_KEY_ICELAND_COMMAND',
    );
    expect(describeSecretSource(spec, {})).toBeUndefined();
  });

  test.each([
    [{ WG_KEY_ICELAND: KEY, WG_KEY_ICELAND_FILE: '/k' }, '$WG_KEY_ICELAND and $WG_KEY_ICELAND_FILE'],
    [{ WG_KEY_ICELAND: KEY, WG_KEY_ICELAND_COMMAND: 'pass show x' }, '$WG_KEY_ICELAND and $WG_KEY_ICELAND_COMMAND'],
    [
      { WG_KEY_ICELAND_FILE: '/k', WG_KEY_ICELAND_COMMAND: 'pass show x' },
      '$WG_KEY_ICELAND_FILE and $WG_KEY_ICELAND_COMMAND',
    ],
  ])('two sources set (%o) is ambiguous: E_SECRET_AMBIGUOUS naming both, nothing read or run', async (env, both) => {
    const err = await loadSecret(spec, { env, redactor: new Redactor(), command: noCommand }).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.code).toBe('E_SECRET_AMBIGUOUS');
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain(`${both} are all set: ambiguous`);
    expect(err.message).not.toContain(KEY);
  });

  test('a variable set but empty says so, not "none of them is set"', async () => {
    const err = await loadSecret(spec, {
      env: { WG_KEY_ICELAND: '' },
      redactor: new Redactor(),
      command: noCommand,
    }).catch((e) => e);
    expect(err.code).toBe('E_SECRET_MISSING');
    expect(err.message).toContain('$WG_KEY_ICELAND is set but empty');
    expect(err.message).not.toContain('none of them is set');
  });

  test('a failing command: its output is redacted and the command text hidden (it may hold the secret)', async () => {
    const redactor = new Redactor();
    redactor.add('other-known-secret-value', '[secret OTHER]');
    const command = `echo ${KEY} )`;
    const err = await loadSecret(spec, {
      env: { WG_KEY_ICELAND_COMMAND: command },
      redactor,
      // bash echoes the line of a syntax error on stderr.
      command: async (_c, label) => {
        throw new AvalancheError(
          'E_COMMAND',
          `\`sh -c ${label}\` exited 2: bash: -c: line 1: syntax error near unexpected token \`)' | bash: -c: line 1: \`${command}' other-known-secret-value`,
        );
      },
    }).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.code).toBe('E_SECRET_COMMAND');
    expect(err.message).toContain(
      '`sh -c <the command in $WG_KEY_ICELAND_COMMAND>` exited 2: bash: -c: line 1: syntax error',
    );
    expect(err.message).not.toContain(KEY);
    expect(err.message).not.toContain('other-known-secret-value');
  });
});

describe('validateWireguardKey()', () => {
  test('accepts 44 base64 characters encoding 32 bytes', () => {
    expect(() => validateWireguardKey(new Secret('k', KEY, '$K'))).not.toThrow();
  });
  test.each([
    ['too short', KEY.slice(0, 43), /received 43 characters/],
    ['not base64', `${'!'.repeat(43)}=`, /not base64/],
    ['a public-key-shaped value without padding', KEY.replace('=', 'A'), /not base64 ending in "="/],
    ['a hex string', 'a'.repeat(64), /received 64 characters/],
  ])('throws E_SECRET_MALFORMED for %s, without printing the value', (_, value, message) => {
    const err = (() => {
      try {
        validateWireguardKey(new Secret('WireGuard key (iceland)', value, '$WG'));
      } catch (e) {
        return e as InputError;
      }
    })();
    expect(err?.code).toBe('E_SECRET_MALFORMED');
    expect(err?.message).toMatch(message);
    expect(err?.message).not.toContain(value);
    expect(err?.exitCode).toBe(2);
  });
});
