/**
 * Cross-object checks for the apps that use a shared proxy, and for Services across folders: what each file
 * alone gets right, but which together would leave an app unable to reach its proxy or reaching the wrong
 * one. The client label names a proxy; the app's egress NetworkPolicy must admit that proxy (and no other),
 * and all four proxy variables must point at it, so moving an app to another proxy is caught wherever one
 * of the places was forgotten.
 */
import { lineAt, type KubeObject } from '../inventory/manifests.ts';
import { proxyUrl } from '../inventory/facts.ts';
import { sharedProxies } from '../inventory/inventory.ts';
import { containers, podTemplates, selectorMatches, type LabelSelector, type PodTemplate } from './pods.ts';
import type { LintContext, Rule } from './types.ts';

const NP_DOCS = 'https://kubernetes.io/docs/concepts/services-networking/network-policies/';
export const PROXY_CLIENT_RULES: Rule[] = [
  {
    id: 'k8s/egress-policy-proxy',
    severity: 'error',
    description:
      "An egress NetworkPolicy on a proxy client (a workload of the inventory, or a pod with the client label) admits its proxy (workloads.egress, else the label's) and no other shared proxy; otherwise the app cannot reach its proxy at all.",
    source: NP_DOCS,
  },
  {
    id: 'k8s/proxy-env',
    severity: 'error',
    description:
      "HTTP_PROXY, HTTPS_PROXY, http_proxy and https_proxy are set together and each to the URL of the pod's proxy (workloads.egress, else the client label's); NO_PROXY and no_proxy agree (tools read one spelling or the other).",
    source: 'https://about.gitlab.com/blog/2021/01/27/we-need-to-talk-no-proxy/',
  },
  {
    id: 'k8s/service-selector-scope',
    severity: 'error',
    description:
      "A Service selects only pods of its own folder, so applying one app never routes its Service to another app's pods.",
    source: 'https://kubernetes.io/docs/concepts/services-networking/service/#defining-a-service',
  },
];

const folderOf = (o: KubeObject) => o.file.split('/')[1];
const PROXY_VARS = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'];

export function checkProxyClients(ctx: LintContext): void {
  const label = ctx.inv.vpn.client_label;
  const proxies = new Set(sharedProxies(ctx.inv).map((p) => p.name));
  const pods = podTemplates(ctx.objects);
  const proxyPods = pods.filter((p) => proxies.has(folderOf(p.obj)));
  // The proxy a pod must use: its workload's egress in the inventory, else the one its label names. Held to
  // the inventory, every place a move left behind (label, variables, egress policy) is named in one run.
  const wanted = (pod: PodTemplate) =>
    ctx.inv.workloads.find((w) => w.name === folderOf(pod.obj))?.egress ?? pod.labels[label];
  for (const pod of pods) {
    const proxy = wanted(pod);
    if (proxy !== undefined) checkEgress(ctx, pod, proxy, proxyPods);
    checkEnv(ctx, pod, proxy !== undefined && proxies.has(proxy) ? proxyUrl(ctx.inv, proxy) : undefined);
  }
  for (const svc of ctx.objects.filter((o) => o.kind === 'Service')) {
    const selector = (svc.spec as { selector?: Record<string, string> } | undefined)?.selector;
    if (!selector) continue;
    for (const other of pods.filter(
      (p) =>
        p.namespace === svc.metadata.namespace &&
        folderOf(p.obj) !== folderOf(svc) &&
        selectorMatches(selector, p.labels),
    )) {
      ctx.report(
        'k8s/service-selector-scope',
        svc.file,
        lineAt(svc, ['spec', 'selector']),
        `Service ${svc.metadata.name} also selects ${other.obj.kind}/${other.obj.metadata.name} of manifests/${folderOf(other.obj)}/; narrow its selector to this folder's pods (app.kubernetes.io/name: ${folderOf(svc)}).`,
      );
    }
  }
}

