/**
 * Planning and applying one shared proxy (phase2-deploy-proxy.mjs): the two Secrets the Deployment
 * references (built here, sent on stdin), then the bundled folder with `kubectl apply -k`, server-side,
 * under the runbooks' field manager. Every object's state before the change is read first, so each
 * change carries an exact undo (delete what was created, re-apply what was updated).
 */
import { AvalancheError } from '../../src/lib/core/errors.ts';
import { type Kube, type KubeJson, type ObjectRef, diffObjects, reapplyable, refName } from '../../src/lib/clients/kube.ts';
import type { StepContext } from '../../src/lib/harness/index.ts';
import type { Secret } from '../../src/lib/core/secrets.ts';
import { newApiKey, secretManifest, secretValue, type ProxyTarget } from '../../src/lib/steps/vpn-proxy.ts';

export type Action = 'create' | 'update' | 'unchanged' | 'unknown';
export interface PlannedObject {
  ref: ObjectRef;
  action: Action;
  /** The live object before the change (null: absent; undefined: not read, under --dry-run). */
  before: KubeJson | null | undefined;
}
export interface ProxyPlan {
  target: ProxyTarget;
  /** Namespace (only when absent) and the two Secrets, as one List for `kubectl apply -f -`. */
  secretsDoc: string;
  secrets: PlannedObject[];
  objects: PlannedObject[];
  changes: number;
}

const same = (a: ObjectRef, b: ObjectRef) => a.kind === b.kind && a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '');

export async function planProxy(ctx: StepContext, kube: Kube, t: ProxyTarget, o: { nsExists: boolean | undefined; key: Secret | undefined; labels: Record<string, string> }): Promise<ProxyPlan> {
  const wgRef: ObjectRef = { apiVersion: 'v1', kind: 'Secret', name: t.wireguardSecret.name, namespace: t.namespace };
  const ctlRef: ObjectRef = { apiVersion: 'v1', kind: 'Secret', name: t.controlSecret.name, namespace: t.namespace };
  const read = async (ref: ObjectRef) => (o.nsExists ? kube.get(ref) : o.nsExists === false ? null : undefined);
  const before = new Map<string, KubeJson | null | undefined>();
  for (const ref of [...t.objects, wgRef, ctlRef]) {
    const live = await read(ref);
    before.set(refName(ref), live);
    // A live Secret holds key material (perhaps an older key): hide every value it carries.
    if (live && ref.kind === 'Secret') for (const v of Object.keys((live.data as object) ?? {})) ctx.mask(secretValue(live, v) ?? '', '[secret]');
  }
  // The control-server API key is ours to make: reuse the live one so a second run changes nothing.
  let apiKey = secretValue(before.get(refName(ctlRef)), t.controlSecret.key);
  if (!apiKey && before.get(refName(ctlRef)) !== undefined) apiKey = newApiKey();
  if (apiKey) ctx.mask(apiKey, `[secret ${t.controlSecret.name}]`);
  const nsObject = t.app.objects.find((x) => x.kind === 'Namespace');
  const items = [
    ...(o.nsExists === false && nsObject ? [stripLocation(nsObject)] : []),
    secretManifest(t, 'wireguard', o.key, o.labels),
    secretManifest(t, 'control', apiKey, o.labels),
  ];
  const secretsDoc = JSON.stringify({ apiVersion: 'v1', kind: 'List', items }, null, 2);

  let changed: ObjectRef[] | undefined;
  if (o.nsExists) {
    const k = await kube.diff({ kustomize: t.app.dir });
    const s = await kube.diff({ stdin: secretsDoc });
    if (k && s) {
      changed = [...diffObjects(k.text), ...diffObjects(s.text)];
      const text = `${k.text}${s.text}`.trim();
      if (text) ctx.show(`kubectl diff (${t.name}):`, text);
    }
  }
  const plan = (ref: ObjectRef): PlannedObject => {
    const was = before.get(refName(ref));
    const action: Action = was === null ? 'create' : changed === undefined ? 'unknown' : changed.some((c) => same(c, ref)) ? 'update' : 'unchanged';
    return { ref, action, before: was };
  };
  const objects = t.objects.map(plan);
  const secrets = [wgRef, ctlRef].map(plan);
  const all = [...objects, ...secrets];
  for (const p of all) ctx.log(`${{ create: '+ create', update: '~ update', unchanged: '= unchanged', unknown: '? apply' }[p.action]} ${refName(p.ref)}`);
  return { target: t, secretsDoc, secrets, objects, changes: all.filter((p) => p.action !== 'unchanged').length };
}

