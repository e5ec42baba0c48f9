/**
 * Agreement between the bundled manifests and the inventory (src/data/network.yaml), the one place each
 * network fact lives: app folders, countries, provider and image, namespace and labels, ports, the proxy
 * client label, and the policy tests covering the LAN. A fact changed in one place fails CI until the other
 * follows.
 */
import { cidrContains, parseIPv4 } from '../core/net.ts';
import { hostAddress } from '../inventory/derive.ts';
import { lineAt, type KubeObject } from '../inventory/manifests.ts';
import { gluetunContainers, type GluetunRef } from './gluetun-ref.ts';
import { parseAddress } from './gluetun-pod.ts';
import { containers, podTemplates } from './pods.ts';
import { splitHostPort } from './tailscale-eval.ts';
import { POLICY_FILE, type ParsedPolicy } from './tailscale.ts';
import type { LintContext, Rule } from './types.ts';

const INV = 'src/data/network.yaml';
export const INVENTORY_RULES: Rule[] = [
  {
    id: 'inventory/app-folders',
    severity: 'error',
    description:
      'Every VPN deployment and workload of the inventory has its folder under manifests/, the subnet router and the tailnet policy have theirs, and no other folder exists.',
    source: INV,
  },
  {
    id: 'inventory/pattern',
    severity: 'error',
    description:
      'A shared proxy folder has a gluetun Deployment, Service and NetworkPolicy; a sidecar folder runs gluetun next to its app.',
    source: INV,
  },
  {
    id: 'inventory/country',
    severity: 'error',
    description: "gluetun's SERVER_COUNTRIES is exactly the inventory's country for that deployment.",
    source: INV,
  },
  {
    id: 'inventory/vpn-settings',
    severity: 'error',
    description: 'Provider, VPN type, port forwarding and gluetun image match the inventory.',
    source: INV,
  },
  {
    id: 'inventory/namespace',
    severity: 'error',
    description: "Every namespaced object is in the inventory's namespace.",
    source: INV,
  },
  {
    id: 'inventory/labels',
    severity: 'error',
    description: "app.kubernetes.io/part-of and managed-by have the inventory's values.",
    source: INV,
  },
  {
    id: 'inventory/ports',
    severity: 'error',
    description:
      'The HTTP proxy, control server and health server ports, and the proxy Service port, match the inventory.',
    source: INV,
  },
  {
    id: 'inventory/client-label',
    severity: 'error',
    description:
      "A shared proxy admits only pods with the inventory's client label naming it, and each workload carries that label and uses http://<proxy>.<namespace>.svc:<port> as its proxy.",
    source: INV,
  },
  {
    id: 'inventory/policy-tests',
    severity: 'error',
    description:
      "The policy's tests assert that a member reaches the LAN DNS server on 53 and another LAN address, so losing LAN access fails the tests.",
    source: INV,
  },
];

export function checkInventory(ctx: LintContext, policy: ParsedPolicy | undefined): void {
  const { inv } = ctx;
  const at = ctx.inventoryFile;
  const folders = ctx.apps.map((a) => a.app);
  // The shared namespace's folder (manifests/namespace, generated) belongs to every app.
  const expected = [...inv.vpn.deployments.map((d) => d.name), ...inv.workloads.map((w) => w.name)];
  const shared = ['namespace'];
  const router = inv.tailnet.hosts.find((h) => h.role === 'subnet-router')?.name;
  const lineOf = (name: string) =>
    inv.lines[`vpn.sidecars.${name}`] ??
    inv.lines[`vpn.proxies.${name.replace(/^vpn-proxy-/, '')}`] ??
    inv.lines[`workloads.${name}`] ??
    1;
  for (const name of expected)
    if (!folders.includes(name))
      ctx.report(
        'inventory/app-folders',
        at,
        lineOf(name),
        `the inventory names "${name}" but manifests/${name}/ does not exist${name.startsWith('vpn-proxy-') ? '; run npm run generate' : ''}.`,
      );
  for (const app of ctx.apps.filter(
    (a) => a.kind === 'kubernetes' && !expected.includes(a.app) && !shared.includes(a.app),
  )) {
    ctx.report(
      'inventory/app-folders',
      `${app.dir}/kustomization.yaml`,
      1,
      `${app.app} is not in the inventory (vpn.proxies, vpn.sidecars or workloads); add it there or remove the folder (a removed region: npm run generate removes its folder).`,
    );
  }
  for (const [kind, name] of [
    ['routy', router],
    ['tailscale', 'tailscale'],
  ] as const) {
    const app = ctx.apps.find((a) => a.kind === kind);
    if (!app)
      ctx.report(
        'inventory/app-folders',
        at,
        inv.lines[kind === 'routy' ? `tailnet.hosts.${name}` : 'tailnet'] ?? 1,
        `no manifests/${kind}/ folder for ${kind === 'routy' ? `the subnet router ${name}` : 'the tailnet policy'}.`,
      );
    else if (kind === 'routy' && app.app !== name)
      ctx.report(
        'inventory/app-folders',
        app.dir,
        1,
        `the subnet router is "${name}" in the inventory, but its folder is ${app.app}.`,
      );
  }
  const gluetuns = gluetunContainers(ctx);
  for (const d of inv.vpn.deployments)
    checkDeployment(
      ctx,
      d,
      gluetuns.filter((g) => g.pod.obj.file.split('/')[1] === d.name),
    );
  for (const obj of ctx.objects) checkObject(ctx, obj);
  checkClients(ctx);
  if (policy) checkPolicyTests(ctx, policy);
}

