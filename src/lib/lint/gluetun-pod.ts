/**
 * gluetun rules on the pod around it: what it listens on versus what Services and probes target, its
 * firewall, the control server's exposure and auth, the capabilities and TUN device it needs, how it runs
 * as a sidecar, its probes and rollout strategy, and Kubernetes service links. research/gluetun.md §1.1-§4.
 */
import { lineAt, type KubeObject } from '../inventory/manifests.ts';
import { SERVICE_LINK_KEYS, isTrue } from './gluetun-vars.ts';
import { gluetunContainers, type GluetunRef } from './gluetun.ts';
import { containers, probePort, probes, resolvePort, selectorMatches, serviceEnvName, type LabelSelector } from './pods.ts';
import type { LintContext, Rule } from './types.ts';

const G = 'https://github.com/qdm12/gluetun/blob/v3.41.1/';
const W = 'https://github.com/qdm12/gluetun-wiki/blob/v3.41.0/';
export const GLUETUN_POD_RULES: Rule[] = [
  { id: 'gluetun/service-links', severity: 'error', description: 'No Service in the namespace injects a variable gluetun parses as a port (HTTPPROXY_PORT, VPN_ENDPOINT_PORT, ...) unless enableServiceLinks is false; gluetun would refuse to start. research/gluetun.md §1.1.', source: 'https://github.com/qdm12/gluetun/issues/1725' },
  { id: 'gluetun/port-not-listening', severity: 'error', description: 'Services and probes target only ports gluetun listens on beyond loopback (HTTP proxy on, Shadowsocks on, control server, health server on a non-loopback address). research/gluetun.md §1.3, §3.', source: `${G}internal/configuration/settings/httpproxy.go` },
  { id: 'gluetun/firewall-input-ports', severity: 'error', description: 'Ports that other pods (through a Service) or the kubelet (probes) connect to in a gluetun pod are in FIREWALL_INPUT_PORTS: gluetun\'s firewall drops other input. research/gluetun.md §4.', source: `${W}setup/options/firewall.md` },
  { id: 'gluetun/control-server-auth', severity: 'error', description: 'The control server requires auth (HTTP_CONTROL_SERVER_AUTH_DEFAULT_ROLE apikey or basic, or an auth file): without it v3.41 serves PUT /v1/vpn/status to anyone. research/gluetun.md §2.', source: `${W}setup/advanced/control-server.md` },
  { id: 'gluetun/control-server-exposed', severity: 'error', description: 'The control server (:8000) is not reachable from other pods: no Service targets it, and off loopback a NetworkPolicy must not admit it. research/gluetun.md §2.', source: `${W}setup/advanced/control-server.md` },
  { id: 'gluetun/net-admin', severity: 'error', description: 'gluetun has the NET_ADMIN capability (or runs privileged). research/gluetun.md §4.', source: `${G}cmd/gluetun/main.go` },
  { id: 'gluetun/tun', severity: 'error', description: 'gluetun can open /dev/net/tun: privileged, a hostPath /dev/net/tun mount, or a TUN device-plugin resource. research/gluetun.md §4.', source: 'https://github.com/qdm12/gluetun-wiki/blob/main/errors/tun.md' },
  { id: 'gluetun/native-sidecar', severity: 'error', description: 'gluetun sharing a pod with an app is a native sidecar (initContainers, restartPolicy Always, startupProbe), so the app starts only once the tunnel and kill switch are up. research/gluetun.md §4.', source: 'https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/' },
  { id: 'gluetun/health-probe', severity: 'warning', description: 'gluetun has a probe on its health server: exec /gluetun-entrypoint healthcheck, or httpGet with HEALTH_SERVER_ADDRESS off loopback. research/gluetun.md §3.', source: `${G}internal/cli/healthcheck.go` },
  { id: 'gluetun/liveness-probe', severity: 'warning', description: 'A gluetun liveness probe tolerates at least 2 minutes of failures, so it does not kill gluetun during its own VPN restart. research/gluetun.md §3 (inferred).', source: `${G}internal/vpn/tunnelup.go` },
  { id: 'gluetun/strategy-recreate', severity: 'warning', description: 'A Deployment running gluetun uses the Recreate strategy. research/gluetun.md §4.', source: 'https://github.com/qdm12/gluetun-wiki/blob/main/setup/advanced/kubernetes.md' },
];

