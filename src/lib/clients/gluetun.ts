/**
 * gluetun's HTTP control server, reached from inside the gluetun container with `kubectl exec ... wget`.
 *
 * Why exec and not `kubectl port-forward` + fetch: the bundled manifests bind the control server to
 * 127.0.0.1:8000 and give the container its API key as an environment variable (GLUETUN_CONTROL_APIKEY,
 * used to build HTTP_CONTROL_SERVER_AUTH_DEFAULT_ROLE). A shell in the container expands that variable
 * itself, so the key never leaves the cluster: not in our argv, not on our stdin, not in our memory.
 * The image is alpine with busybox `sh` and GNU wget, which `apk add wget` installs over busybox's
 * (https://github.com/qdm12/gluetun/blob/v3.41.1/Dockerfile). GNU wget runs with -nv: quiet on success
 * (one log line on stderr), but it prints why it failed, which -q would not (see explainWget).
 *
 * Routes and shapes (gluetun v3.41.1 internal/server: vpn.go, publicip.go, portforward.go, wrappers.go):
 *   GET /v1/vpn/status   {"status":"running"}  (starting, running, stopping, stopped, crashed, completed)
 *   GET /v1/publicip/ip  {"public_ip","country","region","city",...}; all but public_ip are omitempty
 *   GET /v1/portforward  {"port":N} (0 = none), or {"ports":[...]} when several are forwarded. The
 *                        {"port":N,"ports":[...]} shape came after v3.41.1: qdm12/gluetun's tags stop there;
 *                        the project moved to passteque/gluetun, where v3.41.3 and master answer it
 *                        (https://github.com/passteque/gluetun/blob/v3.41.3/internal/server/portforward.go).
 *                        Both are read below.
 */
import { AvalancheError } from '../core/errors.ts';
import type { Kube } from './kube.ts';

export interface VpnStatus {
  status: 'starting' | 'running' | 'stopping' | 'stopped' | 'crashed' | 'completed' | string;
}
export interface PublicIp {
  public_ip: string;
  country?: string;
  region?: string;
  city?: string;
  hostname?: string;
  organization?: string;
}
export interface PortForward {
  port: number;
  ports?: number[];
}

export interface GluetunTarget {
  /** `deploy/<name>`: kubectl picks a running pod of the Deployment. */
  resource: string;
  namespace: string;
  container: string;
  /** Loopback port of the control server (inventory: vpn.control_server_port). */
  port: number;
  /** Name of the container's environment variable holding the API key (from the manifest); none = no auth. */
  apiKeyEnv?: string;
}

export class GluetunError extends AvalancheError {
  constructor(message: string) {
    super('E_GLUETUN', message, 1);
  }
}

/** The shell script run in the container: the key comes from the container's own environment. */
export function controlScript(apiKeyEnv: string | undefined, port: number): string {
  if (apiKeyEnv !== undefined && !/^[A-Z_][A-Z0-9_]*$/.test(apiKeyEnv))
    throw new TypeError(`not an environment variable name: ${apiKeyEnv}`);
  const header = apiKeyEnv ? ` --header "X-API-Key: $${apiKeyEnv}"` : '';
  return `wget -nv -O- -T 10${header} "http://127.0.0.1:${port}$1"`;
}

export class Gluetun {
  readonly target: GluetunTarget;
  #kube: Kube;
  constructor(kube: Kube, target: GluetunTarget) {
    this.#kube = kube;
    this.target = target;
  }
  /** The command a person runs to read this gluetun's log, on the same cluster (`--context` pinned). */
  logsCommand(): string {
    const t = this.target;
    return `kubectl --context ${this.#kube.context} -n ${t.namespace} logs ${t.resource} -c ${t.container}`;
  }

