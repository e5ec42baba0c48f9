/**
 * Checks shared by the VPN runbooks: the kubectl preflight (tool, context, cluster, namespace) and the
 * egress verification (Deployment available, VPN running, exit country, exit IP seen by a client pod
 * through the proxy, a pod without the client label refused, the home IP never the exit).
 *
 * The home IP is measured once per run by a probe pod going direct, kept in memory, and masked at once:
 * it is never printed, logged or written to a report. From then on every output that holds it reads
 * "[home IP]", so an exit IP is read with exitIpOf(), which knows that.
 */
import { randomBytes } from 'node:crypto';
import { AvalancheError } from '../core/errors.ts';
import { installHint } from '../core/exec.ts';
import type { Gluetun, PublicIp } from '../clients/gluetun.ts';
import type { Kube, KubeJson } from '../clients/kube.ts';
import type { StepContext } from '../harness/index.ts';

export const PROBE_IMAGE = 'curlimages/curl:8.11.1';
export const ECHO_URL = 'https://api.ipify.org';
export const HOME_IP_MASK = '[home IP]';
/**
 * curl exit codes that mean "could not connect": 7 refused, 28 timed out, 52 empty reply, 56 receive failure (curl(1)
 * EXIT CODES).
 */
export const CURL_REFUSED = [7, 28, 52, 56];
/** How long a probe pod may take to start (image pull included): with curl's own --max-time, under 60 s. */
export const PROBE_START_S = 35;

/** Preflight: kubectl present, the right context, the cluster answering; returns whether `namespace` exists. */
export async function kubePreflight(
  ctx: StepContext<unknown, unknown>,
  kube: Kube,
  o: { expectedContext: string; fromFlag: boolean; namespace: string },
): Promise<boolean | undefined> {
  let client: string | undefined;
  try {
    client = await kube.clientVersion();
  } catch (err) {
    if ((err as AvalancheError).code === 'E_NOT_FOUND')
      ctx.fail({
        code: 'E_NO_KUBECTL',
        expected: 'kubectl on PATH',
        found: 'no kubectl',
        next: `install it (${installHint('kubectl')}) and run again`,
      });
    throw err;
  }
  if (client) ctx.log(`kubectl ${client}`);
  const current = await kube.currentContext();
  const known = await kube.contexts();
  if (known && !known.includes(o.expectedContext)) {
    ctx.fail({
      code: 'E_WRONG_CONTEXT',
      expected: `kubectl context "${o.expectedContext}" in your kubeconfig`,
      found: `only ${known.map((k) => `"${k}"`).join(', ') || 'no contexts'}`,
      next: `pass --context <name> for the cluster to use, or set kubernetes.context in src/data/network.yaml`,
    });
  }
  if (current !== undefined && !o.fromFlag && current !== o.expectedContext) {
    ctx.fail({
      code: 'E_WRONG_CONTEXT',
      expected: `current kubectl context "${o.expectedContext}" (src/data/network.yaml: kubernetes.context)`,
      found: `"${current || '(none)'}"`,
      next: `run \`kubectl config use-context ${o.expectedContext}\`, or pass --context ${o.expectedContext} to confirm the target`,
    });
  }
  ctx.log(`context ${o.expectedContext}${o.fromFlag ? ' (from --context)' : ''}; every command passes --context`);
  try {
    const server = await kube.serverVersion();
    if (server) ctx.log(`cluster answers: Kubernetes ${server}`);
  } catch (err) {
    ctx.fail({
      code: 'E_UNREACHABLE',
      expected: `the cluster of context "${o.expectedContext}" to answer`,
      found: (err as Error).message,
      next: 'check the VPN/LAN path to the API server and `kubectl --context ' + o.expectedContext + ' get nodes`',
    });
  }
  const ns = await kube.get({ kind: 'Namespace', name: o.namespace });
  if (ns !== undefined) ctx.log(`namespace ${o.namespace}: ${ns ? 'exists' : 'absent'}`);
  return ns === undefined ? undefined : ns !== null;
}

export function deploymentAvailable(d: KubeJson | null | undefined): { ok: boolean; found: string } | undefined {
  if (d === undefined) return undefined;
  if (d === null) return { ok: false, found: 'no such Deployment' };
  const status = d.status as
    | {
        availableReplicas?: number;
        conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
      }
    | undefined;
  const cond = status?.conditions?.find((c) => c.type === 'Available');
  const ok = cond?.status === 'True' && (status?.availableReplicas ?? 0) >= 1;
  return {
    ok,
    found: ok
      ? `${status?.availableReplicas} available`
      : `Available=${cond?.status ?? 'unknown'}${cond?.message ? ` (${cond.message})` : ''}`,
  };
}