interface Listen {
  what: string;
  host: string;
  port: number;
}
export function parseAddress(value: string | undefined): { host: string; port: number } | undefined {
  const m = /^(\[[^\]]*\]|[^:]*):(\d{1,5})$/.exec((value ?? '').trim());
  return m ? { host: m[1].replace(/^\[|\]$/g, ''), port: Number(m[2]) } : undefined;
}
export const isLoopback = (host: string) => host === 'localhost' || host === '::1' || host.startsWith('127.');

/** What gluetun listens on, from its settings (defaults included). */
export function listening(g: GluetunRef): Listen[] {
  const out: Listen[] = [];
  const add = (what: string, name: string, enabledBy?: string) => {
    if (enabledBy && !isTrue(g.get(enabledBy) ?? 'off')) return;
    const a = parseAddress(g.get(name));
    if (a) out.push({ what, ...a });
  };
  add('the HTTP proxy (HTTPPROXY_LISTENING_ADDRESS)', 'HTTPPROXY_LISTENING_ADDRESS', 'HTTPPROXY');
  add('Shadowsocks (SHADOWSOCKS_LISTENING_ADDRESS)', 'SHADOWSOCKS_LISTENING_ADDRESS', 'SHADOWSOCKS');
  add('the control server (HTTP_CONTROL_SERVER_ADDRESS)', 'HTTP_CONTROL_SERVER_ADDRESS');
  add('the health server (HEALTH_SERVER_ADDRESS)', 'HEALTH_SERVER_ADDRESS');
  add('pprof (PPROF_HTTP_SERVER_ADDRESS)', 'PPROF_HTTP_SERVER_ADDRESS', 'PPROF_ENABLED');
  return out;
}

const describe = (ls: Listen[]) => ls.map((l) => `${l.host || '*'}:${l.port} (${l.what})`).join(', ');

export function checkGluetunPods(ctx: LintContext): void {
  for (const g of gluetunContainers(ctx)) {
    const { obj } = g.pod;
    const at = (path: (string | number)[]) => lineAt(obj, [...g.path, ...path]);
    const report = (rule: string, line: number, message: string) => ctx.report(rule, obj.file, line, `${obj.kind}/${obj.metadata.name} container ${g.container.name}: ${message}`);
    const ls = listening(g);
    const control = parseAddress(g.get('HTTP_CONTROL_SERVER_ADDRESS'));
    const inputPorts = new Set((g.get('FIREWALL_INPUT_PORTS') ?? '').split(',').map((p) => Number(p.trim())).filter(Boolean));
    const reachable = (port: number) => ls.some((l) => l.port === port && !isLoopback(l.host));

    // Services selecting this pod.
    for (const svc of ctx.objects.filter((o) => o.kind === 'Service' && o.metadata.namespace === g.pod.namespace)) {
      const spec = svc.spec as { selector?: Record<string, string>; ports?: { port: number; targetPort?: string | number }[] };
      if (!spec.selector || !selectorMatches(spec.selector, g.pod.labels)) continue;
      (spec.ports ?? []).forEach((p, i) => {
        const target = resolvePort(g.pod, p.targetPort ?? p.port);
        if (!target) return; // k8s/service-target-port reports it
        const port = target.port.containerPort;
        const line = lineAt(svc, ['spec', 'ports', i]);
        const say = (rule: string, message: string) => ctx.report(rule, svc.file, line, `Service ${svc.metadata.name} port ${p.port}: ${message}`);
        if (target.container === g.container) {
          if (control && port === control.port) say('gluetun/control-server-exposed', `targets gluetun's control server (${port}); never expose it through a Service.`);
          else if (!reachable(port)) say('gluetun/port-not-listening', `gluetun does not listen on ${port} beyond loopback; it listens on ${describe(ls) || 'nothing configured'}.`);
        }
        if (!inputPorts.has(port)) say('gluetun/firewall-input-ports', `${port} is not in FIREWALL_INPUT_PORTS of ${g.container.name}; gluetun's firewall drops connections from other nodes' pods. Add it.`);
      });
    }
    // Probes of every container in the pod come from the kubelet, through gluetun's firewall.
    for (const c of containers(g.pod)) {
      for (const { kind, probe } of probes(c.container)) {
        const p = probePort(probe);
        const resolved = p === undefined ? undefined : resolvePort(g.pod, p, c.container);
        if (!resolved) continue;
        const port = resolved.port.containerPort;
        const line = lineAt(obj, [...c.path, kind]);
        if (c.container === g.container && !reachable(port)) report('gluetun/port-not-listening', line, `${kind} targets ${port}, where gluetun does not listen beyond loopback (${describe(ls)}). Use the exec probe /gluetun-entrypoint healthcheck.`);
        if (!inputPorts.has(port)) report('gluetun/firewall-input-ports', line, `${kind} of ${c.container.name} targets ${port}, which is not in FIREWALL_INPUT_PORTS; gluetun's firewall would drop the kubelet's probe.`);
      }
    }
    checkControlServer(ctx, g, control, inputPorts, report, at);
    checkDevices(g, report, at);
    checkLifecycle(ctx, g, report, at);
  }
}