function stripLocation(o: { file?: string; line?: number; doc?: number } & Record<string, unknown>): KubeJson {
  const { file: _f, line: _l, doc: _d, ...rest } = o;
  return rest as KubeJson;
}

/** How to undo one applied object: delete it if it did not exist, else put back what was there. */
export function undoFor(kube: Kube, p: PlannedObject): (() => Promise<void>) | undefined {
  if (p.ref.kind === 'Namespace') return undefined; // shared by every app in it: never deleted by a runbook
  if (p.before === null) return async () => void (await kube.delete(p.ref));
  if (p.before) {
    const doc = JSON.stringify(reapplyable(p.before));
    return async () => void (await kube.apply({ stdin: doc }, { forceConflicts: true }));
  }
  return undefined;
}

export async function applyProxy(ctx: StepContext, kube: Kube, plan: ProxyPlan, o: { rolloutTimeoutS: number }): Promise<void> {
  const t = plan.target;
  const check = ctx.dryRun === 'server';
  const record = (list: PlannedObject[]) => {
    for (const p of list.filter((x) => x.action !== 'unchanged')) {
      ctx.change(`${p.action === 'create' ? 'created' : p.action === 'update' ? 'updated' : 'applied'} ${refName(p.ref)}`, undoFor(kube, p));
    }
  };
  const apply = async (what: string, source: { kustomize: string } | { stdin: string }) => {
    try {
      const r = await kube.apply(source, { check });
      if (r.ran && r.stdout.trim()) ctx.log(r.stdout.trim().split('\n').join('; '));
    } catch (err) {
      if (!(err instanceof AvalancheError)) throw err;
      ctx.fail({ code: 'E_APPLY_REJECTED', expected: `the API server to accept ${what}`, found: err.message, next: 'run `npm run lint`, fix the manifest it names, and run again; what was applied before is listed below' });
    }
  };
  await apply(`the Secrets of ${t.name}`, { stdin: plan.secretsDoc });
  if (!check) record(plan.secrets);
  await apply(`manifests/${t.name}`, { kustomize: t.app.dir });
  if (!check) record(plan.objects);
  if (check) {
    ctx.log('the API server accepted every object (server-side dry run); nothing was persisted');
    return;
  }
  const deployment = plan.objects.find((p) => same(p.ref, t.deployment));
  // A Secret referenced through env is read when the container starts: a new key needs a restart.
  if (deployment?.action === 'unchanged' && plan.secrets.some((s) => s.action === 'update')) {
    await kube.rolloutRestart(t.deployment);
    ctx.change(`restarted ${refName(t.deployment)} to load the new key`);
  }
  try {
    await ctx.wait(`rollout of ${t.name} (up to ${o.rolloutTimeoutS} s)`, () => kube.rolloutStatus(t.deployment, o.rolloutTimeoutS));
  } catch (err) {
    if (!(err instanceof AvalancheError)) throw err;
    ctx.fail({
      code: 'E_ROLLOUT',
      expected: `Deployment ${t.name} rolled out within ${o.rolloutTimeoutS} s`,
      found: err.message,
      next: `look at why: kubectl --context ${kube.context} -n ${t.namespace} describe pods -l app.kubernetes.io/name=${t.name}; kubectl -n ${t.namespace} logs ${t.gluetun.resource} -c gluetun`,
    });
  }
}
