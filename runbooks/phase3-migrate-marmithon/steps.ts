/**
 * Phase 3's steps: precondition (the proxy marmithon will use passes the checks of verify-proxy), record of
 * marmithon's live configuration, server-side apply of manifests/marmithon, rollout. The egress check from
 * inside the pod: ./verify.ts; the rollback steps: ./rollback.ts.
 */
import { AvalancheError } from '../../src/lib/core/errors.ts';
import { ECHO_URL, kubePreflight } from '../../src/lib/steps/egress-checks.ts';
import { applyAdvice, Kube, refName, type KubeJson } from '../../src/lib/clients/kube.ts';
import {
  forDisplay,
  HIDDEN,
  marmithonConfig,
  marmithonRecord,
  otherManagers,
  privateValues,
  recordable,
  RUNBOOK,
  selectorConflict,
  type MarmithonRecord,
} from './migration.ts';
import { nextRecord, readRecord, recordPath, writeRecord } from '../../src/lib/harness/records.ts';
import { verifyBudgetS, verifyProxy } from '../../src/lib/steps/proxy-verify.ts';
import { restoreRecorded } from './rollback.ts';
import type { Ctx, State } from './state.ts';

const wholeSeconds = (ctx: Ctx, flag: string, value: unknown, min: number) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    ctx.fail({
      code: 'E_FLAG',
      expected: `--${flag} in whole seconds (${min} or more)`,
      found: String(value),
      next: `e.g. --${flag} ${min === 0 ? 30 : 180}`,
    });
  return n;
};

/** The verify step's and the proxy precondition's budget: the checks of verify-proxy plus a few execs. */
export const verifyBudget = (ctx: Ctx) => verifyBudgetS(1, ctx.state.egress.settleS) + 120;

/**
 * config: the inventory, manifests/marmithon, the proxy it uses, the record file; refuses while the image is a
 * placeholder.
 */
export function loadPhase3(ctx: Ctx): void {
  const { inventory: inv, manifestsRoot: root } = ctx.setup;
  const cfg = marmithonConfig(inv, root);
  if (!/^https?:\/\/\S+$/.test(ctx.args.echoUrl ?? ''))
    ctx.fail({
      code: 'E_FLAG',
      expected: 'an http(s) URL for --echo-url',
      found: String(ctx.args.echoUrl),
      next: `e.g. --echo-url ${ECHO_URL}`,
    });
  const context = ctx.flags.context ?? inv.kubernetes.context;
  const managedBy = inv.kubernetes.labels.managed_by;
  const recordFile = recordPath(RUNBOOK, ctx.env);
  const s: State = {
    cfg,
    kube: new Kube(ctx.run, context, managedBy),
    context,
    contextFromFlag: ctx.flags.context !== undefined,
    namespace: cfg.proxy.namespace,
    egress: {
      echoUrl: ctx.args.echoUrl,
      probeImage: ctx.args.probeImage,
      settleS: wholeSeconds(ctx, 'settle', ctx.args.settle, 0),
      managedBy,
      partOf: inv.kubernetes.labels.part_of,
      home: {},
    },
    rolloutTimeoutS: wholeSeconds(ctx, 'rollout-timeout', ctx.args.rolloutTimeout, 1),
    recordFile,
    previous: readRecord(recordFile, marmithonRecord),
    live: new Map(),
    ops: [],
  };
  Object.assign(ctx.state, s);
  // The record's private values (an inline IRC password) reach kubectl only on stdin, never any output or report.
  for (const o of s.previous?.data.objects ?? [])
    for (const v of privateValues(o.live as KubeJson | null)) ctx.mask(v, HIDDEN);
  if (ctx.setup.manifestsOverridden) ctx.log(`manifests from ${root} (AVALANCHE_MANIFESTS_ROOT)`);
  if (ctx.setup.inventoryOverridden) ctx.log(`inventory from ${ctx.setup.inventoryFile} (AVALANCHE_INVENTORY)`);
  ctx.log(
    `${cfg.workload}: ${cfg.objects.length} objects in ${cfg.app.dir}; egress through ${cfg.proxy.name} (${cfg.proxy.country}), ${cfg.proxy.serviceUrl}`,
  );
  ctx.log(
    `record for --rollback: ${recordFile}${s.previous ? ` (exists: ${s.previous.status}, taken ${s.previous.recordedAt})` : ' (none yet)'}`,
  );
  if (cfg.placeholder && !ctx.flags.rollback) {
    const detail = {
      code: 'E_PLACEHOLDER_IMAGE',
      expected: `the bot's real image in ${cfg.app.dir}/deployment.yaml`,
      found: `the placeholder ${cfg.placeholder} (annotation ${'avalanche.network/placeholder-image'})`,
      next: `set your bot's image in ${cfg.app.dir}/deployment.yaml, remove the placeholder annotation, run \`npm run lint\`, then run again`,
    };
    if (ctx.dryRun === 'client') ctx.warn(`a real run refuses here: ${detail.found}; ${detail.next}`);
    else ctx.fail(detail);
  }
}

