/**
 * Phase 3's verification (runbooks/phase3-migrate-marmithon.mjs, step "verify"): from inside the marmithon
 * pod, its traffic through the proxy leaves with the VPN's IP in the proxy's country, not the home IP, and a
 * direct connection is blocked by marmithon's NetworkPolicy.
 */
import { deploymentAvailable, firstIp, HOME_IP_MASK, probeLabels, probeName } from '../../src/lib/steps/egress-checks.ts';
import { Gluetun } from '../../src/lib/clients/gluetun.ts';
import { EGRESS_SCRIPT, NO_TOOL_CODES, stateOf, type Phase3State } from './migration.ts';
import type { StepContext } from '../../src/lib/harness/index.ts';

/** verify: from inside the marmithon pod, traffic through the proxy leaves with the VPN's IP, not the home IP; direct traffic is blocked. */
export async function verifyFromPod(ctx: StepContext): Promise<void> {
  const s = stateOf(ctx);
  const { cfg, kube } = s;
  const t = cfg.proxy;
  const avail = deploymentAvailable(await kube.get(cfg.deployment));
  ctx.check(`Deployment ${cfg.workload} is available`, avail?.ok, { expected: 'Available=True with a ready replica', found: avail?.found ?? '', next: `kubectl --context ${s.context} -n ${s.namespace} describe deployment ${cfg.workload}` });
  if (avail && !avail.ok) return;
  const pod = { resource: `deploy/${cfg.workload}`, namespace: s.namespace, container: cfg.container };
  const fetch = async (mode: 'proxy' | 'direct') => {
    const r = await kube.exec(pod, ['sh', '-c', EGRESS_SCRIPT, 'sh', mode, t.serviceUrl, s.egress.echoUrl], { okCodes: 'any', timeoutMs: 60_000 });
    return r.ran ? r : undefined;
  };
  const noTools = { expected: 'sh with curl or wget in the bot\'s image (busybox is enough)', next: 'add curl or busybox to the image, or check egress by hand: /whois the bot on IRC' };

  const via = await fetch('proxy');
  // The precondition measured the home IP and masked it, so from then on it reads "[home IP]" in any output.
  const exitIp = via?.code === 0 ? (via.stdout.includes(HOME_IP_MASK) ? HOME_IP_MASK : firstIp(via.stdout)) : undefined;
  if (via && NO_TOOL_CODES.includes(via.code)) ctx.check('the marmithon pod can run the egress check', false, { ...noTools, found: via.stderr.trim() || `exit ${via.code}` });
  else ctx.check(`from inside the marmithon pod, traffic through ${t.name} gets out`, via === undefined ? undefined : Boolean(exitIp), { expected: `an IP from ${s.egress.echoUrl} through ${t.serviceUrl}`, found: `exit ${via?.code}: ${(via?.stderr.trim().split('\n').pop() || via?.stdout.trim()) ?? ''}`, next: `check the pod's label ${t.clientLabel.key}=${t.clientLabel.value} and NetworkPolicy ${cfg.workload}; kubectl -n ${s.namespace} logs ${t.gluetun.resource} -c gluetun` });

  const direct = await fetch('direct');
  if (direct && !NO_TOOL_CODES.includes(direct.code)) {
    ctx.check('from inside the marmithon pod, a direct connection (no proxy) is blocked', direct.code !== 0, { expected: `NetworkPolicy ${cfg.workload} to block everything but the proxy and DNS`, found: `it got out directly (exit 0): the bot could leak the home IP`, next: 'the cluster network plugin must enforce NetworkPolicy egress rules (Calico, Cilium; flannel alone does not)' });
  }

  const vpn = await new Gluetun(kube, t.gluetun).publicIp().catch((err: Error) => void ctx.warn(`gluetun's public IP could not be read: ${err.message}`));
  if (vpn) {
    ctx.check(`${t.name} leaves in ${t.country}`, (vpn.country ?? '').toLowerCase() === t.country.toLowerCase(), { expected: `country "${t.country}" from gluetun /v1/publicip/ip`, found: `"${vpn.country ?? '(none)'}"`, next: `run verify-proxy.mjs --region ${t.region}` });
    if (exitIp && exitIp !== vpn.public_ip) ctx.warn(`the pod saw ${exitIp}, gluetun reports ${vpn.public_ip}: two VPN exit addresses (possible with some servers); the home-IP check below still holds`);
  }
  // Under --dry-run the probe is listed; in a real run it only makes sense once the pod got out.
  const home = exitIp || !via ? await homeIp(ctx, s) : undefined;
  ctx.check(`marmithon's exit IP is not the home IP`, exitIp && home ? exitIp !== home : undefined, { expected: 'the VPN\'s IP', found: `${HOME_IP_MASK}: marmithon leaves from home`, next: `roll back (--rollback) and check ${t.name}'s gluetun log` });
  if (exitIp && home) ctx.fact(`${cfg.workload}.exitIp`, exitIp === home ? HOME_IP_MASK : exitIp);
  if (vpn?.country) ctx.fact(`${cfg.workload}.country`, vpn.country);
  ctx.fact(`${cfg.workload}.proxy`, t.name);
}

/**
 * The home IP, from a probe pod going direct: the IP (then masked everywhere), or HOME_IP_MASK when it was
 * measured and masked earlier in this run (the precondition's verify-proxy checks do that), since the probe's
 * output then already reads "[home IP]". Undefined when not run (--dry-run).
 */
async function homeIp(ctx: StepContext, s: Phase3State): Promise<string | undefined> {
  const o = s.egress;
  const r = await s.kube.probe({ name: probeName(s.cfg.proxy.region, 'direct'), namespace: s.namespace, image: o.probeImage, labels: probeLabels(o), command: ['curl', '-sS', '--max-time', '15', o.echoUrl], timeoutS: 90 });
  if (!r) return undefined;
  if (r.code === 0 && r.stdout.includes(HOME_IP_MASK)) return HOME_IP_MASK;
  const ip = r.code === 0 ? firstIp(r.stdout) : undefined;
  if (!ip) ctx.fail({ code: 'E_HOME_IP', expected: `a direct probe pod to read the home IP from ${o.echoUrl}`, found: `exit ${r.code}: ${r.stderr.trim().split('\n').pop() || r.stdout.trim() || 'no output'}`, next: 'check that pods can reach the internet directly and that the probe image can be pulled (--probe-image)' });
  ctx.mask(ip, HOME_IP_MASK);
  return ip;
}