/** Polls `fn` every 5 s until `done` or `seconds` pass (gluetun needs a moment after a rollout); one try at 0. */
export async function settle<T>(
  ctx: StepContext<unknown, unknown>,
  label: string,
  seconds: number,
  fn: () => Promise<T>,
  done: (v: T) => boolean,
): Promise<T> {
  let value = await fn();
  // undefined: --dry-run kept the command from running; polling would only list it again.
  if (value === undefined || done(value) || seconds <= 0) return value;
  return ctx.wait(label, async () => {
    const until = Date.now() + seconds * 1000;
    while (!done(value) && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 5000));
      value = await fn();
    }
    return value;
  });
}

export function probeName(region: string, what: string): string {
  return `avalanche-probe-${region}-${what}-${randomBytes(3).toString('hex')}`;
}

export const firstIp = (text: string) =>
  text.match(/\b(?:\d{1,3}\.){3}\d{1,3}\b|\b[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}\b/i)?.[0];

export interface EgressOptions {
  echoUrl: string;
  probeImage: string;
  settleS: number;
  managedBy: string;
  partOf: string;
  /** The home IP once measured in this run (memory only; masked in all output): one measurement per run. */
  home: { ip?: string };
}

/** Labels every probe pod carries (style habit 14), so anyone can find what a runbook started. */
export const probeLabels = (o: EgressOptions) => ({
  'app.kubernetes.io/managed-by': o.managedBy,
  'app.kubernetes.io/part-of': o.partOf,
  'app.kubernetes.io/component': 'probe',
});

/**
 * The home IP, from a probe pod going direct, measured once per run and then masked everywhere; undefined
 * when --dry-run kept the probe from running. A second proxy verified in the same run reuses it: measured
 * again, it would read "[home IP]" (masked) and look like no address at all.
 */
export async function homeIp(
  ctx: StepContext<unknown, unknown>,
  kube: Kube,
  region: string,
  namespace: string,
  o: EgressOptions,
): Promise<string | undefined> {
  if (o.home.ip) return o.home.ip;
  const r = await kube.probe({
    name: probeName(region, 'direct'),
    namespace,
    image: o.probeImage,
    labels: probeLabels(o),
    command: ['curl', '-sS', '--max-time', '15', o.echoUrl],
    timeoutS: PROBE_START_S,
  });
  if (!r) return undefined;
  const ip = r.code === 0 ? firstIp(r.stdout) : undefined;
  if (!ip)
    ctx.fail({
      code: 'E_HOME_IP',
      expected: `a direct probe pod to read the home IP from ${o.echoUrl}`,
      found: `exit ${r.code}: ${r.stderr.trim().split('\n').pop() || r.stdout.trim() || 'no output'}`,
      next: 'check that pods can reach the internet directly and that the probe image can be pulled (--probe-image)',
    });
  ctx.mask(ip!, HOME_IP_MASK);
  o.home.ip = ip;
  return ip;
}

/** The IP in a probe's output; once the home IP is measured, an output showing "[home IP]" is the home IP. */
export function exitIpOf(text: string, o: EgressOptions): string | undefined {
  return o.home.ip && text.includes(HOME_IP_MASK) ? o.home.ip : firstIp(text);
}

/** gluetun's view: the VPN running, its public IP in the expected country. */
export async function checkGluetun(
  ctx: StepContext<unknown, unknown>,
  gluetun: Gluetun,
  country: string,
  settleS: number,
): Promise<PublicIp | undefined> {
  const status = await settle(
    ctx,
    'waiting for gluetun to report the VPN running',
    settleS,
    () => gluetun.vpnStatus(),
    (s) => s?.status === 'running',
  );
  ctx.check('gluetun reports the VPN running', status === undefined ? undefined : status.status === 'running', {
    expected: 'status "running" from /v1/vpn/status',
    found: `"${status?.status}"`,
    next: `read the tunnel's log: ${gluetun.logsCommand()} (a wrong WireGuard key shows as a handshake that never completes)`,
  });
  if (status && status.status !== 'running') return undefined;
  const ip = await settle(
    ctx,
    'waiting for gluetun to learn its public IP',
    settleS,
    () => gluetun.publicIp(),
    (p) => Boolean(p?.public_ip),
  );
  ctx.check(
    `exit country is ${country}`,
    ip === undefined ? undefined : (ip.country ?? '').toLowerCase() === country.toLowerCase(),
    {
      expected: `country "${country}" from /v1/publicip/ip (src/data/network.yaml)`,
      found: ip?.public_ip ? `"${ip.country ?? '(none)'}" (${ip.public_ip})` : 'no public IP yet',
      next: 'check SERVER_COUNTRIES in the bundled deployment.yaml and that the ProtonVPN plan offers that country',
    },
  );
  return ip;
}
