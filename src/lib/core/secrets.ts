/**
 * Secrets (the ProtonVPN WireGuard key, the gluetun control-server API key, the Tailscale API key):
 * read from an environment variable, a file, or a command such as a password manager, registered with
 * the run's Redactor the moment they are read, and never printed. A Secret stringifies to a label, so an
 * accidental `${secret}` or JSON.stringify shows `[secret NAME]`, not the value.
 */
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { AvalancheError, InputError } from './errors.ts';

/** Replaces every registered value (and its base64 form, as Kubernetes Secrets carry it) in text. */
export class Redactor {
  #values = new Map<string, string>();

  /** Registers a value to hide; values shorter than 6 characters are refused (they would mask innocent text). */
  add(value: string, replacement = '[REDACTED]'): void {
    const v = value.trim();
    if (v.length < 6) return;
    this.#values.set(v, replacement);
    this.#values.set(Buffer.from(v).toString('base64'), replacement);
  }

  get size(): number {
    return this.#values.size;
  }

  redact(text: string): string {
    if (!this.#values.size || !text) return text;
    // Longest first, so a value that contains another is replaced whole.
    const values = [...this.#values.keys()].sort((a, b) => b.length - a.length);
    let out = text;
    for (const v of values) out = out.split(v).join(this.#values.get(v)!);
    return out;
  }

  /** Deep copy of plain data with every string redacted (reports, recorded calls). */
  redactDeep<T>(data: T): T {
    if (typeof data === 'string') return this.redact(data) as T;
    if (Array.isArray(data)) return data.map((d) => this.redactDeep(d)) as T;
    if (data && typeof data === 'object' && !(data instanceof Secret)) {
      return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, this.redactDeep(v)])) as T;
    }
    return data;
  }
}

export class Secret {
  readonly name: string;
  /** Where it came from, safe to print: `$VAR`, `file ~/x ($VAR_FILE)`, `the command in $VAR_COMMAND`. */
  readonly source: string;
  #value: string;
  constructor(name: string, value: string, source: string) {
    this.name = name;
    this.source = source;
    this.#value = value;
  }
  /** The value, for stdin of a tool only. */
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return `[secret ${this.name}]`;
  }
  toJSON(): string {
    return this.toString();
  }
  [inspect.custom](): string {
    return this.toString();
  }
}

/** Where to look for one secret: exactly one of `<ENV>`, `<ENV>_FILE` (a path) or `<ENV>_COMMAND` (run by sh). */
export interface SecretSpec {
  /** Human name, e.g. "ProtonVPN WireGuard key (iceland)". */
  name: string;
  env: string;
  /** Example for the error message, e.g. "pass show protonvpn/wg-iceland". */
  example?: string;
}

/**
 * Runs a secret command (`sh -c CMD`) and returns its stdout; provided by the runner so it is recorded, shown as
 * `label` (never the command's text, which may hold the secret: `echo <key>`).
 */
export type SecretCommand = (command: string, label: string) => Promise<string>;

export function secretSources(spec: Pick<SecretSpec, 'env'>): string[] {
  return [spec.env, `${spec.env}_FILE`, `${spec.env}_COMMAND`];
}

/**
 * Which source a spec would use in this environment, without reading it (for --dry-run and plans); safe to
 * print: a _COMMAND source is named by its variable, never by its text. Two sources set is bad input (exit 2):
 * which one wins would be a guess, and a stale key left in one of them would be used silently.
 */
export function describeSecretSource(spec: Pick<SecretSpec, 'env'>, env: NodeJS.ProcessEnv): string | undefined {
  const given = secretSources(spec).filter((name) => env[name]);
  if (given.length > 1)
    throw new InputError(
      `${given.map((n) => `$${n}`).join(' and ')} are all set: ambiguous. Expected exactly one source for the secret; unset all but one (\`unset ${given.slice(1).join(' ')}\`) and run again. Nothing was changed.`,
      'E_SECRET_AMBIGUOUS',
    );
  const [name] = given;
  if (name === undefined) return undefined;
  if (name === spec.env) return `$${name}`;
  if (name.endsWith('_FILE')) return `file ${env[name]} ($${name})`;
  return `the command in $${name}`;
}

