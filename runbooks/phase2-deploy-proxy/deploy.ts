/**
 * Planning and applying one shared proxy (phase2-deploy-proxy.mjs): the two Secrets the Deployment
 * references (built here, sent on stdin), then the bundled folder with `kubectl apply -k`, server-side,
 * under the runbooks' field manager. Every object's state before the change is read first, so each
 * change carries an exact undo (delete what was created, re-apply what was updated).
 */
import { AvalancheError } from '../../src/lib/core/errors.ts';
import { CommandError } from '../../src/lib/core/exec.ts';
import {
  type Kube,
  type KubeJson,
  type ObjectRef,
  applyAdvice,
  appliedObjects,
  diffObjects,
  reapplyable,
  refName,
} from '../../src/lib/clients/kube.ts';
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
  /** What that List applies: the Namespace when it is absent, then the two Secrets. */
  secrets: PlannedObject[];
  /** The folder's objects (without the Namespace when the List creates it). */
  objects: PlannedObject[];
  /** The Namespace object, when absent (a server dry run can validate only it: see applyProxy). */
  namespaceDoc?: string;
  changes: number;
}

const same = (a: ObjectRef, b: ObjectRef) =>
  a.kind === b.kind && a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '');

export async function planProxy(
  ctx: StepContext<unknown, unknown>,
  kube: Kube,
  t: ProxyTarget,
  o: { nsExists: boolean | undefined; key: Secret | undefined; labels: Record<string, string> },
): Promise<ProxyPlan> {
  const wgRef: ObjectRef = { apiVersion: 'v1', kind: 'Secret', name: t.wireguardSecret.name, namespace: t.namespace };
  const ctlRef: ObjectRef = { apiVersion: 'v1', kind: 'Secret', name: t.controlSecret.name, namespace: t.namespace };
  const read = async (ref: ObjectRef) => (o.nsExists ? kube.get(ref) : o.nsExists === false ? null : undefined);
  const before = new Map<string, KubeJson | null | undefined>();
  for (const ref of [...t.objects, wgRef, ctlRef]) {
    const live = await read(ref);
    before.set(refName(ref), live);
    // A live Secret holds key material (perhaps an older key): hide every value it carries.
    if (live && ref.kind === 'Secret')
      for (const v of Object.keys((live.data as object) ?? {})) ctx.mask(secretValue(live, v) ?? '', '[secret]');
  }
  // The control-server API key is ours to make: reuse the live one so a second run changes nothing.
  let apiKey = secretValue(before.get(refName(ctlRef)), t.controlSecret.key);
  if (!apiKey && before.get(refName(ctlRef)) !== undefined) apiKey = newApiKey();
  if (apiKey) ctx.mask(apiKey, `[secret ${t.controlSecret.name}]`);
  const nsObject = t.app.objects.find((x) => x.kind === 'Namespace');
  const createNs = o.nsExists === false && nsObject !== undefined;
  const items = [
    ...(createNs ? [stripLocation(nsObject)] : []),
    secretManifest(t, 'wireguard', o.key, o.labels),
    secretManifest(t, 'control', apiKey, o.labels),
  ];
  const secretsDoc = JSON.stringify({ apiVersion: 'v1', kind: 'List', items }, null, 2);

  let changed: ObjectRef[] | undefined;
  // nsExists undefined: --dry-run read nothing, so the diffs a real run makes are listed (they run nothing here).
  if (o.nsExists === undefined)
    ctx.log(`would run kubectl diff for ${t.name} (a real run does when namespace ${t.namespace} exists):`);
  if (o.nsExists !== false) {
    const k = await kube.diff({ kustomize: t.kustomizeDir });
    const s = await kube.diff({ stdin: secretsDoc });
    if (k && s) {
      changed = [];
      for (const [d, refs, what] of [
        [k, t.objects, t.app.dir],
        [s, [wgRef, ctlRef], 'the Secrets'],
      ] as const) {
        // The exit status says whether anything differs; the output (the diff tool's) may say what.
        if (!d.changed) continue;
        const named = diffObjects(d.text);
        if (!named.length)
          ctx.log(
            `kubectl diff found differences in ${what} (exit 1), and its output names no object (KUBECTL_EXTERNAL_DIFF=${ctx.env.KUBECTL_EXTERNAL_DIFF ?? ''}): every object there is applied`,
          );
        changed.push(...(named.length ? named : refs));
      }
      const text = `${k.text}${s.text}`.trim();
      if (text) ctx.show(`kubectl diff (${t.name}):`, text);
    }
  }
  const plan = (ref: ObjectRef): PlannedObject => {
    const was = before.get(refName(ref));
    const action: Action =
      was === null
        ? 'create'
        : changed === undefined
          ? 'unknown'
          : changed.some((c) => same(c, ref))
            ? 'update'
            : 'unchanged';
    return { ref, action, before: was };
  };
  const nsRef = createNs ? t.objects.find((r) => r.kind === 'Namespace') : undefined;
  const objects = t.objects.filter((r) => r !== nsRef).map(plan);
  const secrets = [...(nsRef ? [nsRef] : []), wgRef, ctlRef].map(plan);
  const all = [...objects, ...secrets];
  for (const p of all)
    ctx.log(
      `${{ create: '+ create', update: '~ update', unchanged: '= unchanged', unknown: '? apply' }[p.action]} ${refName(p.ref)}`,
    );
  const namespaceDoc = createNs ? JSON.stringify(stripLocation(nsObject)) : undefined;
  return {
    target: t,
    secretsDoc,
    secrets,
    objects,
    namespaceDoc,
    changes: all.filter((p) => p.action !== 'unchanged').length,
  };
}