  /** GET a control-server path; undefined when --dry-run kept it from running. */
  async get<T>(path: string): Promise<T | undefined> {
    // The path travels as $1 of `sh -c`, never spliced into the script.
    const r = await this.#kube.exec(
      this.target,
      ['sh', '-c', controlScript(this.target.apiKeyEnv, this.target.port), 'sh', path],
      { okCodes: 'any', timeoutMs: 30_000 },
    );
    if (!r.ran) return undefined;
    if (r.code !== 0) throw new GluetunError(explainWget(`gluetun control server ${path}`, r.code, r.stderr));
    try {
      return JSON.parse(r.stdout) as T;
    } catch {
      throw new GluetunError(
        `gluetun control server ${path} answered something that is not JSON: ${r.stdout.slice(0, 120)}`,
      );
    }
  }

  vpnStatus(): Promise<VpnStatus | undefined> {
    return this.get<VpnStatus>('/v1/vpn/status');
  }
  publicIp(): Promise<PublicIp | undefined> {
    return this.get<PublicIp>('/v1/publicip/ip');
  }
  /** The forwarded port(s); 0 / [] when none. */
  async portForward(): Promise<PortForward | undefined> {
    const pf = await this.get<PortForward>('/v1/portforward');
    return pf && { port: pf.port ?? pf.ports?.[0] ?? 0, ports: pf.ports ?? (pf.port ? [pf.port] : []) };
  }

  /** Fetches a URL from inside the pod's network namespace (what the VPN's peers see). */
  async fetchFromPod(url: string, timeoutS = 15): Promise<string | undefined> {
    const r = await this.#kube.exec(this.target, ['wget', '-nv', '-O-', '-T', String(timeoutS), url], {
      okCodes: 'any',
      timeoutMs: (timeoutS + 15) * 1000,
    });
    if (!r.ran) return undefined;
    if (r.code !== 0) throw new GluetunError(explainWget(url, r.code, r.stderr));
    return r.stdout.trim();
  }
}

/**
 * The HTTP status of a failed GNU wget: exit 6 is its authentication failure (a 401), exit 8 "server issued
 * an error response" with the status in its `ERROR 403: Forbidden.` line (wget(1), EXIT STATUS; checked
 * against GNU Wget 1.21.3 on 127.0.0.1: 401 gives "Username/Password Authentication Failed." and exit 6,
 * 403/404/500 give "ERROR <status>: <reason>." and exit 8, a closed port "failed: Connection refused." and 4).
 */
export function wgetHttpStatus(code: number, stderr: string): number | undefined {
  if (code === 6) return 401;
  const m = /ERROR (\d{3})\b/.exec(stderr);
  return m ? Number(m[1]) : undefined;
}

/** GNU wget's failure (or kubectl's, when it could not exec), with the likely cause. */
export function explainWget(what: string, code: number, stderr: string): string {
  // GNU wget -nv prints "<url>:" then "<date> ERROR 403: Forbidden."; kubectl adds "command terminated with exit code
  // N".
  const lines = stderr
    .trim()
    .split('\n')
    .map((l) => l.replace(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d /, '').trim())
    .filter((l) => l && !/^command terminated with exit code/.test(l) && !/^https?:\/\/\S+:$/.test(l));
  const s =
    lines.find((l) => /ERROR \d{3}|Authentication Failed|failed:|timed out|Read error|unable to resolve/i.test(l)) ??
    lines.at(-1) ??
    '';
  const status = wgetHttpStatus(code, stderr);
  const hint =
    status === 401
      ? 'the API key was refused: the control-server Secret and HTTP_CONTROL_SERVER_AUTH_DEFAULT_ROLE disagree; re-run phase2-deploy-proxy.mjs'
      : status === 403
        ? 'the server refused the request (403)'
        : status !== undefined
          ? `the server answered HTTP ${status}`
          : /refused/i.test(s)
            ? 'nothing listens there: is the container running and its control server enabled?'
            : /timed out|timeout/i.test(s)
              ? 'no answer in time: the VPN may be down or still connecting'
              : /not found|error: container|unable to upgrade|executable file/i.test(s)
                ? 'kubectl could not exec into the container: is the pod running?'
                : code === 4
                  ? 'a network failure inside the pod'
                  : 'see the message';
  return `${what} failed (exit ${code}: ${s || 'no message'}); ${hint}.`;
}

/** The control-server API key variable of a gluetun container spec (the one fed from a *-control-server Secret). */
export function apiKeyEnvOf(
  container: { env?: Array<{ name: string; valueFrom?: { secretKeyRef?: { name: string } } }> } | undefined,
): string | undefined {
  return container?.env?.find((e) => e.valueFrom?.secretKeyRef?.name?.endsWith('-control-server'))?.name;
}
