/**
 * Cross-object Kubernetes rules: what the API server accepts without complaint but does nothing useful.
 * A Service that selects no pod, a named targetPort no container has, a NetworkPolicy that selects nothing,
 * a probe on a port nobody listens on, a Secret nobody creates: each is applied "successfully".
 * Objects of every bundled app are considered together, namespace by namespace.
 */
import { lineAt, type KubeObject, type LoadedApp, type PathKey } from '../inventory/manifests.ts';
import {
  containers,
  podTemplates,
  probePort,
  probes,
  resolvePort,
  selectorMatches,
  type LabelSelector,
  type PodTemplate,
} from './pods.ts';
import type { LintContext, Rule } from './types.ts';

const DOCS = 'https://kubernetes.io/docs/concepts/';
export const REF_RULES: Rule[] = [
  {
    id: 'k8s/selector-template',
    severity: 'error',
    description: "A workload's spec.selector selects its own pod template.",
    source: `${DOCS}workloads/controllers/deployment/#selector`,
  },
  {
    id: 'k8s/service-selector',
    severity: 'error',
    description:
      "A Service's selector matches a pod template in its namespace (Kubernetes accepts a Service that selects nothing).",
    source: `${DOCS}services-networking/service/#defining-a-service`,
  },
  {
    id: 'k8s/service-target-port',
    severity: 'error',
    description: 'Each Service targetPort is a port (by name or number) declared by a container of every selected pod.',
    source: `${DOCS}services-networking/service/#field-spec-ports`,
  },
  {
    id: 'k8s/networkpolicy-selector',
    severity: 'error',
    description:
      "A NetworkPolicy's podSelector, and the pod selectors of its egress destinations in bundled namespaces, match a pod template.",
    source: `${DOCS}services-networking/network-policies/`,
  },
  {
    id: 'k8s/networkpolicy-port',
    severity: 'error',
    description:
      'Ports a NetworkPolicy admits are declared by the pods it applies to (ingress) or reaches (egress to bundled pods).',
    source: `${DOCS}services-networking/network-policies/#behavior-of-to-and-from-selectors`,
  },
  {
    id: 'k8s/probe-port',
    severity: 'error',
    description: 'httpGet, tcpSocket and grpc probes target a port the container declares.',
    source: 'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/',
  },
  {
    id: 'k8s/secret-ref',
    severity: 'error',
    description:
      "Every referenced Secret (and key) is bundled or declared in the app's runbook-secrets.yaml as created by a runbook or by hand.",
    source: `${DOCS}configuration/secret/`,
  },
  {
    id: 'k8s/configmap-ref',
    severity: 'error',
    description: 'Every referenced ConfigMap (and key) is bundled in the same namespace.',
    source: `${DOCS}configuration/configmap/`,
  },
  {
    id: 'k8s/pvc-ref',
    severity: 'error',
    description: 'Every referenced PersistentVolumeClaim is bundled in the same namespace.',
    source: `${DOCS}storage/persistent-volumes/#claims-as-volumes`,
  },
  {
    id: 'k8s/runbook-secrets',
    severity: 'error',
    description: 'runbook-secrets.yaml is valid: each entry names the Secret, its keys, who creates it and why.',
    source: 'src/lib/inventory/manifests.ts',
  },
  {
    id: 'k8s/runbook-secret-unused',
    severity: 'warning',
    description:
      'A Secret declared in runbook-secrets.yaml is referenced by the app (otherwise a runbook creates it for nothing).',
    source: 'src/lib/inventory/manifests.ts',
  },
];

type Spec = Record<string, unknown>;
const spec = (o: KubeObject) => (o.spec ?? {}) as Spec;

export function checkRefs(ctx: LintContext): void {
  const pods = podTemplates(ctx.objects);
  const inNs = (ns: string | undefined) => pods.filter((p) => p.namespace === ns);
  for (const pod of pods) {
    const selector = (pod.obj.kind === 'CronJob' || pod.obj.kind === 'Job' ? undefined : spec(pod.obj).selector) as
      LabelSelector | undefined;
    if (selector && !selectorMatches(selector, pod.labels)) {
      ctx.report(
        'k8s/selector-template',
        pod.obj.file,
        lineAt(pod.obj, ['spec', 'selector']),
        `${pod.obj.kind}/${pod.obj.metadata.name}: spec.selector does not select the template's labels.`,
      );
    }
    checkProbes(ctx, pod);
  }
  for (const svc of ctx.objects.filter((o) => o.kind === 'Service'))
    checkService(ctx, svc, inNs(svc.metadata.namespace));
  for (const np of ctx.objects.filter((o) => o.kind === 'NetworkPolicy')) checkPolicy(ctx, np, pods);
  for (const app of ctx.apps) checkAppRefs(ctx, app, pods);
}