function checkEgress(ctx: LintContext, pod: PodTemplate, proxy: string, proxyPods: PodTemplate[]): void {
  const policies = ctx.objects.filter((o) => {
    const spec = o.spec as { podSelector?: LabelSelector; policyTypes?: string[] } | undefined;
    return (
      o.kind === 'NetworkPolicy' &&
      o.metadata.namespace === pod.namespace &&
      spec?.policyTypes?.includes('Egress') &&
      selectorMatches(spec.podSelector, pod.labels)
    );
  });
  for (const np of policies) {
    const rules =
      (np.spec as { egress?: { to?: { podSelector?: LabelSelector; namespaceSelector?: LabelSelector }[] }[] })
        .egress ?? [];
    const reached = rules
      .flatMap((r) => r.to ?? [])
      .filter((peer) => peer.podSelector && !peer.namespaceSelector)
      .flatMap((peer) =>
        proxyPods.filter((p) => p.namespace === pod.namespace && selectorMatches(peer.podSelector, p.labels)),
      );
    const names = [...new Set(reached.map((p) => folderOf(p.obj)))];
    const where = lineAt(np, ['spec', 'egress']);
    if (!names.includes(proxy)) {
      ctx.report(
        'k8s/egress-policy-proxy',
        np.file,
        where,
        `NetworkPolicy ${np.metadata.name} limits the egress of ${pod.obj.kind}/${pod.obj.metadata.name}, whose proxy is ${proxy}, but admits ${names.length ? names.join(', ') : 'no shared proxy'}; allow the pods of ${proxy} (app.kubernetes.io/name: ${proxy}) on port ${ctx.inv.vpn.http_proxy_port}.`,
      );
    }
    for (const other of names.filter((n) => n !== proxy)) {
      ctx.report(
        'k8s/egress-policy-proxy',
        np.file,
        where,
        `NetworkPolicy ${np.metadata.name} admits the shared proxy ${other}, but ${pod.obj.metadata.name}'s proxy is ${proxy}; remove ${other} (a leftover from a move?).`,
      );
    }
  }
}

function checkEnv(ctx: LintContext, pod: PodTemplate, url: string | undefined): void {
  for (const { container, path } of containers(pod)) {
    const env = new Map((container.env ?? []).map((e) => [e.name, e.value]));
    const set = PROXY_VARS.filter((n) => env.has(n));
    const line = lineAt(pod.obj, [...path, 'env']);
    const report = (message: string) =>
      ctx.report('k8s/proxy-env', pod.obj.file, line, `container ${container.name}: ${message}`);
    if (set.length && set.length < PROXY_VARS.length)
      report(
        `sets ${set.join(', ')} but not ${PROXY_VARS.filter((n) => !env.has(n)).join(', ')}; set all four to the same proxy URL (tools read one spelling or the other).`,
      );
    const values = [...new Set(set.map((n) => env.get(n)))];
    if (values.length > 1)
      report(
        `the proxy variables disagree (${set.map((n) => `${n}=${env.get(n) ?? '(from a reference)'}`).join(', ')}); set all four to the same URL.`,
      );
    if (url && set.length) {
      for (const n of set.filter((x) => env.get(x) !== url)) {
        // At the variable's own line, so each one left behind is named where it is.
        const i = (container.env ?? []).findIndex((e) => e.name === n);
        ctx.report(
          'k8s/proxy-env',
          pod.obj.file,
          lineAt(pod.obj, [...path, 'env', i, 'value']),
          `container ${container.name}: ${n} is ${JSON.stringify(env.get(n) ?? '(from a reference)')}; its proxy's URL is ${url} (src/data/network.yaml: workloads.egress, or the client label).`,
        );
      }
    }
    if ((env.has('NO_PROXY') || env.has('no_proxy')) && env.get('NO_PROXY') !== env.get('no_proxy'))
      report(
        `NO_PROXY is ${JSON.stringify(env.get('NO_PROXY') ?? '(unset)')} but no_proxy is ${JSON.stringify(env.get('no_proxy') ?? '(unset)')}; set both to the same list.`,
      );
  }
}