/** preflight: kubectl, the context, the cluster, the namespace. */
export async function checkCluster(ctx: Ctx): Promise<void> {
  const s = ctx.state;
  s.nsExists = await kubePreflight(ctx, s.kube, {
    expectedContext: s.context,
    fromFlag: s.contextFromFlag,
    namespace: s.namespace,
  });
  if (s.nsExists === false)
    ctx.fail({
      code: 'E_NO_PROXY',
      expected: `namespace ${s.namespace} with ${s.cfg.proxy.name} in it`,
      found: 'no such namespace: phase 2 is not done',
      next: `deploy the proxy first: npx zx runbooks/phase2-deploy-proxy.mjs --region ${s.cfg.proxy.region}`,
    });
}

/** preflight: the proxy marmithon will use passes every check of verify-proxy, or nothing is changed. */
export async function checkProxy(ctx: Ctx): Promise<void> {
  const s = ctx.state;
  const t = s.cfg.proxy;
  const from = ctx.findings.length;
  try {
    await verifyProxy(ctx, s.kube, t, s.egress);
  } catch (err) {
    ctx.check(`verification of ${t.name} completed`, false, {
      expected: 'every check of verify-proxy to run',
      found: (err as Error).message,
      next: 'fix the cause above',
    });
  }
  const failed = ctx.findings.slice(from).filter((f) => f.ok === false);
  if (failed.length) {
    ctx.fail({
      code: 'E_PROXY_NOT_VERIFIED',
      expected: `${t.name} to pass every check of verify-proxy before marmithon depends on it`,
      found: `${failed.length} failed: ${failed.map((f) => `${f.check} (${f.found ?? 'not ok'})`).join('; ')}`,
      next: `nothing was changed; see why with \`npx zx runbooks/verify-proxy.mjs --region ${t.region}\`, fix the proxy (phase2-deploy-proxy.mjs --region ${t.region}), then run again`,
    });
  }
}

/** preflight: marmithon's live objects (what --rollback restores), and whether the bundle can be applied over them. */
export async function readLive(ctx: Ctx): Promise<void> {
  const s = ctx.state;
  for (const r of s.cfg.recorded) {
    const live = await s.kube.get(r);
    for (const v of privateValues(live)) ctx.mask(v, HIDDEN);
    s.live.set(refName(r), live);
  }
  const liveDeployment = s.live.get(refName(s.cfg.deployment));
  const bundled = s.cfg.objects.find((o) => o.kind === 'Deployment')!;
  const conflict = selectorConflict(liveDeployment, bundled);
  if (conflict)
    ctx.fail({
      code: 'E_SELECTOR',
      expected: 'the bundled Deployment to select the same pods as the live one',
      found: conflict,
      next: `align spec.selector in ${s.cfg.app.dir}/deployment.yaml with the live one (or delete the live Deployment by hand, which stops the bot), then run again`,
    });
  const others = otherManagers(liveDeployment, s.kube.fieldManager);
  if (others.length)
    ctx.warn(
      `marmithon is also managed by ${others.join(', ')}: that tool may put the old configuration back; change it there too`,
    );
  if (s.previous?.status === 'applied') {
    ctx.log(
      `keeping the record taken ${s.previous.recordedAt} before the first change, so --rollback restores the configuration from before phase 3:`,
    );
    for (const o of s.previous.data.objects) showRecorded(ctx, refName(o.ref), o.live as KubeJson | null);
    return;
  }
  ctx.log(
    liveDeployment === undefined
      ? 'the live configuration is read here in a real run and recorded for --rollback'
      : 'recorded for --rollback (the configuration now, before the change):',
  );
  for (const r of s.cfg.recorded) {
    const live = s.live.get(refName(r));
    if (live !== undefined) showRecorded(ctx, refName(r), live && recordable(live));
  }
}

function showRecorded(ctx: Ctx, name: string, obj: KubeJson | null): void {
  if (obj === null) ctx.log(`${name}: absent now (--rollback deletes it)`);
  else ctx.show(`${name}:`, JSON.stringify(forDisplay(obj), null, 2));
}