function checkService(ctx: LintContext, svc: KubeObject, pods: PodTemplate[]): void {
  const selector = spec(svc).selector as Record<string, string> | undefined;
  if (!selector) return; // no selector: endpoints are managed by hand
  const selected = pods.filter((p) => selectorMatches(selector, p.labels));
  if (!selected.length) {
    ctx.report(
      'k8s/service-selector',
      svc.file,
      lineAt(svc, ['spec', 'selector']),
      `Service ${svc.metadata.name} selects no pod in namespace ${svc.metadata.namespace}; expected labels of a bundled pod template (${JSON.stringify(selector)}).`,
    );
    return;
  }
  ((spec(svc).ports ?? []) as { port: number; targetPort?: string | number }[]).forEach((p, i) => {
    const target = p.targetPort ?? p.port;
    for (const pod of selected.filter((pod) => !resolvePort(pod, target))) {
      ctx.report(
        'k8s/service-target-port',
        svc.file,
        lineAt(svc, ['spec', 'ports', i, p.targetPort === undefined ? 'port' : 'targetPort']),
        `Service ${svc.metadata.name}: targetPort ${target} is not a port any container of ${pod.obj.kind}/${pod.obj.metadata.name} declares.`,
      );
    }
  });
}

function checkPolicy(ctx: LintContext, np: KubeObject, pods: PodTemplate[]): void {
  const ns = np.metadata.namespace;
  const bundledNs = ctx.objects
    .filter((o) => o.kind === 'Namespace')
    .map((o) => ({
      name: o.metadata.name,
      labels: { ...o.metadata.labels, 'kubernetes.io/metadata.name': o.metadata.name },
    }));
  const targets = pods.filter(
    (p) => p.namespace === ns && selectorMatches(spec(np).podSelector as LabelSelector, p.labels),
  );
  if (!targets.length) {
    ctx.report(
      'k8s/networkpolicy-selector',
      np.file,
      lineAt(np, ['spec', 'podSelector']),
      `NetworkPolicy ${np.metadata.name} selects no pod in namespace ${ns}; it protects nothing.`,
    );
  }
  for (const direction of ['ingress', 'egress'] as const) {
    const rules = (spec(np)[direction] ?? []) as { from?: Peer[]; to?: Peer[]; ports?: { port?: string | number }[] }[];
    rules.forEach((rule, r) => {
      const reached: PodTemplate[] = [];
      (rule.from ?? rule.to ?? []).forEach((peer, i) => {
        // Ingress peers are an allow-list that may name clients yet to come (the proxies' client label);
        // egress peers are destinations, which must exist.
        if (!peer.podSelector || direction === 'ingress') return;
        const namespaces = peer.namespaceSelector
          ? bundledNs.filter((n) => selectorMatches(peer.namespaceSelector, n.labels)).map((n) => n.name)
          : [ns];
        if (!namespaces.length) return; // peers outside the bundled namespaces (kube-system's DNS...) cannot be checked
        const matched = pods.filter(
          (p) => namespaces.includes(p.namespace!) && selectorMatches(peer.podSelector, p.labels),
        );
        reached.push(...matched);
        if (!matched.length) {
          const path: PathKey[] = ['spec', direction, r, 'to', i, 'podSelector'];
          ctx.report(
            'k8s/networkpolicy-selector',
            np.file,
            lineAt(np, path),
            `NetworkPolicy ${np.metadata.name}: ${direction} peer ${JSON.stringify(peer.podSelector)} matches no pod in ${namespaces.join(', ')}.`,
          );
        }
      });
      const portPods = direction === 'ingress' ? targets : reached;
      (rule.ports ?? []).forEach((p, i) => {
        if (p.port === undefined) return;
        for (const pod of portPods.filter((pod) => !resolvePort(pod, p.port!))) {
          ctx.report(
            'k8s/networkpolicy-port',
            np.file,
            lineAt(np, ['spec', direction, r, 'ports', i, 'port']),
            `NetworkPolicy ${np.metadata.name}: port ${p.port} is not declared by any container of ${pod.obj.kind}/${pod.obj.metadata.name}.`,
          );
        }
      });
    });
  }
}
interface Peer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
}

