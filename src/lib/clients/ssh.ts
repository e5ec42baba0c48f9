/**
 * Running a command on a host over ssh, by the host alias the inventory names (so the operator's
 * ~/.ssh/config applies: user, key, jump host).
 *
 * - `-o BatchMode=yes`: never prompt for a password or a host key; a runbook must fail, not hang.
 * - `-o ConnectTimeout=N`: an unreachable host fails in N seconds, not the TCP default of minutes.
 * - `<alias> -- <command>`: `--` ends ssh's options, so nothing of the remote command is read as one.
 * - ssh joins its arguments into one string for the remote shell, so each remote argument is quoted with
 *   zx's `quote` (https://google.github.io/zx/quotes); nothing is quoted by hand. zx's quote emits
 *   `$'...'` for arguments with special characters, which bash and zsh understand (the usual login
 *   shells); plain arguments such as `sysctl -n net.ipv4.ip_forward` pass unquoted.
 * - ssh exits 255 for its own failures and passes the remote exit code through otherwise
 *   (ssh(1), EXIT STATUS); 255 becomes an SshError that says what went wrong and what to do.
 */
import { quote } from 'zx';
import { AvalancheError, InputError } from '../core/errors.ts';
import { CommandError, type CommandResult, type RunOptions } from '../core/exec.ts';

export const DEFAULT_CONNECT_TIMEOUT_S = 10;

export type Run = (argv: string[], opts?: RunOptions) => Promise<CommandResult>;

/** ssh itself failed (exit 255): the host was not reached or refused us; nothing ran there. */
export class SshError extends AvalancheError {
  readonly alias: string;
  constructor(alias: string, message: string) {
    super('E_SSH', message);
    this.alias = alias;
  }
}

/** An alias must be a plain host name or ~/.ssh/config Host; never something ssh would read as an option. */
export function checkAlias(alias: string): string {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.@-]*$/.test(alias)) {
    throw new InputError(
      `ssh alias "${alias}" is not a host name or ~/.ssh/config Host (letters, digits, . _ - @, not starting with -); fix ssh_alias in src/data/network.yaml.`,
    );
  }
  return alias;
}

/** The remote command line ssh will hand to the remote shell, each argument quoted once. */
export function remoteCommand(remote: string[]): string {
  if (!remote.length) throw new TypeError('remoteCommand() needs at least one argument');
  return remote.map((a) => quote(a)).join(' ');
}

/** The local argv: ssh with batch mode and a connect timeout, the alias, `--`, then the remote command. */
export function sshArgv(alias: string, remote: string[], connectTimeoutS = DEFAULT_CONNECT_TIMEOUT_S): string[] {
  return [
    'ssh',
    '-o',
    'BatchMode=yes',
    '-o',
    `ConnectTimeout=${connectTimeoutS}`,
    checkAlias(alias),
    '--',
    remoteCommand(remote),
  ];
}

/** What ssh's own error output means, with the fix (OpenSSH client messages). */
export function diagnoseSsh(alias: string, stderr: string): string {
  const tail = stderr.trim().split('\n').filter(Boolean).slice(-1)[0] ?? '(no message)';
  const causes: Array<[RegExp, string]> = [
    [
      /Could not resolve hostname/i,
      `the name "${alias}" does not resolve: add a Host ${alias} entry to ~/.ssh/config or fix ssh_alias in the inventory`,
    ],
    [
      /Connection timed out|Operation timed out|No route to host|Network is unreachable/i,
      `${alias} did not answer: is it powered on and reachable from here (LAN or tailnet)?`,
    ],
    [/Connection refused/i, `${alias} refused the connection: is sshd running there?`],
    [
      /Permission denied/i,
      `${alias} refused the key: load it with ssh-add, or check User/IdentityFile for ${alias} in ~/.ssh/config (BatchMode is on, so no password prompt)`,
    ],
    [
      /Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED/i,
      `the host key of ${alias} is unknown or changed: connect once by hand with \`ssh ${alias}\` and verify the fingerprint`,
    ],
  ];
  const hit = causes.find(([re]) => re.test(stderr));
  return `ssh to ${alias} failed (${tail}): ${hit ? hit[1] : `run \`ssh -v ${alias} true\` to see why`}. Nothing was run on ${alias}.`;
}

/**
 * A runner of remote commands through `run` (the harness's recorded, redacted runner). Remote exit codes
 * listed in okCodes are answers; exit 255 is ssh's own failure and becomes an SshError.
 */
export function sshRunner(run: Run, alias: string, connectTimeoutS = DEFAULT_CONNECT_TIMEOUT_S) {
  checkAlias(alias);
  return async (remote: string[], opts: RunOptions = {}): Promise<CommandResult> => {
    const argv = sshArgv(alias, remote, connectTimeoutS);
    try {
      const result = await run(argv, opts);
      if (result.code === 255 && result.ran) throw new SshError(alias, diagnoseSsh(alias, result.stderr));
      return result;
    } catch (error) {
      if (error instanceof CommandError && error.exit === 255)
        throw new SshError(alias, diagnoseSsh(alias, error.stderr));
      if (error instanceof CommandError && error.code === 'E_COMMAND') {
        const tail = error.stderr.trim().split('\n').slice(-2).join(' | ');
        throw new CommandError(
          error.argv,
          error.exit,
          error.stderr,
          'E_REMOTE',
          `on ${alias}, \`${remote.join(' ')}\` exited ${error.exit}${tail ? `: ${tail}` : ''}`,
        );
      }
      throw error;
    }
  };
}

export type SshRun = ReturnType<typeof sshRunner>;
