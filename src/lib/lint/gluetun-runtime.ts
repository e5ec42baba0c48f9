/**
 * gluetun rules on how its container runs: the privileges it needs (NET_ADMIN, the TUN device), the native
 * sidecar shape, its probes, the restart trap (leftover WireGuard ip rules after an unclean exit) and a memory
 * limit sized for the features it has on. Sources are in each rule.
 */
import { lineAt } from '../inventory/manifests.ts';
import { gluetunContainers, type GluetunRef } from './gluetun-ref.ts';
import { GLUETUN_SRC } from './gluetun-settings.ts';
import { memoryNeed, parseQuantity } from './gluetun-memory.ts';
import { containers, probePort, probes } from './pods.ts';
import { parseAddress } from './gluetun-pod.ts';
import type { LintContext, Rule } from './types.ts';

const RUNC = 'https://github.com/opencontainers/runc/blob/v1.2.4/CHANGELOG.md';
const WIKI_K8S = 'https://github.com/qdm12/gluetun-wiki/blob/v3.41.0/setup/advanced/kubernetes.md';
export const GLUETUN_RUNTIME_RULES: Rule[] = [
  {
    id: 'gluetun/net-admin',
    severity: 'error',
    description:
      'gluetun has the NET_ADMIN capability (or runs privileged): it sets up routes, ip rules and its iptables kill switch itself.',
    source: `${GLUETUN_SRC}cmd/gluetun/main.go`,
  },
  {
    id: 'gluetun/tun',
    severity: 'error',
    description:
      'gluetun can open /dev/net/tun: MKNOD (gluetun creates the node; runc allows c 10:200 by default except in 1.2.0 to 1.2.3), a TUN device-plugin resource, or privileged. A bare hostPath mount is not enough: the device cgroup decides, however the node got there.',
    source: RUNC,
  },
  {
    id: 'gluetun/native-sidecar',
    severity: 'error',
    description:
      'gluetun sharing a pod with an app is a native sidecar (initContainers, restartPolicy Always, startupProbe), so the app starts only once the tunnel and kill switch are up.',
    source: 'https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/',
  },
  {
    id: 'gluetun/health-probe',
    severity: 'warning',
    description:
      'gluetun has a probe on its health server: exec /gluetun-entrypoint healthcheck, or httpGet with HEALTH_SERVER_ADDRESS off loopback.',
    source: `${GLUETUN_SRC}internal/cli/healthcheck.go`,
  },
  {
    id: 'gluetun/liveness-probe',
    severity: 'warning',
    description:
      'A gluetun liveness probe tolerates at least 2 minutes of failures, so it does not kill gluetun while HEALTH_RESTART_VPN restarts the tunnel.',
    source: `${GLUETUN_SRC}internal/vpn/tunnelup.go`,
  },
  {
    id: 'gluetun/restart-trap',
    severity: 'error',
    description:
      'A WireGuard gluetun container deletes leftover ip rules in a postStart hook that cannot fail, "(ip rule del table 51820; ip -6 rule del table 51820) || true", and its Deployment uses Recreate: v3.41.1 adds its rule without checking for one left by an unclean exit (OOM kill, grace period exceeded) and then cannot reconnect until the pod is deleted.',
    source: WIKI_K8S,
  },
  {
    id: 'gluetun/memory-limit',
    severity: 'error',
    description:
      "A gluetun memory limit is at least twice what its enabled features were measured to use (about 50 MB without DNS block lists, 195 MB with BLOCK_MALICIOUS): Go's heap grows to twice the live data before collecting, and the daily block-list update builds the new lists beside the old.",
    source: 'https://github.com/qdm12/gluetun/issues/2054',
  },
];

type Report = (rule: string, line: number, message: string) => void;

export function checkGluetunRuntime(ctx: LintContext): void {
  for (const g of gluetunContainers(ctx)) {
    const { obj } = g.pod;
    const at = (path: (string | number)[]) => lineAt(obj, [...g.path, ...path]);
    const report: Report = (rule, line, message) =>
      ctx.report(rule, obj.file, line, `${obj.kind}/${obj.metadata.name} container ${g.container.name}: ${message}`);
    checkDevices(g, report, at);
    checkSidecar(g, report, at);
    checkRestartTrap(g, report, at);
    checkMemory(g, report, at);
  }
}

function checkDevices(g: GluetunRef, report: Report, at: (p: (string | number)[]) => number): void {
  const sc = g.container.securityContext ?? {};
  const privileged = sc.privileged === true;
  const caps = (sc.capabilities?.add ?? []).map((c) => c.toUpperCase().replace(/^CAP_/, ''));
  if (!privileged && !caps.includes('NET_ADMIN'))
    report(
      'gluetun/net-admin',
      at(['securityContext']),
      'no NET_ADMIN capability; gluetun cannot set up routes and its firewall ("Are you passing NET_ADMIN capability to gluetun?"). Add securityContext.capabilities.add: [NET_ADMIN].',
    );
  const volumes = new Map((g.pod.spec.volumes ?? []).map((v) => [v.name, v]));
  const hostTun = (g.container.volumeMounts ?? []).some(
    (m) => m.mountPath === '/dev/net/tun' && volumes.get(m.name)?.hostPath?.path === '/dev/net/tun',
  );
  const plugin = Object.keys(g.container.resources?.limits ?? {}).some((k) => /\/tun$/.test(k));
  if (privileged || plugin || caps.includes('MKNOD')) return;
  const how =
    'Add MKNOD next to NET_ADMIN (gluetun creates the node; runc allows it by default before 1.2.0 and from 1.2.4 on); on runc 1.2.0 to 1.2.3 use a TUN device plugin or privileged: true instead.';
  if (hostTun)
    report(
      'gluetun/tun',
      at(['volumeMounts']),
      `a hostPath /dev/net/tun mount does not get past the device cgroup: runc 1.2.0 to 1.2.3 deny c 10:200 however the node got there ("operation not permitted"). ${how}`,
    );
  else
    report(
      'gluetun/tun',
      at(['securityContext']),
      `gluetun cannot open or create /dev/net/tun: no MKNOD, no TUN device-plugin resource, not privileged (CRI-O does not grant MKNOD by default). ${how}`,
    );
}

