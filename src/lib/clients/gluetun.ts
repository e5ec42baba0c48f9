/**
 * gluetun's HTTP control server, reached from inside the gluetun container with `kubectl exec ... wget`.
 *
 * Why exec and not `kubectl port-forward` + fetch: the bundled manifests bind the control server to
 * 127.0.0.1:8000 and give the container its API key as an environment variable (GLUETUN_CONTROL_APIKEY,
 * used to build HTTP_CONTROL_SERVER_AUTH_DEFAULT_ROLE). A shell in the container expands that variable
 * itself, so the key never leaves the cluster: not in our argv, not on our stdin, not in our memory.
 * The image ships busybox `sh` and `wget` (gluetun Dockerfile: `apk add ... wget`; research/gluetun.md §5).
 *
 * Routes and shapes (research/gluetun.md §2, gluetun v3.41 internal/server):
 *   GET /v1/vpn/status   {"status":"running"}  (starting, running, stopping, stopped, crashed, completed)
 *   GET /v1/publicip/ip  {"public_ip","country","region","city",...}; all but public_ip are omitempty
 *   GET /v1/portforward  v3.41.1: {"port":N}; v3.41.2+: {"port":N,"ports":[N]}; 0 = none
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
  if (apiKeyEnv !== undefined && !/^[A-Z_][A-Z0-9_]*$/.test(apiKeyEnv)) throw new TypeError(`not an environment variable name: ${apiKeyEnv}`);
  const header = apiKeyEnv ? ` --header "X-API-Key: $${apiKeyEnv}"` : '';
  return `wget -qO- -T 10${header} "http://127.0.0.1:${port}$1"`;
}

export class Gluetun {
  readonly target: GluetunTarget;
  #kube: Kube;
  constructor(kube: Kube, target: GluetunTarget) {
    this.#kube = kube;
    this.target = target;
  }

  /** GET a control-server path; undefined when --dry-run kept it from running. */
  async get<T>(path: string): Promise<T | undefined> {
    // The path travels as $1 of `sh -c`, never spliced into the script.
    const r = await this.#kube.exec(this.target, ['sh', '-c', controlScript(this.target.apiKeyEnv, this.target.port), 'sh', path], { okCodes: 'any', timeoutMs: 30_000 });
    if (!r.ran) return undefined;
    if (r.code !== 0) throw new GluetunError(explainWget(`gluetun control server ${path}`, r.code, r.stderr));
    try {
      return JSON.parse(r.stdout) as T;
    } catch {
      throw new GluetunError(`gluetun control server ${path} answered something that is not JSON: ${r.stdout.slice(0, 120)}`);
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
    const r = await this.#kube.exec(this.target, ['wget', '-qO-', '-T', String(timeoutS), url], { okCodes: 'any', timeoutMs: (timeoutS + 15) * 1000 });
    if (!r.ran) return undefined;
    if (r.code !== 0) throw new GluetunError(explainWget(url, r.code, r.stderr));
    return r.stdout.trim();
  }
}

/** busybox wget's failure, with the likely cause. */
export function explainWget(what: string, code: number, stderr: string): string {
  // wget's own line says what happened; kubectl adds "command terminated with exit code N" after it.
  const lines = stderr.trim().split('\n').filter(Boolean);
  const s = lines.find((l) => /^wget: /.test(l)) ?? lines.at(-1) ?? '';
  const hint = /401|403/.test(s)
    ? 'the API key was refused: the control-server Secret and HTTP_CONTROL_SERVER_AUTH_DEFAULT_ROLE disagree; re-run phase2-deploy-proxy.mjs'
    : /refused/i.test(s)
      ? 'nothing listens there: is the container running and its control server enabled?'
      : /timed out|timeout/i.test(s)
        ? 'no answer in time: the VPN may be down or still connecting'
        : /not found|error: container|unable to upgrade/i.test(s)
          ? 'kubectl could not exec into the container: is the pod running?'
          : 'see the message';
  return `${what} failed (exit ${code}: ${s || 'no message'}); ${hint}.`;
}

/** The control-server API key variable of a gluetun container spec (the one fed from a *-control-server Secret). */
export function apiKeyEnvOf(container: { env?: Array<{ name: string; valueFrom?: { secretKeyRef?: { name: string } } }> } | undefined): string | undefined {
  return container?.env?.find((e) => e.valueFrom?.secretKeyRef?.name?.endsWith('-control-server'))?.name;
}
