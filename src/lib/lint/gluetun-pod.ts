/**
 * gluetun rules on the pod around it: what it listens on versus what Services and probes target, its
 * firewall's input ports, the control server's auth and exposure, and Kubernetes service links. The
 * container's privileges, sidecar shape, probes, restarts and memory: gluetun-runtime.ts.
 */
import { lineAt, type KubeObject } from '../inventory/manifests.ts';
import { gluetunContainers, type GluetunRef } from './gluetun-ref.ts';
import { decodeRole, ROLE_SOURCE } from './gluetun-role.ts';
import { GLUETUN_SRC, normalize, PORT_NUMBER_KEYS } from './gluetun-settings.ts';
import {
  containers,
  probePort,
  probes,
  resolvePort,
  selectorMatches,
  serviceEnvName,
  type LabelSelector,
} from './pods.ts';
import type { LintContext, Rule } from './types.ts';

const G = GLUETUN_SRC;
const W = 'https://github.com/qdm12/gluetun-wiki/blob/v3.41.0/';
export const GLUETUN_POD_RULES: Rule[] = [
  {
    id: 'gluetun/service-links',
    severity: 'error',
    description:
      'No Service in the namespace injects a variable gluetun parses as a port number (HTTPPROXY_PORT, VPN_ENDPOINT_PORT, ...; derived from the settings table) unless enableServiceLinks is false; gluetun would refuse to start on "tcp://ip:port".',
    source: 'https://github.com/qdm12/gluetun/issues/1725',
  },
  {
    id: 'gluetun/port-not-listening',
    severity: 'error',
    description:
      'Services and probes target only ports gluetun listens on beyond loopback (HTTP proxy on, Shadowsocks on, control server, health server on a non-loopback address).',
    source: `${G}internal/configuration/settings/httpproxy.go`,
  },
  {
    id: 'gluetun/firewall-input-ports',
    severity: 'error',
    description:
      "Ports other pods (through a Service) or the kubelet (probes) connect to are in FIREWALL_INPUT_PORTS. gluetun accepts other input only when its destination lies in a gateway-less route of the pod's interface, which holds with bridge CNIs (flannel) but not with Calico or Cilium, whose pods get a /32 and a link-local gateway.",
    source: `${G}internal/firewall/enable.go`,
  },
  {
    id: 'gluetun/control-server-auth',
    severity: 'error',
    description:
      'HTTP_CONTROL_SERVER_AUTH_DEFAULT_ROLE decodes as gluetun decodes it (JSON with only name, auth, apikey, username, password: a "routes" key is refused) and requires apikey or basic auth, or an auth file is mounted; without a role v3.41.1 serves PUT /v1/vpn/status to anyone.',
    source: ROLE_SOURCE,
  },
  {
    id: 'gluetun/control-server-exposed',
    severity: 'error',
    description:
      "The control server is not reachable from other pods: no Service targets it, FIREWALL_INPUT_PORTS does not open it, and off loopback a NetworkPolicy must keep it closed (gluetun's own firewall may accept it by destination).",
    source: `${W}setup/advanced/control-server.md`,
  },
];

interface Listen {
  what: string;
  host: string;
  port: number;
}
export function parseAddress(value: string | undefined): { host: string; port: number } | undefined {
  const m = /^(\[[^\]]*\]|[^:]*):(\d{1,5})$/.exec(normalize(value ?? ''));
  return m ? { host: m[1].replace(/^\[|\]$/g, ''), port: Number(m[2]) } : undefined;
}
export const isLoopback = (host: string) => host === 'localhost' || host === '::1' || host.startsWith('127.');

