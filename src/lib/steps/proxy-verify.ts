/**
 * Verifying one shared proxy end to end (verify-proxy.mjs, and the verify step of phase2-deploy-proxy.mjs):
 * Deployment available, gluetun's VPN running in the inventory's country, a client pod WITH the label
 * leaving through the proxy with the VPN's IP (not the home IP), a pod WITHOUT the label refused.
 */
import {
  checkGluetun,
  CURL_REFUSED,
  deploymentAvailable,
  exitIpOf,
  HOME_IP_MASK,
  homeIp,
  PROBE_START_S,
  probeLabels,
  probeName,
  type EgressOptions,
} from './egress-checks.ts';
import { Gluetun } from '../clients/gluetun.ts';
import type { Kube } from '../clients/kube.ts';
import type { StepContext } from '../harness/index.ts';
import type { ProxyTarget } from './vpn-proxy.ts';

/** What verifyProxies needs from a runbook's state (proxyConfig's result plus the kubectl client). */
export interface ProxyVerifyState {
  kube: Kube;
  targets: ProxyTarget[];
  egress: EgressOptions;
}

/** A verify step's budget for `n` proxies: gluetun's settle time twice, three probe pods and a few reads each. */
export const verifyBudgetS = (n: number, settleS: number) => n * (2 * settleS + 3 * (PROBE_START_S + 30) + 60);

/**
 * The verify step of phase2-deploy-proxy and verify-proxy: every check for each proxy of the run. One
 * proxy's failure is a failed check, and never hides the others' results.
 */
export async function verifyProxies(ctx: StepContext<ProxyVerifyState, unknown>, next: string): Promise<void> {
  const s = ctx.state;
  for (const t of s.targets) {
    try {
      await verifyProxy(ctx, s.kube, t, s.egress);
    } catch (err) {
      ctx.check(`verification of ${t.name} completed`, false, {
        expected: 'every check to run',
        found: (err as Error).message,
        next,
      });
    }
  }
}

export async function verifyProxy(
  ctx: StepContext<unknown, unknown>,
  kube: Kube,
  t: ProxyTarget,
  o: EgressOptions,
): Promise<void> {
  ctx.log(`${t.name} (${t.country}), ${t.serviceUrl}`);
  const avail = deploymentAvailable(await kube.get(t.deployment));
  ctx.check(`Deployment ${t.name} is available`, avail?.ok, {
    expected: 'condition Available=True with at least one available replica',
    found: avail?.found ?? '',
    next: `kubectl --context ${kube.context} -n ${t.namespace} describe deployment ${t.name}; then run phase2-deploy-proxy.mjs --region ${t.region}`,
  });
  if (avail && !avail.ok) return; // nothing to talk to; the other checks would only repeat this one

  const vpn = await checkGluetun(ctx, new Gluetun(kube, t.gluetun), t.country, o.settleS);

  const base = { namespace: t.namespace, image: o.probeImage, timeoutS: PROBE_START_S };
  const curl = (timeout: number) => ['curl', '-sS', '--max-time', String(timeout), '--proxy', t.serviceUrl, o.echoUrl];
  const client = await kube.probe({
    ...base,
    name: probeName(t.region, 'client'),
    labels: { [t.clientLabel.key]: t.clientLabel.value, ...probeLabels(o) },
    command: curl(20),
  });
  const exitIp = client && client.code === 0 ? exitIpOf(client.stdout, o) : undefined;
  ctx.check(
    `a pod labelled ${t.clientLabel.key}=${t.clientLabel.value} gets through the proxy`,
    client === undefined ? undefined : Boolean(exitIp),
    {
      expected: `curl through ${t.serviceUrl} to print an IP from ${o.echoUrl}`,
      found: `exit ${client?.code}: ${(client?.stderr.trim().split('\n').pop() || client?.stdout.trim()) ?? ''}`,
      next: `check the Service and FIREWALL_INPUT_PORTS; kubectl --context ${kube.context} -n ${t.namespace} logs ${t.gluetun.resource} -c gluetun`,
    },
  );

  const stranger = await kube.probe({
    ...base,
    name: probeName(t.region, 'unlabelled'),
    labels: probeLabels(o),
    command: curl(10),
  });
  ctx.check(
    'a pod without the client label is refused',
    stranger === undefined ? undefined : CURL_REFUSED.includes(stranger.code),
    {
      expected: `the connection refused or dropped by NetworkPolicy ${t.name} (curl exit ${CURL_REFUSED.join('/')})`,
      found:
        stranger?.code === 0
          ? 'it got through: the NetworkPolicy is not enforced'
          : `curl exit ${stranger?.code}: ${stranger?.stderr.trim().split('\n').pop() ?? ''}`,
      next:
        stranger?.code === 0
          ? 'the cluster network plugin must enforce NetworkPolicy (Calico, Cilium, kube-router; flannel alone does not); until then any pod can use the proxy'
          : 'the probe failed for another reason (DNS?); run it by hand to see',
    },
  );

  const home = await homeIp(ctx, kube, t.region, t.namespace, o);
  if (home === undefined) ctx.check('the exit IP is not the home IP', undefined);
  else if (exitIp !== undefined) {
    ctx.check('the exit IP is not the home IP', exitIp !== home, {
      expected: 'the proxy to leave through the VPN, with an IP other than the home IP',
      found:
        exitIp === home
          ? `the client's exit IP is ${HOME_IP_MASK}: traffic leaves from home, unprotected`
          : `exit IP ${exitIp}, not the home IP`,
      next: `stop using the proxy; check gluetun's log (kubectl --context ${kube.context} -n ${t.namespace} logs ${t.gluetun.resource} -c gluetun) and its firewall settings`,
    });
    if (vpn?.public_ip && exitIp !== vpn.public_ip)
      ctx.warn(
        `the client saw ${exitIp}, gluetun reports ${vpn.public_ip}: two different VPN exit addresses (possible with some servers); the country check above still holds`,
      );
    ctx.fact(`${t.name}.exitIp`, exitIp === home ? HOME_IP_MASK : exitIp);
  }
  if (vpn?.country) ctx.fact(`${t.name}.country`, vpn.country);
}
