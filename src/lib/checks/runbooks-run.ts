/**
 * Runs a runbook the way the runbook check needs: as a real subprocess (zx, Node 24), with no
 * cluster, no kubeconfig, no ssh config and no secrets, and with tripwires in place of the tools a
 * runbook could reach the network with. A `--dry-run` must run no command at all (design.md, "The
 * runbook contract"), so any tripwire call or outgoing HTTP request is reported.
 *
 * - Tripwires: kubectl, ssh, tailscale, curl… are shell scripts first on PATH that record their argv
 *   and exit 99; PATH holds nothing else but node, bash and sh.
 * - HTTP: NODE_USE_ENV_PROXY=1 makes Node's fetch honour HTTP(S)_PROXY
 *   (https://nodejs.org/api/cli.html#node_use_env_proxy1), pointed at a recorder on 127.0.0.1
 *   that answers 502; so a request the dry run makes is recorded and never leaves the machine.
 */
import { spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const TRIPWIRE_TOOLS = [
  'kubectl',
  'ssh',
  'scp',
  'tailscale',
  'curl',
  'wget',
  'pass',
  'helm',
  'kustomize',
  'sysctl',
  'systemctl',
  'dig',
  'nc',
];

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** "kubectl get ns" for each tripwire that was called. */
  commands: string[];
  /** "CONNECT api.tailscale.com:443" for each request that reached the recorder. */
  requests: string[];
}

export interface Sandbox {
  env: Record<string, string>;
  run(script: string, args: string[], cwd: string, timeoutMs?: number): Promise<RunResult>;
  close(): Promise<void>;
}

export function zxCli(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('zx/package.json')), 'build/cli.js');
}

export async function createSandbox(): Promise<Sandbox> {
  const dir = mkdtempSync(join(tmpdir(), 'check-runbooks-'));
  const bin = join(dir, 'bin');
  const home = join(dir, 'home');
  const log = join(dir, 'commands.log');
  mkdirSync(bin);
  mkdirSync(home);
  writeFileSync(log, '');
  for (const tool of TRIPWIRE_TOOLS) {
    writeFileSync(
      join(bin, tool),
      `#!/bin/sh\nprintf '%s\\n' "${tool} $*" >> "$TRIPWIRE_LOG"\necho "tripwire: ${tool} must not run here (no cluster, no network)" >&2\nexit 99\n`,
    );
    chmodSync(join(bin, tool), 0o755);
  }
  symlinkSync(process.execPath, join(bin, 'node'));
  for (const tool of ['bash', 'sh']) {
    const found = ['/usr/bin', '/bin'].map((d) => join(d, tool)).find(existsSync);
    if (found) symlinkSync(found, join(bin, tool));
  }

  const requests: string[] = [];
  const recorder: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.writeHead(502).end('blocked by the runbook check: a dry run must not reach the network\n');
  });
  recorder.on('connect', (req, socket) => {
    requests.push(`CONNECT ${req.url}`);
    socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
  });
  await new Promise<void>((r) => recorder.listen(0, '127.0.0.1', r));
  const proxy = `http://127.0.0.1:${(recorder.address() as { port: number }).port}`;

  const env: Record<string, string> = {
    PATH: bin,
    HOME: home,
    LANG: 'C.UTF-8',
    CI: 'true',
    TRIPWIRE_LOG: log,
    KUBECONFIG: join(home, 'no-kubeconfig'),
    NODE_USE_ENV_PROXY: '1',
    HTTP_PROXY: proxy,
    HTTPS_PROXY: proxy,
    http_proxy: proxy,
    https_proxy: proxy,
    NO_PROXY: '',
    no_proxy: '',
  };

  const cli = zxCli();
  return {
    env,
    async run(script, args, cwd, timeoutMs = 20_000) {
      writeFileSync(log, '');
      requests.length = 0;
      const started = performance.now();
      const child = spawn(process.execPath, [cli, script, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
      clearTimeout(timer);
      const commands = readFileSync(log, 'utf8').split('\n').filter(Boolean);
      return { code, stdout, stderr, ms: performance.now() - started, commands, requests: [...requests] };
    },
    async close() {
      await new Promise<void>((r) => recorder.close(() => r()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