function checkDeployment(
  ctx: LintContext,
  d: LintContext['inv']['vpn']['deployments'][number],
  gs: GluetunRef[],
): void {
  const { inv } = ctx;
  const app = ctx.apps.find((a) => a.app === d.name);
  if (!app) return;
  const g = gs[0];
  if (!g)
    return ctx.report(
      'inventory/pattern',
      `${app.dir}/kustomization.yaml`,
      1,
      `${d.name} is a gluetun ${d.pattern} in the inventory, but no object runs ${inv.vpn.image}.`,
    );
  const file = g.pod.obj.file;
  const report = (rule: string, name: string, message: string) =>
    ctx.report(rule, file, g.at(name), `${d.name}: ${message}`);
  const kinds = new Set(app.objects.map((o) => o.kind));
  const others = containers(g.pod).filter((c) => c.container !== g.container);
  if (d.pattern === 'shared-proxy' && !['Deployment', 'Service', 'NetworkPolicy'].every((k) => kinds.has(k))) {
    ctx.report(
      'inventory/pattern',
      file,
      g.pod.obj.line,
      `a shared proxy needs a Deployment, a Service and a NetworkPolicy; found ${[...kinds].join(', ')}.`,
    );
  }
  if (d.pattern === 'sidecar' && !others.length)
    ctx.report(
      'inventory/pattern',
      file,
      g.pod.obj.line,
      `${d.name} is a sidecar in the inventory, but gluetun runs alone in its pod.`,
    );
  const countries = g.get('SERVER_COUNTRIES');
  if (countries === undefined || countries.trim().toLowerCase() !== d.country.toLowerCase()) {
    report(
      'inventory/country',
      'SERVER_COUNTRIES',
      `SERVER_COUNTRIES is "${countries ?? '(unset)'}"; the inventory says ${d.country}.`,
    );
  }
  const same = (a: string | undefined, b: string) => (a ?? '').trim().toLowerCase() === b.toLowerCase();
  if (!same(g.get('VPN_SERVICE_PROVIDER'), inv.vpn.provider))
    report(
      'inventory/vpn-settings',
      'VPN_SERVICE_PROVIDER',
      `VPN_SERVICE_PROVIDER is "${g.get('VPN_SERVICE_PROVIDER')}"; the inventory says ${inv.vpn.provider}.`,
    );
  if (!same(g.get('VPN_TYPE'), inv.vpn.type))
    report(
      'inventory/vpn-settings',
      'VPN_TYPE',
      `VPN_TYPE is "${g.get('VPN_TYPE')}"; the inventory says ${inv.vpn.type}.`,
    );
  const forwarding = ['on', 'yes', 'true', 'enabled'].includes(
    (g.get('VPN_PORT_FORWARDING') ?? 'off').trim().toLowerCase(),
  );
  if (forwarding !== d.port_forwarding)
    report(
      'inventory/vpn-settings',
      'VPN_PORT_FORWARDING',
      `VPN_PORT_FORWARDING is ${forwarding ? 'on' : 'off'}; the inventory says port_forwarding: ${d.port_forwarding}.`,
    );
  if (g.container.image !== inv.vpn.image)
    ctx.report(
      'inventory/vpn-settings',
      file,
      lineAt(g.pod.obj, [...g.path, 'image']),
      `${d.name}: image ${g.container.image}; the inventory pins ${inv.vpn.image}.`,
    );
  const port = (name: string) => parseAddress(g.get(name))?.port;
  const checks: [string, number | undefined, number][] = [
    ['HTTP_CONTROL_SERVER_ADDRESS', port('HTTP_CONTROL_SERVER_ADDRESS'), inv.vpn.control_server_port],
    ['HEALTH_SERVER_ADDRESS', port('HEALTH_SERVER_ADDRESS'), inv.vpn.health_server_port],
  ];
  if (d.pattern === 'shared-proxy')
    checks.push(['HTTPPROXY_LISTENING_ADDRESS', port('HTTPPROXY_LISTENING_ADDRESS'), inv.vpn.http_proxy_port]);
  for (const [name, found, want] of checks)
    if (found !== want)
      report('inventory/ports', name, `${name} port is ${found ?? '(unset)'}; the inventory says ${want}.`);
  if (d.pattern === 'shared-proxy') {
    for (const svc of app.objects.filter((o) => o.kind === 'Service')) {
      const ports = ((svc.spec as { ports?: { port: number }[] }).ports ?? []).map((p) => p.port);
      if (!ports.includes(inv.vpn.http_proxy_port))
        ctx.report(
          'inventory/ports',
          svc.file,
          lineAt(svc, ['spec', 'ports']),
          `Service ${svc.metadata.name} does not offer port ${inv.vpn.http_proxy_port} (vpn.http_proxy_port).`,
        );
    }
  }
}

