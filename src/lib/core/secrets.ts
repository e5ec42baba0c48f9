/**
 * Secrets (the ProtonVPN WireGuard key, the gluetun control-server API key, the Tailscale API key):
 * read from an environment variable, a file, or a command such as a password manager, registered with
 * the run's Redactor the moment they are read, and never printed. A Secret stringifies to a label, so an
 * accidental `${secret}` or JSON.stringify shows `[secret NAME]`, not the value.
 */
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { InputError } from './errors.ts';

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
  /** Where it came from, safe to print: `$VAR`, `file ~/x`, `command "pass show x"`. */
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

/** Where to look for one secret: `<ENV>`, else `<ENV>_FILE` (a path), else `<ENV>_COMMAND` (run by sh). */
export interface SecretSpec {
  /** Human name, e.g. "ProtonVPN WireGuard key (iceland)". */
  name: string;
  env: string;
  /** Example for the error message, e.g. "pass show protonvpn/wg-iceland". */
  example?: string;
}

/** Runs a secret command (`sh -c CMD`) and returns its stdout; provided by the runner so it is recorded. */
export type SecretCommand = (command: string) => Promise<string>;

export function secretSources(spec: SecretSpec): string[] {
  return [spec.env, `${spec.env}_FILE`, `${spec.env}_COMMAND`];
}

/** Which source a spec would use in this environment, without reading it (for --dry-run and plans). */
export function describeSecretSource(spec: Pick<SecretSpec, 'env'>, env: NodeJS.ProcessEnv): string | undefined {
  if (env[spec.env]) return `$${spec.env}`;
  if (env[`${spec.env}_FILE`]) return `file ${env[`${spec.env}_FILE`]} ($${spec.env}_FILE)`;
  if (env[`${spec.env}_COMMAND`]) return `command "${env[`${spec.env}_COMMAND`]}" ($${spec.env}_COMMAND)`;
  return undefined;
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
    // `pass show NAME` prints the secret on its first line (pass convention); extra lines are metadata.
    value = (await opts.command(env[`${spec.env}_COMMAND`]!)).split('\n')[0];
  }
  value = value?.trim();
  if (!value) {
    throw new InputError(
      `${spec.name}: not found. Expected it in $${spec.env}, a file named by $${spec.env}_FILE, or a command in $${spec.env}_COMMAND` +
        `${spec.example ? ` (e.g. ${spec.env}_COMMAND='${spec.example}')` : ''}; ${source ? `${source} was empty` : 'none of them is set'}. Set one and run again.`,
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