function checkProbes(ctx: LintContext, pod: PodTemplate): void {
  for (const { container, path } of containers(pod)) {
    for (const { kind, probe } of probes(container)) {
      const port = probePort(probe);
      if (port !== undefined && !resolvePort(pod, port, container)) {
        ctx.report(
          'k8s/probe-port',
          pod.obj.file,
          lineAt(pod.obj, [...path, kind]),
          `container ${container.name}: ${kind} targets port ${port}, which the container does not declare in ports.`,
        );
      }
    }
  }
}

function checkAppRefs(ctx: LintContext, app: LoadedApp, pods: PodTemplate[]): void {
  const declared = new Map(app.runbookSecrets.map((s) => [s.name, s]));
  const used = new Set<string>();
  for (const pod of pods.filter((p) => app.objects.includes(p.obj))) {
    const { obj } = pod;
    const bundled = (kind: string, name: string) =>
      ctx.objects.find((o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === pod.namespace);
    const ref = (kind: 'Secret' | 'ConfigMap', name: string, key: string | undefined, path: PathKey[]) => {
      const rule = kind === 'Secret' ? 'k8s/secret-ref' : 'k8s/configmap-ref';
      const found = bundled(kind, name);
      if (kind === 'Secret') used.add(name);
      if (found) {
        const keys = Object.keys({ ...(found.data as object), ...(found.stringData as object) });
        if (key && !keys.includes(key))
          ctx.report(rule, obj.file, lineAt(obj, path), `${kind} ${name} (${found.file}) has no key "${key}".`);
      } else if (kind === 'Secret' && declared.has(name)) {
        if (key && !declared.get(name)!.keys.includes(key))
          ctx.report(
            rule,
            obj.file,
            lineAt(obj, path),
            `Secret ${name} is declared in ${declared.get(name)!.file} without the key "${key}"; add it there so the runbook creates it.`,
          );
      } else {
        const how =
          kind === 'Secret'
            ? `bundle it, or declare it in ${app.dir}/runbook-secrets.yaml with the runbook that creates it`
            : 'bundle it in this app';
        ctx.report(
          rule,
          obj.file,
          lineAt(obj, path),
          `${kind} ${name} is referenced but not bundled in namespace ${pod.namespace}; ${how}.`,
        );
      }
    };
    for (const { container, path } of containers(pod)) {
      (container.env ?? []).forEach((e, i) => {
        const s = e.valueFrom?.secretKeyRef;
        const c = e.valueFrom?.configMapKeyRef;
        if (s) ref('Secret', s.name, s.key, [...path, 'env', i, 'valueFrom', 'secretKeyRef', 'name']);
        if (c) ref('ConfigMap', c.name, c.key, [...path, 'env', i, 'valueFrom', 'configMapKeyRef', 'name']);
      });
      (container.envFrom ?? []).forEach((e, i) => {
        if (e.secretRef) ref('Secret', e.secretRef.name, undefined, [...path, 'envFrom', i]);
        if (e.configMapRef) ref('ConfigMap', e.configMapRef.name, undefined, [...path, 'envFrom', i]);
      });
    }
    (pod.spec.volumes ?? []).forEach((v, i) => {
      const at: PathKey[] = [...pod.base, 'spec', 'volumes', i];
      if (v.secret?.secretName) ref('Secret', v.secret.secretName, undefined, at);
      if (v.configMap?.name) ref('ConfigMap', v.configMap.name, undefined, at);
      for (const src of v.projected?.sources ?? []) {
        if (src.secret) ref('Secret', src.secret.name, undefined, at);
        if (src.configMap) ref('ConfigMap', src.configMap.name, undefined, at);
      }
      if (v.persistentVolumeClaim && !bundled('PersistentVolumeClaim', v.persistentVolumeClaim.claimName)) {
        ctx.report(
          'k8s/pvc-ref',
          obj.file,
          lineAt(obj, at),
          `PersistentVolumeClaim ${v.persistentVolumeClaim.claimName} is referenced but not bundled in namespace ${pod.namespace}.`,
        );
      }
    });
    (pod.spec.imagePullSecrets ?? []).forEach((s, i) =>
      ref('Secret', s.name, undefined, [...pod.base, 'spec', 'imagePullSecrets', i]),
    );
  }
  for (const s of app.runbookSecrets.filter((s) => !used.has(s.name))) {
    ctx.report(
      'k8s/runbook-secret-unused',
      s.file,
      s.line,
      `Secret ${s.name} is declared but no object of ${app.app} references it; remove the entry.`,
    );
  }
}
