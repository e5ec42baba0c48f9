/**
 * Scenario rules for a fake `kubectl` answering in kubectl's real formats (`-o json` objects as the API
 * server returns them, kubectl's own messages), plus gluetun's control-server JSON reached through
 * `kubectl exec` (gluetun v3.41.1's control server, https://github.com/qdm12/gluetun/tree/v3.41.1/internal/server) and probe pods started with `kubectl run`.
 * Addresses are from the documentation ranges (RFC 5737): 198.51.100.0/24 plays the VPN, 203.0.113.0/24 home.
 */
import type { Answer, Rule } from './run-runbook.ts';

export const VPN_IP = '198.51.100.24';
export const HOME_IP = '203.0.113.77';

const clientVersion = {
  major: '1',
  minor: '33',
  gitVersion: 'v1.33.1',
  gitCommit: '8adc0f041b8e7ad1d30e29cc59c6ae7a15e19828',
  gitTreeState: 'clean',
  buildDate: '2025-05-15T08:19:07Z',
  goVersion: 'go1.24.2',
  compiler: 'gc',
  platform: 'linux/amd64',
};
const serverVersion = {
  ...clientVersion,
  gitVersion: 'v1.33.2',
  gitCommit: 'a57b6f7709f6c2722b92f07b8b4c48210a51fc40',
};

export interface ClusterOptions {
  current?: string;
  contexts?: string[];
  unreachable?: boolean;
  /** Does the namespace exist? (true: answered with a real Namespace object). */
  namespace?: boolean;
}

/** version, contexts, the API server, the namespace. */
export function cluster(o: ClusterOptions = {}): Rule[] {
  const ns = o.namespace ?? true;
  return [
    { tool: 'kubectl', match: ['version', '--client'], stdout: { clientVersion, kustomizeVersion: 'v5.6.0' } },
    { tool: 'kubectl', match: ['config', 'current-context'], stdout: `${o.current ?? 'avalanche'}\n` },
    {
      tool: 'kubectl',
      match: ['config', 'get-contexts'],
      stdout: `${(o.contexts ?? ['avalanche', 'kind-dev']).join('\n')}\n`,
    },
    o.unreachable
      ? {
          tool: 'kubectl',
          match: ['version', '--request-timeout=10s'],
          code: 1,
          stdout: { clientVersion, kustomizeVersion: 'v5.6.0' },
          stderr: 'The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?\n',
        }
      : {
          tool: 'kubectl',
          match: ['version', '--request-timeout=10s'],
          stdout: { clientVersion, kustomizeVersion: 'v5.6.0', serverVersion },
        },
    { tool: 'kubectl', match: ['get', 'namespace', 'vpn-egress'], stdout: ns ? namespaceJson('vpn-egress') : '' },
  ];
}

const meta = (name: string, namespace?: string) => ({
  name,
  ...(namespace ? { namespace } : {}),
  uid: '6f1e8c1c-2f0d-4a6b-9a55-0c7d2b1e9f10',
  resourceVersion: '48213',
  creationTimestamp: '2026-01-10T09:12:44Z',
  labels: { 'app.kubernetes.io/part-of': 'avalanche-network', 'app.kubernetes.io/managed-by': 'avalanche-runbooks' },
  managedFields: [
    {
      manager: 'avalanche-runbooks',
      operation: 'Apply',
      apiVersion: 'v1',
      time: '2026-01-10T09:12:44Z',
      fieldsType: 'FieldsV1',
      fieldsV1: {},
    },
  ],
});

export function namespaceJson(name: string) {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: meta(name),
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

export function deploymentJson(name: string, namespace: string, available = true) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { ...meta(name, namespace), generation: 1, annotations: { 'deployment.kubernetes.io/revision': '1' } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { 'app.kubernetes.io/name': name } },
      strategy: { type: 'Recreate' },
    },
    status: {
      observedGeneration: 1,
      replicas: 1,
      updatedReplicas: 1,
      ...(available ? { readyReplicas: 1, availableReplicas: 1 } : { unavailableReplicas: 1 }),
      conditions: [
        available
          ? {
              type: 'Available',
              status: 'True',
              lastUpdateTime: '2026-01-10T09:13:30Z',
              lastTransitionTime: '2026-01-10T09:13:30Z',
              reason: 'MinimumReplicasAvailable',
              message: 'Deployment has minimum availability.',
            }
          : {
              type: 'Available',
              status: 'False',
              lastUpdateTime: '2026-01-10T09:13:30Z',
              lastTransitionTime: '2026-01-10T09:13:30Z',
              reason: 'MinimumReplicasUnavailable',
              message: 'Deployment does not have minimum availability.',
            },
        {
          type: 'Progressing',
          status: 'True',
          lastUpdateTime: '2026-01-10T09:13:30Z',
          lastTransitionTime: '2026-01-10T09:12:44Z',
          reason: 'NewReplicaSetAvailable',
          message: `ReplicaSet "${name}-7c9d8f6b5d" has successfully progressed.`,
        },
      ],
    },
  };
}