function checkSidecar(g: GluetunRef, report: Report, at: (p: (string | number)[]) => number): void {
  const others = containers(g.pod).filter((c) => c.container !== g.container);
  const c = g.container;
  if (g.init && c.restartPolicy !== 'Always')
    report(
      'gluetun/native-sidecar',
      at(['name']),
      'gluetun in initContainers never exits, so the pod never starts; add restartPolicy: Always to make it a native sidecar.',
    );
  else if (others.length && !g.init)
    report(
      'gluetun/native-sidecar',
      at(['name']),
      `gluetun starts alongside ${others.map((o) => o.container.name).join(', ')}, which may send traffic before the tunnel and kill switch are up; move it to initContainers with restartPolicy: Always and a startupProbe.`,
    );
  else if (g.init && !c.startupProbe)
    report(
      'gluetun/native-sidecar',
      at(['name']),
      'a native sidecar without startupProbe lets the app start before the tunnel is up; add the exec startupProbe /gluetun-entrypoint healthcheck.',
    );
  const health = probes(c).some(
    ({ probe }) =>
      (probe.exec?.command ?? []).join(' ').includes('healthcheck') ||
      probePort(probe) === parseAddress(g.get('HEALTH_SERVER_ADDRESS'))?.port,
  );
  if (!health)
    report(
      'gluetun/health-probe',
      at(['name']),
      'no probe on gluetun\'s health server; add an exec probe ["/gluetun-entrypoint", "healthcheck"] (startupProbe, readinessProbe).',
    );
  const live = c.livenessProbe;
  const tolerated = (live?.periodSeconds ?? 10) * (live?.failureThreshold ?? 3);
  if (live && tolerated < 120)
    report(
      'gluetun/liveness-probe',
      at(['livenessProbe']),
      `the liveness probe kills gluetun after ${tolerated} s of failures, shorter than gluetun's own VPN restart; allow at least 120 s.`,
    );
}

/** The ip rule gluetun adds for WireGuard: table = firewall mark 51820 (internal/wireguard/settings.go, rule.go). */
function checkRestartTrap(g: GluetunRef, report: Report, at: (p: (string | number)[]) => number): void {
  if (g.vpnType !== 'wireguard') return;
  const command = g.container.lifecycle?.postStart?.exec?.command ?? [];
  const script = command.join(' ');
  const shell = /^(\/bin\/)?(ba)?sh$/.test(command[0] ?? '') && command[1] === '-c';
  const v4 = /ip\s+rule\s+del\s+table\s+51820/.test(script);
  const v6 = /ip\s+-6\s+rule\s+del\s+table\s+51820/.test(script);
  const safe = shell && /\|\|\s*true\s*$|;\s*(true|exit 0)\s*$/.test(script.trim());
  const fix =
    'lifecycle.postStart.exec.command: ["/bin/sh", "-c", "(ip rule del table 51820; ip -6 rule del table 51820) || true"]';
  if (!command.length)
    report(
      'gluetun/restart-trap',
      at(['name']),
      `no postStart cleanup: after an unclean exit the pod keeps gluetun's ip rule and the restarted gluetun fails with "adding rule ...: file exists" until the pod is deleted. Add ${fix}.`,
    );
  else if (!v4 || !v6)
    report(
      'gluetun/restart-trap',
      at(['lifecycle']),
      `the postStart hook does not delete both leftover rules (IPv4 and IPv6, table 51820). Use ${fix}.`,
    );
  else if (!safe)
    report(
      'gluetun/restart-trap',
      at(['lifecycle']),
      `the postStart hook can fail when there is no rule to delete, and a failing postStart hook kills the container. Use ${fix}.`,
    );
  const { obj } = g.pod;
  const strategy = (obj.spec as { strategy?: { type?: string } }).strategy?.type ?? 'RollingUpdate';
  if (obj.kind === 'Deployment' && strategy !== 'Recreate')
    report(
      'gluetun/restart-trap',
      lineAt(obj, ['spec', 'strategy']),
      `strategy ${strategy}: a rollout would run two VPN pods at once; gluetun's Kubernetes advice is Recreate together with the postStart cleanup.`,
    );
}

function checkMemory(g: GluetunRef, report: Report, at: (p: (string | number)[]) => number): void {
  const limit = g.container.resources?.limits?.memory;
  if (limit === undefined) return;
  const bytes = parseQuantity(String(limit));
  const need = memoryNeed(g);
  if (bytes !== undefined && bytes < need.limitBytes) {
    report(
      'gluetun/memory-limit',
      at(['resources', 'limits', 'memory']),
      `limit ${String(limit)} is below ${need.limitMi}Mi, twice the ${need.measuredMb} MB gluetun was measured to use with ${need.what} (${need.source}); an OOM kill leaves the proxy down. Raise the limit${need.blocking ? ', or set BLOCK_MALICIOUS=off (and BLOCK_ADS, BLOCK_SURVEILLANCE off)' : ''}.`,
    );
  }
}