type Report = (rule: string, line: number, message: string) => void;

function checkControlServer(ctx: LintContext, g: GluetunRef, control: { host: string; port: number } | undefined, inputPorts: Set<number>, report: Report, at: (p: (string | number)[]) => number): void {
  const role = g.env.get('HTTP_CONTROL_SERVER_AUTH_DEFAULT_ROLE');
  const authFile = g.has('HTTP_CONTROL_SERVER_AUTH_CONFIG_FILEPATH') || (g.container.volumeMounts ?? []).some((m) => m.mountPath.startsWith('/gluetun/auth') || m.mountPath === '/gluetun');
  const line = g.at('HTTP_CONTROL_SERVER_AUTH_DEFAULT_ROLE');
  if (!role && !authFile) {
    report('gluetun/control-server-auth', at(['env']), 'the control server has no auth; set HTTP_CONTROL_SERVER_AUTH_DEFAULT_ROLE to {"auth":"apikey","apikey":"$(KEY)"} with KEY from a Secret.');
  } else if (role?.value !== undefined) {
    let parsed: Record<string, unknown> | undefined;
    try {
      parsed = JSON.parse(role.value.replace(/\$\([A-Za-z_]\w*\)/g, 'x'));
    } catch {
      report('gluetun/control-server-auth', line, 'HTTP_CONTROL_SERVER_AUTH_DEFAULT_ROLE is not valid JSON; gluetun refuses to start.');
    }
    if (parsed) {
      const unknown = Object.keys(parsed).filter((k) => !['name', 'auth', 'apikey', 'username', 'password', 'routes'].includes(k));
      if (unknown.length) report('gluetun/control-server-auth', line, `HTTP_CONTROL_SERVER_AUTH_DEFAULT_ROLE has unknown field ${unknown[0]}; gluetun refuses unknown fields.`);
      else if (parsed.auth === 'none' || !['apikey', 'basic'].includes(String(parsed.auth))) report('gluetun/control-server-auth', line, `the default role's auth is "${String(parsed.auth)}"; use "apikey" (or "basic") so every route needs credentials.`);
      else if (parsed.auth === 'apikey' ? !parsed.apikey : !parsed.username || !parsed.password) report('gluetun/control-server-auth', line, `the default role's ${String(parsed.auth)} auth has no credentials.`);
      else if (role.value.replace(/\$\([A-Za-z_]\w*\)/g, '') === role.value) report('gluetun/secret-literal', line, 'the control-server credentials are literal; build the role from a Secret with $(VAR).');
    }
  }
  if (!control || isLoopback(control.host)) return;
  const policies = ctx.objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === g.pod.namespace && selectorMatches((o.spec as { podSelector?: LabelSelector }).podSelector, g.pod.labels));
  const ingress = policies.filter((p) => ((p.spec as { policyTypes?: string[] }).policyTypes ?? ['Ingress']).includes('Ingress'));
  const admits = (p: KubeObject) => ((p.spec as { ingress?: { ports?: { port?: unknown }[] }[] }).ingress ?? []).some((r) => !r.ports?.length || r.ports.some((x) => x.port === control.port || x.port === undefined));
  const where = g.at('HTTP_CONTROL_SERVER_ADDRESS');
  if (inputPorts.has(control.port)) report('gluetun/control-server-exposed', where, `FIREWALL_INPUT_PORTS opens the control server port ${control.port} to other pods.`);
  else if (!ingress.length) report('gluetun/control-server-exposed', where, `the control server listens on ${control.host || '*'}:${control.port} and no NetworkPolicy restricts ingress to this pod; bind it to 127.0.0.1 or add a policy.`);
  else if (ingress.some(admits)) report('gluetun/control-server-exposed', where, `a NetworkPolicy admits the control server port ${control.port}; admit only the proxy port.`);
}