export function secretJson(name: string, namespace: string, data: Record<string, string>) {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: meta(name, namespace),
    type: 'Opaque',
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  };
}

export interface GluetunState {
  status?: string;
  country?: string;
  publicIp?: string;
  port?: number;
  /** Make the control server refuse the key (a 401: GNU wget exits 6). */
  unauthorized?: boolean;
}

/** gluetun's control server (through `kubectl exec ... -c gluetun -- sh -c 'wget ...' sh <path>`). */
export function gluetun(resource: string, g: GluetunState = {}): Rule[] {
  const exec = (path: string, answer: Answer): Rule => ({
    tool: 'kubectl',
    match: ['exec', resource, '-c', 'gluetun', path],
    ...answer,
  });
  if (g.unauthorized)
    return [
      exec('/v1/vpn/status', {
        code: 6,
        stderr: 'Username/Password Authentication Failed.\ncommand terminated with exit code 6\n',
      }),
    ];
  return [
    exec('/v1/vpn/status', { stdout: `${JSON.stringify({ status: g.status ?? 'running' })}\n` }),
    exec('/v1/publicip/ip', {
      stdout: `${JSON.stringify({ public_ip: g.publicIp ?? VPN_IP, region: 'Capital Region', country: g.country ?? 'Iceland', city: 'Reykjavik', hostname: 'node-is-01.protonvpn.net', location: '64.1355,-21.8954', organization: 'AS62371 Proton AG', postal_code: '101', timezone: 'Atlantic/Reykjavik' })}\n`,
    }),
    // v3.41.1 shape (internal/server/portforward.go): {"port":N}
    exec('/v1/portforward', { stdout: `${JSON.stringify({ port: g.port ?? 0 })}\n` }),
  ];
}

export interface ProbeAnswers {
  client?: Answer;
  unlabelled?: Answer;
  direct?: Answer;
}

/** Probe pods (`kubectl run avalanche-probe-<who>-<what>-<hex> ...`) and their deletion. */
export function probes(who: string, p: ProbeAnswers = {}): Rule[] {
  const run = (what: string, answer: Answer): Rule => ({
    tool: 'kubectl',
    match: ['run', `/^avalanche-probe-${who}-${what}-[0-9a-f]{6}$/`],
    ...answer,
  });
  return [
    run('client', p.client ?? { stdout: VPN_IP }),
    // A NetworkPolicy drops the SYN: curl times out (exit 28).
    run(
      'unlabelled',
      p.unlabelled ?? {
        code: 28,
        stderr:
          'curl: (28) Failed to connect to vpn-proxy-iceland.vpn-egress.svc port 8888 after 10002 ms: Timeout was reached\npod vpn-egress/x terminated (Error)\n',
      },
    ),
    run('direct', p.direct ?? { stdout: HOME_IP }),
    { tool: 'kubectl', match: ['delete', 'pod', `/^avalanche-probe-${who}-/`], stdout: '' },
  ];
}

/** Calls that started a probe pod, and calls that deleted one, by pod name. */
export function probePods(calls: Array<{ argv: string[] }>) {
  const name = (c: { argv: string[] }, verb: string) =>
    c.argv.includes(verb) ? c.argv.find((a) => a.startsWith('avalanche-probe-')) : undefined;
  return {
    started: calls.map((c) => name(c, 'run')).filter(Boolean) as string[],
    deleted: calls
      .filter((c) => c.argv.includes('delete') && c.argv.includes('pod'))
      .map((c) => name(c, 'delete'))
      .filter(Boolean) as string[],
  };
}