/** What gluetun listens on, from its settings (defaults included). */
export function listening(g: GluetunRef): Listen[] {
  const out: Listen[] = [];
  const add = (what: string, name: string, enabledBy?: string) => {
    if (enabledBy && g.on(enabledBy) !== true) return;
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
    const report = (rule: string, line: number, message: string) =>
      ctx.report(rule, obj.file, line, `${obj.kind}/${obj.metadata.name} container ${g.container.name}: ${message}`);
    const ls = listening(g);
    const control = parseAddress(g.get('HTTP_CONTROL_SERVER_ADDRESS'));
    const inputPorts = new Set(
      normalize(g.get('FIREWALL_INPUT_PORTS') ?? '')
        .split(',')
        .map(Number)
        .filter(Boolean),
    );
    const reachable = (port: number) => ls.some((l) => l.port === port && !isLoopback(l.host));

    // Services selecting this pod.
    for (const svc of ctx.objects.filter((o) => o.kind === 'Service' && o.metadata.namespace === g.pod.namespace)) {
      const spec = svc.spec as {
        selector?: Record<string, string>;
        ports?: { port: number; targetPort?: string | number }[];
      };
      if (!spec.selector || !selectorMatches(spec.selector, g.pod.labels)) continue;
      (spec.ports ?? []).forEach((p, i) => {
        const target = resolvePort(g.pod, p.targetPort ?? p.port);
        if (!target) return; // k8s/service-target-port reports it
        const port = target.port.containerPort;
        const line = lineAt(svc, ['spec', 'ports', i]);
        const say = (rule: string, message: string) =>
          ctx.report(rule, svc.file, line, `Service ${svc.metadata.name} port ${p.port}: ${message}`);
        if (target.container === g.container) {
          if (control && port === control.port)
            say(
              'gluetun/control-server-exposed',
              `targets gluetun's control server (${port}); never expose it through a Service.`,
            );
          else if (!reachable(port))
            say(
              'gluetun/port-not-listening',
              `gluetun does not listen on ${port} beyond loopback; it listens on ${describe(ls) || 'nothing configured'}.`,
            );
        }
        if (!inputPorts.has(port))
          say(
            'gluetun/firewall-input-ports',
            `${port} is not in FIREWALL_INPUT_PORTS of ${g.container.name}; gluetun's firewall drops connections from other nodes' pods. Add it.`,
          );
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
        if (c.container === g.container && !reachable(port))
          report(
            'gluetun/port-not-listening',
            line,
            `${kind} targets ${port}, where gluetun does not listen beyond loopback (${describe(ls)}). Use the exec probe /gluetun-entrypoint healthcheck.`,
          );
        if (!inputPorts.has(port))
          report(
            'gluetun/firewall-input-ports',
            line,
            `${kind} of ${c.container.name} targets ${port}, which is not in FIREWALL_INPUT_PORTS; gluetun's firewall would drop the kubelet's probe.`,
          );
      }
    }
    checkControlServer(ctx, g, control, inputPorts, report, at);
    checkServiceLinks(ctx, g, report);
  }
}

type Report = (rule: string, line: number, message: string) => void;

function checkControlServer(
  ctx: LintContext,
  g: GluetunRef,
  control: { host: string; port: number } | undefined,
  inputPorts: Set<number>,
  report: Report,
  at: (p: (string | number)[]) => number,
): void {
  const role = g.env.get('HTTP_CONTROL_SERVER_AUTH_DEFAULT_ROLE');
  const authFile =
    g.has('HTTP_CONTROL_SERVER_AUTH_CONFIG_FILEPATH') ||
    (g.container.volumeMounts ?? []).some((m) => m.mountPath.startsWith('/gluetun/auth') || m.mountPath === '/gluetun');
  const line = g.at('HTTP_CONTROL_SERVER_AUTH_DEFAULT_ROLE');
  if (!role && !authFile) {
    report(
      'gluetun/control-server-auth',
      at(['env']),
      'the control server has no auth; set HTTP_CONTROL_SERVER_AUTH_DEFAULT_ROLE to {"auth":"apikey","apikey":"$(KEY)"} with KEY from a Secret.',
    );
  } else if (role?.value !== undefined && role.value !== '') {
    const value = normalize(role.value, true);
    const { refused, role: decoded } = decodeRole(value.replace(/\$\([A-Za-z_]\w*\)/g, 'x'));
    const say = (message: string) =>
      report('gluetun/control-server-auth', line, `HTTP_CONTROL_SERVER_AUTH_DEFAULT_ROLE: ${message}.`);
    if (refused.length) refused.forEach(say);
    else if (!authFile && !['apikey', 'basic'].includes(decoded?.auth ?? ''))
      say(`auth is "${decoded?.auth ?? ''}"; use "apikey" (or "basic") so every route needs credentials`);
    else if (value.replace(/\$\([A-Za-z_]\w*\)/g, '') === value && decoded?.auth && decoded.auth !== 'none')
      report(
        'gluetun/secret-literal',
        line,
        'the control-server credentials are literal; build the role from a Secret with $(VAR).',
      );
  }
  if (!control || isLoopback(control.host)) return;
  const policies = ctx.objects.filter(
    (o) =>
      o.kind === 'NetworkPolicy' &&
      o.metadata.namespace === g.pod.namespace &&
      selectorMatches((o.spec as { podSelector?: LabelSelector }).podSelector, g.pod.labels),
  );
  const ingress = policies.filter((p) =>
    ((p.spec as { policyTypes?: string[] }).policyTypes ?? ['Ingress']).includes('Ingress'),
  );
  const admits = (p: KubeObject) =>
    ((p.spec as { ingress?: { ports?: { port?: unknown }[] }[] }).ingress ?? []).some(
      (r) => !r.ports?.length || r.ports.some((x) => x.port === control.port || x.port === undefined),
    );
  const where = g.at('HTTP_CONTROL_SERVER_ADDRESS');
  if (inputPorts.has(control.port))
    report(
      'gluetun/control-server-exposed',
      where,
      `FIREWALL_INPUT_PORTS opens the control server port ${control.port} to other pods.`,
    );
  else if (!ingress.length)
    report(
      'gluetun/control-server-exposed',
      where,
      `the control server listens on ${control.host || '*'}:${control.port} and no NetworkPolicy restricts ingress to this pod (gluetun's firewall accepts input by destination on bridge CNIs, whatever FIREWALL_INPUT_PORTS says); bind it to 127.0.0.1 or add a policy.`,
    );
  else if (ingress.some(admits))
    report(
      'gluetun/control-server-exposed',
      where,
      `a NetworkPolicy admits the control server port ${control.port}; admit only the proxy port.`,
    );
}

function checkServiceLinks(ctx: LintContext, g: GluetunRef, report: Report): void {
  if (g.pod.spec.enableServiceLinks === false) return;
  for (const svc of ctx.objects.filter((o) => o.kind === 'Service' && o.metadata.namespace === g.pod.namespace)) {
    const key = `${serviceEnvName(svc.metadata.name)}_PORT`;
    if (PORT_NUMBER_KEYS.includes(key))
      report(
        'gluetun/service-links',
        lineAt(g.pod.obj, [...g.pod.base, 'spec']),
        `Service ${svc.metadata.name} injects ${key}=tcp://..., which gluetun parses as a port number and refuses; set enableServiceLinks: false (or rename the Service).`,
      );
  }
}