/**
 * Hides a secret command's text, its lines and its long words from what the command printed (a shell echoes the
 * line of a syntax error; a long word may be the secret itself), so a failure can be shown.
 */
function withoutCommandText(text: string, command: string, label: string): string {
  const hide = new Redactor();
  for (const part of [command, ...command.split('\n'), ...command.split(/\s+/).filter((w) => w.length >= 12)])
    hide.add(part, label);
  return hide.redact(text);
}

export async function loadSecret(
  spec: SecretSpec,
  opts: { env: NodeJS.ProcessEnv; redactor: Redactor; command: SecretCommand },
): Promise<Secret> {
  const { env, redactor } = opts;
  const source = describeSecretSource(spec, env);
  let value: string | undefined;
  if (env[spec.env]) value = env[spec.env];
  else if (env[`${spec.env}_FILE`]) {
    const file = env[`${spec.env}_FILE`]!;
    try {
      value = readFileSync(file, 'utf8');
    } catch (err) {
      throw new InputError(
        `${spec.name}: cannot read ${file} (from $${spec.env}_FILE): ${(err as NodeJS.ErrnoException).code ?? 'error'}. Expected a readable file holding only the secret; fix the path or its permissions.`,
        'E_SECRET_MISSING',
      );
    }
  } else if (env[`${spec.env}_COMMAND`]) {
    const command = env[`${spec.env}_COMMAND`]!;
    const label = `<the command in $${spec.env}_COMMAND>`;
    try {
      // `pass show NAME` prints the secret on its first line (pass convention); extra lines are metadata.
      value = (await opts.command(command, label)).split('\n')[0];
    } catch (err) {
      // The command's own failure (exit status, not found, timeout: exec.ts's CommandError codes); Ctrl-C and a
      // spent step budget go on as they are.
      if (!(err instanceof AvalancheError) || !['E_COMMAND', 'E_NOT_FOUND', 'E_TIMEOUT'].includes(err.code)) throw err;
      throw new InputError(
        `${spec.name}: ${withoutCommandText(redactor.redact(err.message), command, label).replace(/\.$/, '')}. Expected the command in $${spec.env}_COMMAND to print the secret on its first line; run it yourself to see why it failed, then run again.`,
        'E_SECRET_COMMAND',
      );
    }
  }
  value = value?.trim();
  if (!value) {
    // Set but empty (`export X=` or an unset CI secret) is not the same mistake as not set at all.
    const empty = secretSources(spec).filter((n) => env[n] !== undefined && !env[n]);
    const why = source
      ? `${source} gave an empty value`
      : empty.length
        ? `${empty.map((n) => `$${n}`).join(' and ')} ${empty.length > 1 ? 'are' : 'is'} set but empty`
        : 'none of them is set';
    throw new InputError(
      `${spec.name}: not found. Expected it in $${spec.env}, a file named by $${spec.env}_FILE, or a command in $${spec.env}_COMMAND` +
        `${spec.example ? ` (e.g. ${spec.env}_COMMAND='${spec.example}')` : ''}; ${why}. Set one and run again.`,
      'E_SECRET_MISSING',
    );
  }
  redactor.add(value, `[secret ${spec.env}]`);
  return new Secret(spec.name, value, source ?? spec.env);
}

/**
 * A WireGuard private key is 32 bytes, written as 44 characters of standard base64 ending in "=".
 * Checked without printing it: the message gives only the length and what is wrong.
 * https://www.wireguard.com/protocol/ (Curve25519 keys are 32 bytes); `wg genkey` prints base64.
 */
export function validateWireguardKey(secret: Secret): void {
  const v = secret.reveal();
  const problem =
    v.length !== 44
      ? `received ${v.length} characters`
      : !/^[A-Za-z0-9+/]{43}=$/.test(v)
        ? 'received 44 characters that are not base64 ending in "="'
        : Buffer.from(v, 'base64').length !== 32
          ? 'it does not decode to 32 bytes'
          : undefined;
  if (problem) {
    throw new InputError(
      `${secret.name} from ${secret.source} is not a WireGuard private key: expected 44 base64 characters encoding 32 bytes, ${problem}. ` +
        'Copy the PrivateKey value from the WireGuard configuration ProtonVPN generated (Downloads > WireGuard configuration).',
      'E_SECRET_MALFORMED',
    );
  }
}
