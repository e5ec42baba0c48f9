/**
 * Phase 3 (runbooks/phase3-migrate-marmithon.mjs), the parts that run no command: which bundled objects are
 * applied and recorded, what a recorded object looks like in the plan, how a record is restored, and the
 * script that checks egress from inside the marmithon pod.
 */
import { z } from 'zod';
import { InputError } from '../../src/lib/core/errors.ts';
import type { Inventory } from '../../src/lib/inventory/inventory.ts';
import { reapplyable, refName, type KubeJson, type ObjectRef } from '../../src/lib/clients/kube.ts';
import {
  appliedFiles,
  loadApp,
  toManifest,
  type KubeObject,
  type LoadedApp,
} from '../../src/lib/inventory/manifests.ts';
import { proxyTarget, type ProxyTarget } from '../../src/lib/steps/vpn-proxy.ts';

/**
 * Set on the bundled Deployment while its image is a placeholder that can never be pulled
 * (manifests/marmithon/deployment.yaml).
 */
export const PLACEHOLDER_ANNOTATION = 'avalanche.network/placeholder-image';
/** kubectl's client-side apply keeps a full copy of the object here; it is noise in a record and in the plan. */
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
/** Environment variable names whose values the plan does not print (the record keeps them, 0600). */
const PRIVATE_ENV = /pass|secret|token|key|auth|cred|cookie|sasl/i;
export const HIDDEN = '(recorded, not shown)';

export interface MarmithonConfig {
  workload: string;
  app: LoadedApp;
  proxy: ProxyTarget;
  /** The bundled objects, in kustomization order. */
  objects: KubeObject[];
  /** The exact text sent to `kubectl apply -f -`: the bundled resource files, in order, as they are on disk. */
  manifest: string;
  deployment: ObjectRef;
  container: string;
  /** Objects recorded before the change and restored by --rollback: all but the shared Namespace. */
  recorded: ObjectRef[];
  /** The placeholder image, while the bundled Deployment still carries it. */
  placeholder?: string;
}

export const RUNBOOK = 'phase3-migrate-marmithon';

const ref = (o: KubeObject): ObjectRef => ({
  apiVersion: o.apiVersion,
  kind: o.kind,
  name: o.metadata.name,
  namespace: o.metadata.namespace,
});

/** The shared proxy the inventory names for the workload (workloads[].egress), as the inventory states it. */
export function egressProxy(inv: Inventory, workload = WORKLOAD): { name: string; region: string; country: string } {
  const w = inv.workloads.find((x) => x.name === workload);
  if (!w)
    throw new InputError(
      `the inventory has no workload "${workload}" (workloads[].name); expected it with its egress proxy.`,
    );
  const proxy = inv.vpn.deployments.find((d) => d.name === w.egress);
  if (!proxy?.region || proxy.pattern !== 'shared-proxy')
    throw new InputError(
      `workload ${workload}: egress "${w.egress}" is not a shared proxy with a region in the inventory (vpn.deployments).`,
    );
  return { name: proxy.name, region: proxy.region, country: proxy.country };
}

/** The workload this runbook moves (its folder manifests/<name>, its entry in workloads[]). */
export const WORKLOAD = 'marmithon';

export function marmithonConfig(inv: Inventory, root: string, workload = WORKLOAD): MarmithonConfig {
  const proxy = egressProxy(inv, workload);
  const app = loadApp(workload, root);
  const deployment = app.objects.find((o) => o.kind === 'Deployment' && o.metadata.name === workload);
  if (!deployment)
    throw new InputError(`manifests/${workload} must bundle a Deployment named ${workload}; run \`npm run lint\`.`);
  const containers =
    (deployment.spec as { template?: { spec?: { containers?: Array<{ name: string }> } } })?.template?.spec
      ?.containers ?? [];
  // Exactly what `kubectl apply -k manifests/<workload>` applies, the shared Namespace it includes too.
  const resources = appliedFiles(app, root);
  return {
    workload,
    app,
    proxy: proxyTarget(inv, proxy.region, root),
    objects: app.objects,
    manifest: resources.map((f) => f.text.replace(/\n*$/, '\n')).join('---\n'),
    deployment: ref(deployment),
    container: containers[0]?.name ?? workload,
    recorded: app.objects.filter((o) => o.kind !== 'Namespace').map(ref),
    placeholder: deployment.metadata.annotations?.[PLACEHOLDER_ANNOTATION],
  };
}

// ---- the record -------------------------------------------------------------------------------------

const refSchema = z.strictObject({
  apiVersion: z.string().optional(),
  kind: z.string().min(1),
  name: z.string().min(1),
  namespace: z.string().optional(),
});
const liveSchema = z.looseObject({
  apiVersion: z.string(),
  kind: z.string(),
  metadata: z.looseObject({ name: z.string() }),
});
export const marmithonRecord = z.strictObject({
  context: z.string().min(1),
  objects: z.array(z.strictObject({ ref: refSchema, live: liveSchema.nullable() })),
});
export type MarmithonRecord = z.infer<typeof marmithonRecord>;
export type RecordedObject = MarmithonRecord['objects'][number];

/**
 * A live object as recorded: fit to put back with `kubectl replace` (server-set fields and the last-applied copy
 * removed).
 */
export function recordable(live: KubeJson): KubeJson {
  const obj = reapplyable(live);
  const annotations = { ...(obj.metadata.annotations as Record<string, string> | undefined) };
  delete annotations[LAST_APPLIED];
  // Set by the Deployment controller on every rollout, so never part of what is restored or compared.
  for (const k of Object.keys(annotations)) if (k.startsWith('deployment.kubernetes.io/')) delete annotations[k];
  const metadata = { ...obj.metadata };
  if (Object.keys(annotations).length) metadata.annotations = annotations;
  else delete metadata.annotations;
  return { ...obj, metadata } as KubeJson;
}