function checkObject(ctx: LintContext, obj: KubeObject): void {
  const { namespace, labels } = ctx.inv.kubernetes;
  const ns = obj.kind === 'Namespace' ? obj.metadata.name : obj.metadata.namespace;
  if (ns !== undefined && ns !== namespace)
    ctx.report(
      'inventory/namespace',
      obj.file,
      lineAt(obj, obj.kind === 'Namespace' ? ['metadata', 'name'] : ['metadata', 'namespace']),
      `${obj.kind}/${obj.metadata.name} is in namespace "${ns}"; the inventory says ${namespace}.`,
    );
  const all = [
    { l: obj.metadata.labels, path: ['metadata', 'labels'] as (string | number)[] },
    ...podTemplates([obj]).map((p) => ({ l: p.labels, path: [...p.base, 'metadata', 'labels'] })),
  ];
  for (const { l, path } of all) {
    for (const [key, want] of [
      ['app.kubernetes.io/part-of', labels.part_of],
      ['app.kubernetes.io/managed-by', labels.managed_by],
    ]) {
      if (l?.[key] !== undefined && l[key] !== want)
        ctx.report(
          'inventory/labels',
          obj.file,
          lineAt(obj, [...path, key]),
          `${key} is "${l[key]}"; the inventory says ${want}.`,
        );
    }
  }
}

function checkClients(ctx: LintContext): void {
  const { inv } = ctx;
  const label = inv.vpn.client_label;
  for (const d of inv.vpn.deployments.filter((x) => x.pattern === 'shared-proxy')) {
    for (const np of ctx.objects.filter((o) => o.kind === 'NetworkPolicy' && o.file.split('/')[1] === d.name)) {
      const peers = (
        (np.spec as { ingress?: { from?: { podSelector?: { matchLabels?: Record<string, string> } }[] }[] }).ingress ??
        []
      ).flatMap((r) => r.from ?? [{}]);
      const wrong = peers.filter((p) => p.podSelector?.matchLabels?.[label] !== d.name);
      if (!peers.length || wrong.length)
        ctx.report(
          'inventory/client-label',
          np.file,
          lineAt(np, ['spec', 'ingress']),
          `NetworkPolicy ${np.metadata.name} must admit only pods labelled ${label}: ${d.name} (vpn.client_label).`,
        );
    }
  }
  for (const w of inv.workloads) {
    const url = `http://${w.egress}.${inv.kubernetes.namespace}.svc:${inv.vpn.http_proxy_port}`;
    for (const pod of podTemplates(ctx.objects).filter((p) => p.obj.file.split('/')[1] === w.name)) {
      if (pod.labels[label] !== w.egress)
        ctx.report(
          'inventory/client-label',
          pod.obj.file,
          lineAt(pod.obj, [...pod.base, 'metadata', 'labels']),
          `${w.name} must carry the label ${label}: ${w.egress} to use its proxy (workloads.egress).`,
        );
      for (const { container, path } of containers(pod)) {
        const env = new Map((container.env ?? []).map((e) => [e.name, e.value]));
        for (const name of ['HTTPS_PROXY', 'HTTP_PROXY']) {
          if (env.get(name) !== url)
            ctx.report(
              'inventory/client-label',
              pod.obj.file,
              lineAt(pod.obj, [...path, 'env']),
              `container ${container.name}: ${name} is "${env.get(name) ?? '(unset)'}"; expected ${url}.`,
            );
        }
      }
    }
  }
}

function checkPolicyTests(ctx: LintContext, parsed: ParsedPolicy): void {
  const { policy } = parsed;
  const { subnet, dns_server } = ctx.inv.lan;
  const resolve = (host: string) => (parseIPv4(host) !== undefined ? host : policy.hosts?.[host]);
  const accepts = (policy.tests ?? [])
    .filter((t) => typeof t.src === 'string' && t.src.includes('@'))
    .flatMap((t) => (t.accept ?? t.allow ?? []).map((d) => ({ proto: t.proto ?? 'tcp', hp: splitHostPort(d) })));
  const dns = accepts.some((a) => a.hp && resolve(a.hp.host) === dns_server && a.hp.port === '53');
  const lan = accepts.some(
    (a) => a.hp && resolve(a.hp.host) !== dns_server && cidrContains(subnet, resolve(a.hp.host) ?? ''),
  );
  if (!dns)
    ctx.report(
      'inventory/policy-tests',
      POLICY_FILE,
      parsed.lineOf(['tests']),
      `no test asserts that a member reaches the LAN DNS server ${dns_server}:53 (lan.dns_server); add one so a grant change cannot silently break .internal names.`,
    );
  if (!lan)
    ctx.report(
      'inventory/policy-tests',
      POLICY_FILE,
      parsed.lineOf(['tests']),
      `no test asserts that a member reaches a LAN address in ${subnet} other than the DNS server; add one (e.g. "${hostAddress(subnet, 10)}:443").`,
    );
}