const verbOf = (p: PlannedObject) =>
  p.action === 'create' ? 'created' : p.action === 'update' ? 'updated' : 'applied';
const summaryOf = (p: PlannedObject) =>
  `${verbOf(p)} ${refName(p.ref)}${p.ref.kind === 'Namespace' ? ' (kept by --rollback: it is shared)' : ''}`;

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

/**
 * Applies one source (the Secrets' List, or the folder) as a change recorded before it is made: if kubectl
 * fails part-way, the objects it printed as applied are marked done and the others stay "attempted"
 * (perhaps applied: a dropped connection hides what the server did); all are undone on a rollback.
 */
async function applyObjects(
  ctx: StepContext<unknown, unknown>,
  kube: Kube,
  what: string,
  source: { kustomize: string } | { stdin: string },
  list: PlannedObject[],
): Promise<void> {
  const changing = list.filter((x) => x.action !== 'unchanged');
  await ctx.change(
    changing.map((p) => ({ summary: summaryOf(p), undo: undoFor(kube, p) })),
    async (done) => {
      try {
        const r = await kube.apply(source);
        if (r.ran && r.stdout.trim()) ctx.log(r.stdout.trim().split('\n').join('; '));
      } catch (err) {
        if (!(err instanceof CommandError)) throw err;
        for (const a of appliedObjects(err.stdout)) {
          const p = changing.find((x) => x.ref.kind.toLowerCase() === a.kind && x.ref.name === a.name);
          if (p) done(summaryOf(p));
        }
        ctx.fail({
          code: 'E_APPLY_REJECTED',
          expected: `the API server to accept ${what}`,
          found: err.message,
          next: `${applyAdvice(err.message)}; what was applied before the failure is listed below`,
        });
      }
    },
  );
}

/**
 * `--dry-run=server`: the API server validates without persisting. A Namespace created in that dry run does
 * not exist for the objects after it, so on a first deployment only the Namespace can be validated; the rest
 * is said, not failed (it was validated offline by `npm run lint`).
 */
async function checkProxy(ctx: StepContext<unknown, unknown>, kube: Kube, plan: ProxyPlan): Promise<void> {
  const t = plan.target;
  const check = async (what: string, source: { kustomize: string } | { stdin: string }) => {
    try {
      const r = await kube.apply(source, { check: true });
      if (r.ran && r.stdout.trim()) ctx.log(r.stdout.trim().split('\n').join('; '));
    } catch (err) {
      if (!(err instanceof AvalancheError)) throw err;
      ctx.fail({
        code: 'E_APPLY_REJECTED',
        expected: `the API server to accept ${what}`,
        found: err.message,
        next: applyAdvice(err.message),
      });
    }
  };
  if (plan.namespaceDoc) {
    await check(`the Namespace ${t.namespace}`, { stdin: plan.namespaceDoc });
    ctx.log(
      `namespace ${t.namespace} does not exist yet, so the server cannot validate the objects in it without creating it; a real run creates it first. They were checked offline (npm run lint).`,
    );
    return;
  }
  await check(`the Secrets of ${t.name}`, { stdin: plan.secretsDoc });
  await check(`manifests/${t.name}`, { kustomize: t.kustomizeDir });
  ctx.log('the API server accepted every object (server-side dry run); nothing was persisted');
}

export async function applyProxy(
  ctx: StepContext<unknown, unknown>,
  kube: Kube,
  plan: ProxyPlan,
  o: { rolloutTimeoutS: number },
): Promise<void> {
  const t = plan.target;
  if (ctx.dryRun === 'server') {
    // Listed as planned changes ("Would change (n)"), in the order a real run makes them; nothing is recorded.
    const changing = [...plan.secrets, ...plan.objects].filter((p) => p.action !== 'unchanged');
    return ctx.change(
      changing.map((p) => ({ summary: summaryOf(p) })),
      () => checkProxy(ctx, kube, plan),
    );
  }
  await applyObjects(ctx, kube, `the Secrets of ${t.name}`, { stdin: plan.secretsDoc }, plan.secrets);
  await applyObjects(ctx, kube, `manifests/${t.name}`, { kustomize: t.kustomizeDir }, plan.objects);
  const deployment = plan.objects.find((p) => same(p.ref, t.deployment));
  // A Secret referenced through env is read when the container starts: a new key needs a restart.
  if (deployment?.action === 'unchanged' && plan.secrets.some((s) => s.action === 'update')) {
    await ctx.change(`restarted ${refName(t.deployment)} to load the new key`, () => kube.rolloutRestart(t.deployment));
  }
  try {
    await ctx.wait(`rollout of ${t.name} (up to ${o.rolloutTimeoutS} s)`, () =>
      kube.rolloutStatus(t.deployment, o.rolloutTimeoutS),
    );
  } catch (err) {
    if (!(err instanceof AvalancheError)) throw err;
    ctx.fail({
      code: 'E_ROLLOUT',
      expected: `Deployment ${t.name} rolled out within ${o.rolloutTimeoutS} s`,
      found: err.message,
      next: `look at why: kubectl --context ${kube.context} -n ${t.namespace} describe pods -l app.kubernetes.io/name=${t.name}; kubectl --context ${kube.context} -n ${t.namespace} logs ${t.gluetun.resource} -c gluetun`,
    });
  }
}