type PodSpecEnv = {
  containers?: Array<{ env?: Array<{ name: string; value?: string }> }>;
  initContainers?: Array<{ env?: Array<{ name: string; value?: string }> }>;
};
const envEntries = (obj: KubeJson) => {
  const pod = (obj.spec as { template?: { spec?: PodSpecEnv } } | undefined)?.template?.spec;
  return [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])].flatMap((c) => c.env ?? []);
};

/** Inline values of private-looking environment variables (IRC_PASSWORD...): masked in all output and reports. */
export function privateValues(obj: KubeJson | null | undefined): string[] {
  return obj
    ? envEntries(obj)
        .filter((e) => e.value !== undefined && PRIVATE_ENV.test(e.name))
        .map((e) => e.value!)
    : [];
}

/** The recorded object as the plan shows it: private-looking environment values replaced by a note. */
export function forDisplay(obj: KubeJson): KubeJson {
  const copy = structuredClone(obj);
  for (const e of envEntries(copy)) if (e.value !== undefined && PRIVATE_ENV.test(e.name)) e.value = HIDDEN;
  return copy;
}

/** Field managers other than ours and kubectl's own: a GitOps controller or Helm would revert the change. */
export function otherManagers(live: KubeJson | null | undefined, ours: string): string[] {
  const fields = (live?.metadata.managedFields as Array<{ manager?: string }> | undefined) ?? [];
  const mine = new Set([
    ours,
    'kubectl',
    'kubectl-client-side-apply',
    'kubectl-edit',
    'kubectl-replace',
    'kubectl-create',
    'kubectl-rollout',
    'kube-controller-manager',
    'before-first-apply',
  ]);
  return [...new Set(fields.map((f) => f.manager ?? '').filter((m) => m && !mine.has(m)))];
}

/** Why the bundled Deployment cannot be applied over the live one (spec.selector is immutable), or undefined. */
export function selectorConflict(live: KubeJson | null | undefined, bundled: KubeObject): string | undefined {
  if (!live) return undefined;
  const a = canonical((live.spec as { selector?: unknown })?.selector);
  const b = canonical((bundled.spec as { selector?: unknown })?.selector);
  return a === b
    ? undefined
    : `the live Deployment selects ${a}, the bundled one ${b}; spec.selector cannot change in place`;
}

export type RestoreOp =
  | { op: 'replace'; ref: ObjectRef; object: KubeJson }
  | { op: 'delete'; ref: ObjectRef }
  | { op: 'keep'; ref: ObjectRef };

/**
 * What --rollback does for each recorded object, given what is live now (undefined: not read, under --dry-run).
 * `redact` is the run's redactor: live objects were read through it, so the record is compared as it would read.
 */
export function restoreOps(
  record: MarmithonRecord,
  live: Map<string, KubeJson | null | undefined>,
  redact: (text: string) => string = (t) => t,
): RestoreOp[] {
  return [...record.objects].reverse().map(({ ref: r, live: before }) => {
    const now = live.get(refName(r));
    if (before === null) return now === null ? { op: 'keep', ref: r } : { op: 'delete', ref: r };
    return now !== undefined && now !== null && sameConfig(now, asRead(before as KubeJson, redact))
      ? { op: 'keep', ref: r }
      : { op: 'replace', ref: r, object: before as KubeJson };
  });
}

/** The object as it reads through the run's redactor (masked private values), for comparing with a live read. */
export function asRead(obj: KubeJson, redact: (text: string) => string): KubeJson {
  return JSON.parse(redact(JSON.stringify(obj))) as KubeJson;
}

/** Same configuration: labels, annotations we record, and spec (what replace restores). */
export function sameConfig(live: KubeJson, recorded: KubeJson): boolean {
  const view = (o: KubeJson) => {
    const r = recordable(o);
    return canonical({
      labels: r.metadata.labels ?? {},
      annotations: r.metadata.annotations ?? {},
      spec: r.spec ?? null,
    });
  };
  return view(live) === view(recorded);
}

/** JSON with sorted keys, so two servers' field orders compare equal. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v ?? null);
}

export const asManifest = (o: KubeObject) => toManifest(o) as KubeJson;

// ---- egress from inside the pod ---------------------------------------------------------------------

/**
 * Run in the bot's container as `sh -c SCRIPT sh MODE PROXY URL` (arguments travel as $1..$3, never spliced
 * into the script). `proxy`: fetch URL through PROXY; `direct`: fetch it with every proxy variable unset,
 * which the NetworkPolicy must block. curl first, else busybox wget; 127 when the image has neither.
 */
export const EGRESS_SCRIPT =
  'mode=$1 proxy=$2 url=$3; unset HTTP_PROXY HTTPS_PROXY http_proxy https_proxy; ' +
  'if command -v curl >/dev/null 2>&1; then if [ "$mode" = direct ]; then exec curl -sS --max-time 10 --noproxy "*" "$url"; fi; exec curl -sS --max-time 20 --proxy "$proxy" "$url"; fi; ' +
  'if command -v wget >/dev/null 2>&1; then if [ "$mode" = proxy ]; then export http_proxy="$proxy" https_proxy="$proxy"; fi; exec wget -qO- -T 15 "$url"; fi; ' +
  'echo "neither curl nor wget in this container" >&2; exit 127';

export const NO_TOOL_CODES = [126, 127];
