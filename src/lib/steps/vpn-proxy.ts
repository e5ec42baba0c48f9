/**
 * What the proxy runbooks act on, read from the inventory and the bundled manifests (never typed twice):
 * per region, the objects `kubectl apply -k manifests/vpn-proxy-<region>` applies, the Secrets the
 * Deployment references but git does not hold (manifests/<app>/runbook-secrets.yaml), the gluetun
 * container's control-server settings, and the client label the NetworkPolicy admits.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../core/errors.ts';
import type { GluetunTarget } from '../clients/gluetun.ts';
import { apiKeyEnvOf } from '../clients/gluetun.ts';
import { sharedProxies, type Inventory } from '../inventory/inventory.ts';
import type { KubeJson, ObjectRef } from '../clients/kube.ts';
import { loadApp, type KubeObject, type LoadedApp } from '../inventory/manifests.ts';
import type { Secret } from '../core/secrets.ts';
import type { RunbookSetup } from '../harness/index.ts';
import type { EgressOptions } from './egress-checks.ts';

export interface ProxyTarget {
  region: string;
  name: string;
  country: string;
  namespace: string;
  app: LoadedApp;
  /**
   * The folder as an absolute path, for `kubectl apply -k` and `diff -k`: a runbook started from another
   * directory applies these manifests, not whatever `manifests/` is under the current directory.
   */
  kustomizeDir: string;
  /** The bundled objects, in kustomization order. */
  objects: ObjectRef[];
  deployment: ObjectRef;
  wireguardSecret: { name: string; key: string };
  controlSecret: { name: string; key: string };
  /** Where the operator's WireGuard key comes from: this variable, or <VAR>_FILE, or <VAR>_COMMAND. */
  keyEnv: string;
  gluetun: GluetunTarget;
  serviceUrl: string;
  clientLabel: { key: string; value: string };
}

export const keyEnvFor = (region: string) => `PROTONVPN_WG_KEY_${region.toUpperCase().replace(/-/g, '_')}`;
export const proxyRegions = (inv: Inventory) => sharedProxies(inv).map((p) => p.region!);

const ref = (o: KubeObject): ObjectRef => ({
  apiVersion: o.apiVersion,
  kind: o.kind,
  name: o.metadata.name,
  namespace: o.metadata.namespace,
});

type Container = {
  name: string;
  env?: Array<{ name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>;
};
type PodSpec = { containers?: Container[]; initContainers?: Container[] };

/** The gluetun container of a Deployment (a regular container, or a native sidecar in initContainers). */
export function gluetunContainer(deployment: KubeObject): Container | undefined {
  const spec = (deployment.spec as { template?: { spec?: PodSpec } })?.template?.spec;
  return [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])].find((c) => c.name === 'gluetun');
}

export function proxyTarget(inv: Inventory, region: string, root: string): ProxyTarget {
  const proxy = sharedProxies(inv).find((p) => p.region === region);
  if (!proxy)
    throw new InputError(
      `unknown region "${region}"; expected one of ${proxyRegions(inv).join(', ')} (src/data/network.yaml: vpn.deployments).`,
    );
  if (!existsSync(join(root, 'manifests', proxy.name))) {
    // A region added to the inventory whose manifests were never rendered: say so, not "no folder".
    const err = new InputError(
      `manifests/${proxy.name}/ does not exist yet: it is generated from the inventory (vpn.proxies region ${region}, ${inv.file}:${inv.lines[`vpn.proxies.${region}`] ?? 1}) by \`npm run generate\`.`,
      'E_NOT_GENERATED',
    );
    err.next = 'run `npm run generate`, check it with `npm run lint`, then run this again';
    throw err;
  }
  const app = loadApp(proxy.name, root);
  const deployment = app.objects.find((o) => o.kind === 'Deployment' && o.metadata.name === proxy.name);
  const policy = app.objects.find((o) => o.kind === 'NetworkPolicy');
  const svc = app.objects.find((o) => o.kind === 'Service');
  if (!deployment || !svc)
    throw new InputError(
      `manifests/${proxy.name} must bundle a Deployment and a Service named ${proxy.name}; run \`npm run lint\`.`,
    );
  const secretFor = (key: string) => {
    const s = app.runbookSecrets.find((x) => x.keys.includes(key));
    if (!s)
      throw new InputError(`manifests/${proxy.name}/runbook-secrets.yaml must declare a Secret with key "${key}".`);
    return { name: s.name, key };
  };
  const from =
    (policy?.spec as { ingress?: Array<{ from?: Array<{ podSelector?: { matchLabels?: Record<string, string> } }> }> })
      ?.ingress?.[0]?.from?.[0]?.podSelector?.matchLabels ?? {};
  const [labelKey, labelValue] = Object.entries(from)[0] ?? [inv.vpn.client_label, proxy.name];
  const port = (svc.spec as { ports?: Array<{ port: number }> }).ports?.[0]?.port ?? inv.vpn.http_proxy_port;
  const namespace = deployment.metadata.namespace ?? inv.kubernetes.namespace;
  return {
    region,
    name: proxy.name,
    country: proxy.country,
    namespace,
    app,
    kustomizeDir: join(root, app.dir),
    objects: app.objects.map(ref),
    deployment: ref(deployment),
    wireguardSecret: secretFor('wireguard_private_key'),
    controlSecret: secretFor('apikey'),
    keyEnv: keyEnvFor(region),
    gluetun: {
      resource: `deploy/${proxy.name}`,
      namespace,
      container: 'gluetun',
      port: inv.vpn.control_server_port,
      apiKeyEnv: apiKeyEnvOf(gluetunContainer(deployment)),
    },
    serviceUrl: `http://${svc.metadata.name}.${namespace}.svc:${port}`,
    clientLabel: { key: labelKey, value: labelValue },
  };
}

