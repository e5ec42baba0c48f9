/**
 * Pod templates, containers, label selectors and ports, as the cross-object checks need them.
 * Label selector semantics: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors
 */
import type { KubeObject, PathKey } from '../inventory/manifests.ts';

export interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol?: string;
}
export interface Probe {
  exec?: { command?: string[] };
  httpGet?: { port: string | number; path?: string };
  tcpSocket?: { port: string | number };
  grpc?: { port: number };
  periodSeconds?: number;
  failureThreshold?: number;
  timeoutSeconds?: number;
}
export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string; optional?: boolean };
    configMapKeyRef?: { name: string; key: string; optional?: boolean };
  };
}
export interface Container {
  name: string;
  image?: string;
  restartPolicy?: string;
  env?: EnvVar[];
  envFrom?: { secretRef?: { name: string }; configMapRef?: { name: string } }[];
  ports?: ContainerPort[];
  startupProbe?: Probe;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  securityContext?: { privileged?: boolean; capabilities?: { add?: string[]; drop?: string[] } };
  resources?: { limits?: Record<string, unknown>; requests?: Record<string, unknown> };
  lifecycle?: { postStart?: { exec?: { command?: string[] } } };
  volumeMounts?: { name: string; mountPath: string }[];
}
export interface Volume {
  name: string;
  secret?: { secretName?: string; items?: { key: string }[] };
  configMap?: { name?: string; items?: { key: string }[] };
  persistentVolumeClaim?: { claimName: string };
  hostPath?: { path: string; type?: string };
  projected?: { sources?: { secret?: { name: string }; configMap?: { name: string } }[] };
}
export interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  volumes?: Volume[];
  enableServiceLinks?: boolean;
  imagePullSecrets?: { name: string }[];
}
export interface PodTemplate {
  obj: KubeObject;
  namespace: string | undefined;
  labels: Record<string, string>;
  /** Path from the object to the pod template's metadata and spec. */
  base: PathKey[];
  spec: PodSpec;
}
export interface ContainerRef {
  pod: PodTemplate;
  container: Container;
  /** Path from the object to this container. */
  path: PathKey[];
  init: boolean;
}

const TEMPLATE_PATHS: Record<string, PathKey[]> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

function dig(value: unknown, path: readonly PathKey[]): unknown {
  return path.reduce<unknown>(
    (v, k) => (v && typeof v === 'object' ? (v as Record<PathKey, unknown>)[k] : undefined),
    value,
  );
}

export function podTemplates(objects: readonly KubeObject[]): PodTemplate[] {
  const out: PodTemplate[] = [];
  for (const obj of objects) {
    const base = obj.kind === 'Pod' ? [] : TEMPLATE_PATHS[obj.kind];
    if (!base) continue;
    const template = (base.length ? dig(obj, base) : obj) as
      { metadata?: { labels?: Record<string, string> }; spec?: PodSpec } | undefined;
    if (!template?.spec) continue;
    out.push({
      obj,
      namespace: obj.metadata.namespace,
      labels: template.metadata?.labels ?? {},
      base,
      spec: template.spec,
    });
  }
  return out;
}

export function containers(pod: PodTemplate): ContainerRef[] {
  const list = (key: 'initContainers' | 'containers') =>
    (pod.spec[key] ?? []).map((container, i) => ({
      pod,
      container,
      path: [...pod.base, 'spec', key, i],
      init: key === 'initContainers',
    }));
  return [...list('initContainers'), ...list('containers')];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** True when the selector selects the labels. An empty selector selects everything. */
export function selectorMatches(
  selector: LabelSelector | Record<string, string> | undefined,
  labels: Record<string, string>,
): boolean {
  if (!selector) return true;
  const isStructured = 'matchLabels' in selector || 'matchExpressions' in selector;
  const matchLabels =
    (isStructured ? (selector as LabelSelector).matchLabels : (selector as Record<string, string>)) ?? {};
  const exprs = isStructured ? ((selector as LabelSelector).matchExpressions ?? []) : [];
  if (!Object.entries(matchLabels).every(([k, v]) => labels[k] === v)) return false;
  return exprs.every(({ key, operator, values = [] }) => {
    const has = Object.hasOwn(labels, key);
    if (operator === 'In') return has && values.includes(labels[key]);
    if (operator === 'NotIn') return !has || !values.includes(labels[key]);
    if (operator === 'Exists') return has;
    if (operator === 'DoesNotExist') return !has;
    return false;
  });
}

/** The container and port a Service targetPort or probe port names (by port name or number). */
export function resolvePort(
  pod: PodTemplate,
  port: string | number,
  only?: Container,
): { container: Container; port: ContainerPort } | undefined {
  const pool = only ? [only] : containers(pod).map((c) => c.container);
  for (const container of pool) {
    const found = (container.ports ?? []).find((p) =>
      typeof port === 'number' ? p.containerPort === port : p.name === port,
    );
    if (found) return { container, port: found };
  }
  return undefined;
}

/** Probes of a container with their field name. */
export function probes(
  container: Container,
): { kind: 'startupProbe' | 'readinessProbe' | 'livenessProbe'; probe: Probe }[] {
  return (['startupProbe', 'readinessProbe', 'livenessProbe'] as const)
    .filter((k) => container[k])
    .map((kind) => ({ kind, probe: container[kind]! }));
}

export function probePort(probe: Probe): string | number | undefined {
  return probe.httpGet?.port ?? probe.tcpSocket?.port ?? probe.grpc?.port;
}

/** Env var name as Kubernetes service links spell it: vpn-proxy -> VPN_PROXY. */
export function serviceEnvName(service: string): string {
  return service.toUpperCase().replace(/-/g, '_');
}
