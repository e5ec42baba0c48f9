/**
 * Phase 3's verification (step "verify"): from inside the marmithon
 * pod, its traffic through the proxy leaves with the VPN's IP in the proxy's country, not the home IP, and a
 * direct connection is blocked by marmithon's NetworkPolicy.
 */
import { deploymentAvailable, exitIpOf, HOME_IP_MASK, homeIp } from '../../src/lib/steps/egress-checks.ts';
import { Gluetun } from '../../src/lib/clients/gluetun.ts';
import { EGRESS_SCRIPT, NO_TOOL_CODES } from './migration.ts';
import type { Ctx } from './state.ts';

/**
 * verify: from inside the marmithon pod, traffic through the proxy leaves with the VPN's IP, not the home IP; direct
 * traffic is blocked.
 */
export async function verifyFromPod(ctx: Ctx): Promise<void> {
  const s = ctx.state;
  const { cfg, kube } = s;
  const t = cfg.proxy;
  const avail = deploymentAvailable(await kube.get(cfg.deployment));
  ctx.check(`Deployment ${cfg.workload} is available`, avail?.ok, {
    expected: 'Available=True with a ready replica',
    found: avail?.found ?? '',
    next: `kubectl --context ${s.context} -n ${s.namespace} describe deployment ${cfg.workload}`,
  });
  if (avail && !avail.ok) return;
  const pod = { resource: `deploy/${cfg.workload}`, namespace: s.namespace, container: cfg.container };
  const fetch = async (mode: 'proxy' | 'direct') => {
    const r = await kube.exec(pod, ['sh', '-c', EGRESS_SCRIPT, 'sh', mode, t.serviceUrl, s.egress.echoUrl], {
      okCodes: 'any',
      timeoutMs: 60_000,
    });
    return r.ran ? r : undefined;
  };
  const noTools = {
    expected: "sh with curl or wget in the bot's image (busybox is enough)",
    next: 'add curl or busybox to the image, or check egress by hand: /whois the bot on IRC',
  };

  const via = await fetch('proxy');
  // The precondition measured the home IP (once per run) and masked it: exitIpOf reads "[home IP]" as it.
  const exitIp = via?.code === 0 ? exitIpOf(via.stdout, s.egress) : undefined;
  if (via && NO_TOOL_CODES.includes(via.code))
    ctx.check('the marmithon pod can run the egress check', false, {
      ...noTools,
      found: via.stderr.trim() || `exit ${via.code}`,
    });
  else
    ctx.check(
      `from inside the marmithon pod, traffic through ${t.name} gets out`,
      via === undefined ? undefined : Boolean(exitIp),
      {
        expected: `an IP from ${s.egress.echoUrl} through ${t.serviceUrl}`,
        found: `exit ${via?.code}: ${(via?.stderr.trim().split('\n').pop() || via?.stdout.trim()) ?? ''}`,
        next: `check the pod's label ${t.clientLabel.key}=${t.clientLabel.value} and NetworkPolicy ${cfg.workload}; kubectl -n ${s.namespace} logs ${t.gluetun.resource} -c gluetun`,
      },
    );

  const direct = await fetch('direct');
  if (direct && !NO_TOOL_CODES.includes(direct.code)) {
    ctx.check('from inside the marmithon pod, a direct connection (no proxy) is blocked', direct.code !== 0, {
      expected: `NetworkPolicy ${cfg.workload} to block everything but the proxy and DNS`,
      found:
        direct.code === 0
          ? 'it got out directly (exit 0): the bot could leak the home IP'
          : `blocked (exit ${direct.code})`,
      next: 'the cluster network plugin must enforce NetworkPolicy egress rules (Calico, Cilium; flannel alone does not)',
    });
  }

  const vpn = await new Gluetun(kube, t.gluetun)
    .publicIp()
    .catch((err: Error) => void ctx.warn(`gluetun's public IP could not be read: ${err.message}`));
  if (vpn) {
    ctx.check(`${t.name} leaves in ${t.country}`, (vpn.country ?? '').toLowerCase() === t.country.toLowerCase(), {
      expected: `country "${t.country}" from gluetun /v1/publicip/ip`,
      found: `"${vpn.country ?? '(none)'}"`,
      next: `run verify-proxy.mjs --region ${t.region}`,
    });
    if (exitIp && exitIp !== vpn.public_ip)
      ctx.warn(
        `the pod saw ${exitIp}, gluetun reports ${vpn.public_ip}: two VPN exit addresses (possible with some servers); the home-IP check below still holds`,
      );
  }
  // Under --dry-run the probe is listed; in a real run it only makes sense once the pod got out.
  const home = exitIp || !via ? await homeIp(ctx, kube, t.region, s.namespace, s.egress) : undefined;
  ctx.check(`marmithon's exit IP is not the home IP`, exitIp && home ? exitIp !== home : undefined, {
    expected: "the VPN's IP",
    found: exitIp === home ? `${HOME_IP_MASK}: marmithon leaves from home` : `exit IP ${exitIp}, not the home IP`,
    next: `roll back (--rollback) and check ${t.name}'s gluetun log`,
  });
  if (exitIp && home) ctx.fact(`${cfg.workload}.exitIp`, exitIp === home ? HOME_IP_MASK : exitIp);
  if (vpn?.country) ctx.fact(`${cfg.workload}.country`, vpn.country);
  ctx.fact(`${cfg.workload}.proxy`, t.name);
}
