import { execFileSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { InputError } from '../../src/lib/core/errors.ts';
import { CommandRunner, type Exec } from '../../src/lib/core/exec.ts';
import { checkAlias, diagnoseSsh, remoteCommand, SshError, sshArgv, sshRunner } from '../../src/lib/clients/ssh.ts';

/** A runner whose exec answers like ssh would, recording argv (the harness's own test seam). */
function runnerAnswering(answer: { code: number; stdout?: string; stderr?: string }) {
  const seen: string[][] = [];
  const exec: Exec = async (argv) => {
    seen.push(argv);
    return { code: answer.code, stdout: answer.stdout ?? '', stderr: answer.stderr ?? '' };
  };
  const runner = new CommandRunner({ exec, env: {} });
  return { seen, run: runner.run.bind(runner) };
}

describe('sshArgv()', () => {
  test('uses batch mode, a connect timeout, the alias and -- before the remote command', () => {
    expect(sshArgv('routy', ['sysctl', '-n', 'net.ipv4.ip_forward'])).toEqual([
      'ssh',
      '-o',
      'BatchMode=yes',
      '-o',
      'ConnectTimeout=10',
      'routy',
      '--',
      'sysctl -n net.ipv4.ip_forward',
    ]);
  });

  test.each(['-oProxyCommand=evil', '', 'routy; rm -rf /', 'a b'])('refuses the alias %j', (alias) => {
    expect(() => sshArgv(alias, ['true'])).toThrow(InputError);
  });

  test('accepts user@host and dotted names', () => {
    expect(checkAlias('admin@routy.lan')).toBe('admin@routy.lan');
  });
});

describe('remoteCommand()', () => {
  test.each([
    [['tailscale', 'set', '--advertise-routes=10.1.0.0/24', '--advertise-exit-node=false']],
    [['sudo', '-n', 'tee', '/etc/sysctl.d/99-tailscale.conf']],
    [['echo', "it's", 'a "quoted" $HOME `x`', 'semi;colon', 'new\nline', '']],
  ])('a remote bash splits %j back into the same arguments', (args) => {
    const line = remoteCommand(args);
    // bash stands in for the remote login shell: ssh hands it exactly this line.
    const out = execFileSync('bash', ['-c', `printf '%s\\0' ${line}`], { encoding: 'utf8' });
    expect(out.split('\0').slice(0, -1)).toEqual(args);
  });
});

describe('sshRunner()', () => {
  test('runs the remote command through the harness runner and returns its output', async () => {
    const { seen, run } = runnerAnswering({ code: 0, stdout: '1\n' });
    const ssh = sshRunner(run, 'routy');
    const result = await ssh(['sysctl', '-n', 'net.ipv4.ip_forward']);
    expect(result.stdout).toBe('1\n');
    expect(seen).toEqual([sshArgv('routy', ['sysctl', '-n', 'net.ipv4.ip_forward'])]);
  });

  test.each([
    ['ssh: Could not resolve hostname routy: Name or service not known', /does not resolve: add a Host routy entry/],
    ['ssh: connect to host routy port 22: Connection timed out', /did not answer: is it powered on/],
    ['ssh: connect to host routy port 22: Connection refused', /refused the connection: is sshd running/],
    ['alice@routy: Permission denied (publickey).', /refused the key: load it with ssh-add/],
    ['Host key verification failed.', /connect once by hand/],
  ])('turns exit 255 with %j into an SshError with the fix', async (stderr, fix) => {
    const { run } = runnerAnswering({ code: 255, stderr });
    const error = await sshRunner(run, 'routy')(['true']).catch((e) => e);
    expect(error).toBeInstanceOf(SshError);
    expect(error.message).toMatch(fix);
    expect(error.message).toMatch(/Nothing was run on routy/);
  });

  test('names the host and the remote command when the remote command fails', async () => {
    const { run } = runnerAnswering({ code: 1, stderr: 'sudo: a password is required\n' });
    const error = await sshRunner(run, 'routy')(['sudo', '-n', 'sysctl', '-p']).catch((e) => e);
    expect(error.code).toBe('E_REMOTE');
    expect(error.message).toBe('on routy, `sudo -n sysctl -p` exited 1: sudo: a password is required');
  });

  test('lets okCodes through as answers', async () => {
    const { run } = runnerAnswering({ code: 1 });
    const result = await sshRunner(run, 'routy')(['cmp', '-s', 'a', 'b'], { okCodes: [0, 1] });
    expect(result.code).toBe(1);
  });
});

describe('diagnoseSsh()', () => {
  test('suggests ssh -v for an unknown failure', () => {
    expect(diagnoseSsh('routy', 'kex_exchange_identification: read: Connection reset by peer')).toMatch(
      /ssh -v routy true/,
    );
  });
});