function checkDevices(g: GluetunRef, report: Report, at: (p: (string | number)[]) => number): void {
  const sc = g.container.securityContext ?? {};
  const privileged = sc.privileged === true;
  const caps = (sc.capabilities?.add ?? []).map((c) => c.toUpperCase().replace(/^CAP_/, ''));
  if (!privileged && !caps.includes('NET_ADMIN')) report('gluetun/net-admin', at(['securityContext']), 'no NET_ADMIN capability; gluetun cannot set up routes and its firewall ("Are you passing NET_ADMIN capability to gluetun?"). Add securityContext.capabilities.add: [NET_ADMIN].');
  const volumes = new Map((g.pod.spec.volumes ?? []).map((v) => [v.name, v]));
  const tunMount = (g.container.volumeMounts ?? []).some((m) => m.mountPath === '/dev/net/tun' && volumes.get(m.name)?.hostPath?.path === '/dev/net/tun');
  const plugin = Object.keys(g.container.resources?.limits ?? {}).some((k) => /\/tun$/.test(k));
  if (!privileged && !tunMount && !plugin) report('gluetun/tun', at(['securityContext']), 'no access to /dev/net/tun; the runtime denies it by default ("operation not permitted"). Use privileged: true, a hostPath /dev/net/tun mount, or a TUN device plugin.');
}

function checkLifecycle(ctx: LintContext, g: GluetunRef, report: Report, at: (p: (string | number)[]) => number): void {
  const { obj } = g.pod;
  const others = containers(g.pod).filter((c) => c.container !== g.container);
  const c = g.container;
  if (g.init && c.restartPolicy !== 'Always') report('gluetun/native-sidecar', at(['name']), 'gluetun in initContainers never exits, so the pod never starts; add restartPolicy: Always to make it a native sidecar.');
  else if (others.length && !g.init) report('gluetun/native-sidecar', at(['name']), `gluetun starts alongside ${others.map((o) => o.container.name).join(', ')}, which may send traffic before the tunnel and kill switch are up; move it to initContainers with restartPolicy: Always and a startupProbe.`);
  else if (g.init && !c.startupProbe) report('gluetun/native-sidecar', at(['name']), 'a native sidecar without startupProbe lets the app start before the tunnel is up; add the exec startupProbe /gluetun-entrypoint healthcheck.');
  const health = probes(c).some(({ probe }) => (probe.exec?.command ?? []).join(' ').includes('healthcheck') || probePort(probe) === parseAddress(g.get('HEALTH_SERVER_ADDRESS'))?.port);
  if (!health) report('gluetun/health-probe', at(['name']), 'no probe on gluetun\'s health server; add an exec probe ["/gluetun-entrypoint", "healthcheck"] (startupProbe, readinessProbe).');
  const live = c.livenessProbe;
  if (live && (live.periodSeconds ?? 10) * (live.failureThreshold ?? 3) < 120) {
    report('gluetun/liveness-probe', at(['livenessProbe']), `the liveness probe kills gluetun after ${(live.periodSeconds ?? 10) * (live.failureThreshold ?? 3)} s of failures, shorter than gluetun's own VPN restart; allow at least 120 s.`);
  }
  const strategy = (obj.spec as { strategy?: { type?: string } }).strategy?.type ?? 'RollingUpdate';
  if (obj.kind === 'Deployment' && strategy !== 'Recreate') ctx.report('gluetun/strategy-recreate', obj.file, lineAt(obj, ['spec', 'strategy']), `Deployment/${obj.metadata.name}: strategy ${strategy}; gluetun pods should use Recreate (leftover ip rules, one VPN session at a time).`);
  if (g.pod.spec.enableServiceLinks !== false) {
    for (const svc of ctx.objects.filter((o) => o.kind === 'Service' && o.metadata.namespace === g.pod.namespace)) {
      const key = `${serviceEnvName(svc.metadata.name)}_PORT`;
      if (SERVICE_LINK_KEYS.includes(key)) report('gluetun/service-links', lineAt(obj, [...g.pod.base, 'spec']), `Service ${svc.metadata.name} injects ${key}=tcp://..., which gluetun parses as a port and fails on; set enableServiceLinks: false (or rename the Service).`);
    }
  }
}