/** A Secret object as JSON for `kubectl apply -f -` (stdin only). `value` undefined = a placeholder for plans. */
export function secretManifest(
  t: ProxyTarget,
  which: 'wireguard' | 'control',
  value: Secret | string | undefined,
  labels: Record<string, string>,
): KubeJson {
  const s = which === 'wireguard' ? t.wireguardSecret : t.controlSecret;
  const raw = value === undefined ? undefined : typeof value === 'string' ? value : value.reveal();
  const placeholder =
    which === 'wireguard' ? `<WireGuard key from $${t.keyEnv}, base64>` : '<generated API key, base64>';
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: s.name, namespace: t.namespace, labels: { 'app.kubernetes.io/name': t.name, ...labels } },
    type: 'Opaque',
    // `data` (base64), not stringData: the live object stores data, so an unchanged key diffs as unchanged.
    data: { [s.key]: raw === undefined ? placeholder : Buffer.from(raw).toString('base64') },
  };
}

/** A fresh control-server API key: letters and digits only (runbook-secrets.yaml), 32 of them (~190 bits). */
export function newApiKey(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let key = '';
  // Rejection sampling: only bytes below 248 (= 4 x 62), so every character is equally likely.
  while (key.length < 32) for (const b of randomBytes(48)) if (b < 248 && key.length < 32) key += alphabet[b % 62];
  return key;
}

/** The value of a key in a live Secret, or undefined. */
export function secretValue(live: KubeJson | null | undefined, key: string): string | undefined {
  const b64 = (live?.data as Record<string, string> | undefined)?.[key];
  return b64 ? Buffer.from(b64, 'base64').toString('utf8') : undefined;
}

/** Flags every proxy runbook shares (besides the harness's own). */
export function proxyFlags(inv: Inventory, defaults: { echoUrl: string; probeImage: string }) {
  return [
    {
      name: 'region',
      type: 'string',
      multiple: true,
      valueName: 'REGION',
      choices: () => proxyRegions(inv),
      selects: true,
      description: 'Which shared proxy (repeat or comma-separate). Default: every shared proxy in the inventory.',
    },
    {
      name: 'echo-url',
      type: 'string',
      valueName: 'URL',
      default: defaults.echoUrl,
      description: "An IP-echo endpoint the probe pods fetch (it answers with the caller's IP as plain text).",
    },
    {
      name: 'probe-image',
      type: 'string',
      valueName: 'IMAGE',
      default: defaults.probeImage,
      description: 'Image of the throwaway probe pods (needs curl).',
    },
    {
      name: 'settle',
      type: 'string',
      valueName: 'SECONDS',
      default: '60',
      description: 'How long to wait for gluetun to report the VPN running and a public IP.',
    },
  ] as const;
}

export interface ProxyConfig {
  targets: ProxyTarget[];
  context: string;
  contextFromFlag: boolean;
  namespace: string;
  managedBy: string;
  partOf: string;
  /** Probe settings and the run's home-IP memo, shared by every proxy verified in the run. */
  egress: EgressOptions;
}

/** The flags of proxyFlags(), as the harness parses them. */
export interface ProxyArgs {
  region?: string[];
  echoUrl: string;
  probeImage: string;
  settle: string;
}

/**
 * Resolves flags against the inventory and the manifests of the run's setup (config step); bad values are
 * InputErrors (exit 2). No --region means every shared proxy; an empty one never gets here (flags.ts).
 */
export function proxyConfig(setup: RunbookSetup, args: ProxyArgs, contextFlag: string | undefined): ProxyConfig {
  const inv = setup.inventory;
  const regions: string[] = args.region?.length ? [...new Set<string>(args.region)] : proxyRegions(inv);
  const settleS = Number(args.settle);
  if (!Number.isInteger(settleS) || settleS < 0)
    throw new InputError(`--settle ${args.settle}: expected a whole number of seconds (0 or more).`);
  if (!/^https?:\/\/\S+$/.test(args.echoUrl ?? ''))
    throw new InputError(`--echo-url ${args.echoUrl}: expected an http(s) URL such as https://api.ipify.org.`);
  return {
    targets: regions.map((r) => proxyTarget(inv, r, setup.manifestsRoot)),
    context: contextFlag ?? inv.kubernetes.context,
    contextFromFlag: contextFlag !== undefined,
    namespace: inv.kubernetes.namespace,
    managedBy: inv.kubernetes.labels.managed_by,
    partOf: inv.kubernetes.labels.part_of,
    egress: {
      echoUrl: args.echoUrl,
      probeImage: args.probeImage,
      settleS,
      managedBy: inv.kubernetes.labels.managed_by,
      partOf: inv.kubernetes.labels.part_of,
      home: {},
    },
  };
}