/** plan: kubectl diff against the bundle; under --dry-run=server the API server also validates the apply. */
export async function planApply(ctx: Ctx): Promise<void> {
  const s = ctx.state;
  ctx.log(
    `apply ${s.cfg.app.dir} with server-side apply (field manager ${s.kube.fieldManager}, --force-conflicts: the bundle takes over the fields another tool set; they are recorded)`,
  );
  const diff = s.nsExists === false ? undefined : await s.kube.diff({ stdin: s.cfg.manifest });
  if (diff?.text.trim()) ctx.show('kubectl diff:', diff.text.trim());
  s.changed = diff ? diff.changed : true;
  if (!s.changed) ctx.log(`${s.cfg.workload} already runs as bundled: nothing to change`);
  else if (ctx.dryRun === 'server') {
    await s.kube.apply({ stdin: s.cfg.manifest }, { check: true, forceConflicts: true });
    ctx.log('the API server accepts the bundle (server-side dry run); nothing was persisted');
  }
}

/**
 * The record, written before the change it records (ctx.change's `record`); never over one that still describes the
 * state before phase 3.
 */
function writeLiveRecord(ctx: Ctx): void {
  const s = ctx.state;
  if (s.previous?.status === 'applied') return void ctx.log(`kept ${s.recordFile} (taken ${s.previous.recordedAt})`);
  const data: MarmithonRecord = {
    context: s.context,
    objects: s.cfg.recorded.map((r) => {
      const l = s.live.get(refName(r));
      return { ref: r, live: l ? recordable(l) : null };
    }),
  };
  s.previous = nextRecord(RUNBOOK, s.previous, data, 'applied');
  writeRecord(s.recordFile, s.previous);
  ctx.log(
    `recorded ${data.objects.map((o) => `${refName(o.ref)} (${o.live ? 'present' : 'absent'})`).join(', ')} in ${s.recordFile} (mode 0600)`,
  );
}

/**
 * apply: record the live configuration, then server-side apply of the bundle; the change's undo restores the record.
 */
export async function applyBundle(ctx: Ctx): Promise<void> {
  const s = ctx.state;
  if (ctx.dryRun) ctx.log(`would record the current configuration in ${s.recordFile}, then apply`);
  // A failure part-way (kubectl goes on past a refused object) leaves the change "attempted": undone from the record.
  const undo = async () => {
    if (s.previous)
      await restoreRecorded(ctx.run, s.kube, s.previous, s.recordFile, (t) => ctx.runner.redactor.redact(t));
  };
  await ctx.change(
    { summary: `applied ${s.cfg.app.dir} (${s.cfg.recorded.map(refName).join(', ')})`, undo },
    async () => {
      try {
        const r = await s.kube.apply({ stdin: s.cfg.manifest }, { forceConflicts: true });
        if (r.ran && r.stdout.trim()) ctx.log(r.stdout.trim().split('\n').join('; '));
      } catch (err) {
        if (!(err instanceof AvalancheError)) throw err;
        ctx.fail({
          code: 'E_APPLY_REJECTED',
          expected: `the API server to accept ${s.cfg.app.dir}`,
          found: err.message,
          next: `${applyAdvice(err.message)} (or roll back: --rollback)`,
        });
      }
    },
    { record: () => writeLiveRecord(ctx) },
  );
}

export async function waitRollout(ctx: Ctx): Promise<void> {
  const s = ctx.state;
  if (ctx.dryRun === 'server') ctx.skip('--dry-run=server: nothing was applied');
  try {
    await ctx.wait(`rollout of ${s.cfg.workload} (up to ${s.rolloutTimeoutS} s)`, () =>
      s.kube.rolloutStatus(s.cfg.deployment, s.rolloutTimeoutS),
    );
  } catch (err) {
    if (!(err instanceof AvalancheError)) throw err;
    ctx.fail({
      code: 'E_ROLLOUT',
      expected: `Deployment ${s.cfg.workload} rolled out within ${s.rolloutTimeoutS} s`,
      found: err.message,
      next: `see why: kubectl --context ${s.context} -n ${s.namespace} describe pods -l app.kubernetes.io/name=${s.cfg.workload} (an image that cannot be pulled?)`,
    });
  }
}

export function summarize(ctx: Ctx): void {
  const s = ctx.state;
  if (ctx.dryRun)
    return void ctx.log(
      `planned only (--dry-run)${s.cfg.placeholder ? "; a real run refuses until the bot's real image is set" : ''}.`,
    );
  ctx.log(
    s.changed
      ? `${s.cfg.workload} now leaves through ${s.cfg.proxy.name} (${s.cfg.proxy.country}); verified from inside its pod.`
      : `${s.cfg.workload} already runs through ${s.cfg.proxy.name}; nothing changed; verified.`,
  );
  ctx.log(`Undo: npx zx runbooks/${RUNBOOK}.mjs --rollback (restores ${s.recordFile}).`);
  ctx.log(
    `Next: in src/data/network.yaml set ${s.cfg.workload}'s depends_on_exit_node to false and phase 3 to done with today's date; then phase 4 (phase4-retire-exit-nodes.mjs).`,
  );
}
