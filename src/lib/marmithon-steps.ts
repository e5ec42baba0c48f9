/**
 * Phase 3's steps (runbooks/phase3-migrate-marmithon.mjs): precondition (vpn-proxy-iceland passes the
 * checks of verify-proxy), record of marmithon's live configuration, server-side apply of manifests/marmithon,
 * rollout, and the egress check from inside the marmithon pod. The rollback steps: ./marmithon-rollback.ts.
 */
import { AvalancheError } from './errors.ts';
import { deploymentAvailable, ECHO_URL, firstIp, HOME_IP_MASK, kubePreflight, probeLabels, probeName } from './egress-checks.ts';
import { Gluetun } from './gluetun.ts';
import { loadInventory } from './inventory.ts';
import { Kube, refName, type KubeJson } from './kube.ts';
import { EGRESS_SCRIPT, forDisplay, HIDDEN, privateValues, marmithonConfig, marmithonRecord, NO_TOOL_CODES, otherManagers, recordable, RUNBOOK, selectorConflict, stateOf, type MarmithonRecord, type Phase3State } from './marmithon-migration.ts';
import { nextRecord, readRecord, recordPath, writeRecord } from './migration-state.ts';
import { verifyProxy } from './proxy-verify.ts';
import type { StepContext } from './runbook.ts';
import { restoreRecorded } from './marmithon-rollback.ts';


const wholeSeconds = (ctx: StepContext, flag: string, value: unknown, min: number) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) ctx.fail({ code: 'E_FLAG', expected: `--${flag} in whole seconds (${min} or more)`, found: String(value), next: `e.g. --${flag} ${min === 0 ? 30 : 180}` });
  return n;
};

/** config: the inventory, manifests/marmithon, the proxy it uses, the record file; refuses while the image is a placeholder. */
export function loadPhase3(ctx: StepContext): void {
  const inv = loadInventory(ctx.env.AVALANCHE_INVENTORY || undefined);
  const root = ctx.env.AVALANCHE_MANIFESTS_ROOT || undefined;
  const cfg = marmithonConfig(inv, root);
  if (!/^https?:\/\/\S+$/.test(ctx.args.echoUrl ?? '')) ctx.fail({ code: 'E_FLAG', expected: 'an http(s) URL for --echo-url', found: String(ctx.args.echoUrl), next: `e.g. --echo-url ${ECHO_URL}` });
  const context = ctx.flags.context ?? inv.kubernetes.context;
  const managedBy = inv.kubernetes.labels.managed_by;
  const recordFile = recordPath(RUNBOOK, ctx.env);
  const s: Phase3State = {
    cfg,
    kube: new Kube(ctx.run, context, managedBy),
    context,
    contextFromFlag: ctx.flags.context !== undefined,
    namespace: cfg.proxy.namespace,
    egress: { echoUrl: ctx.args.echoUrl, probeImage: ctx.args.probeImage, settleS: wholeSeconds(ctx, 'settle', ctx.args.settle, 0), managedBy, partOf: inv.kubernetes.labels.part_of },
    rolloutTimeoutS: wholeSeconds(ctx, 'rollout-timeout', ctx.args.rolloutTimeout, 1),
    recordFile,
    previous: readRecord(recordFile, marmithonRecord),
    live: new Map(),
  };
  Object.assign(ctx.state, s);
  // The record's private values (an inline IRC password) reach kubectl only on stdin, never any output or report.
  for (const o of s.previous?.data.objects ?? []) for (const v of privateValues(o.live as KubeJson | null)) ctx.mask(v, HIDDEN);
  if (root) ctx.log(`manifests from ${root} (AVALANCHE_MANIFESTS_ROOT)`);
  if (ctx.env.AVALANCHE_INVENTORY) ctx.log(`inventory from ${ctx.env.AVALANCHE_INVENTORY} (AVALANCHE_INVENTORY)`);
  ctx.log(`${cfg.workload}: ${cfg.objects.length} objects in ${cfg.app.dir}; egress through ${cfg.proxy.name} (${cfg.proxy.country}), ${cfg.proxy.serviceUrl}`);
  ctx.log(`record for --rollback: ${recordFile}${s.previous ? ` (exists: ${s.previous.status}, taken ${s.previous.recordedAt})` : ' (none yet)'}`);
  if (cfg.placeholder && !ctx.flags.rollback) {
    const detail = { code: 'E_PLACEHOLDER_IMAGE', expected: `the bot's real image in ${cfg.app.dir}/deployment.yaml`, found: `the placeholder ${cfg.placeholder} (annotation ${'avalanche.network/placeholder-image'})`, next: `set your bot's image in ${cfg.app.dir}/deployment.yaml, remove the placeholder annotation, run \`npm run lint\`, then run again` };
    if (ctx.dryRun === 'client') ctx.warn(`a real run refuses here: ${detail.found}; ${detail.next}`);
    else ctx.fail(detail);
  }
}

/** preflight: kubectl, the context, the cluster, the namespace. */
export async function checkCluster(ctx: StepContext): Promise<void> {
  const s = stateOf(ctx);
  s.nsExists = await kubePreflight(ctx, s.kube, { expectedContext: s.context, fromFlag: s.contextFromFlag, namespace: s.namespace });
  if (s.nsExists === false) ctx.fail({ code: 'E_NO_PROXY', expected: `namespace ${s.namespace} with ${s.cfg.proxy.name} in it`, found: 'no such namespace: phase 2 is not done', next: `deploy the proxy first: npx zx runbooks/phase2-deploy-proxy.mjs --region ${s.cfg.proxy.region}` });
}

/** preflight: the proxy marmithon will use passes every check of verify-proxy, or nothing is changed. */
export async function checkProxy(ctx: StepContext): Promise<void> {
  const s = stateOf(ctx);
  const t = s.cfg.proxy;
  const from = ctx.findings.length;
  try {
    await verifyProxy(ctx, s.kube, t, s.egress);
  } catch (err) {
    ctx.check(`verification of ${t.name} completed`, false, { expected: 'every check of verify-proxy to run', found: (err as Error).message, next: 'fix the cause above' });
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
export async function readLive(ctx: StepContext): Promise<void> {
  const s = stateOf(ctx);
  for (const r of s.cfg.recorded) {
    const live = await s.kube.get(r);
    for (const v of privateValues(live)) ctx.mask(v, HIDDEN);
    s.live.set(refName(r), live);
  }
  const liveDeployment = s.live.get(refName(s.cfg.deployment));
  const bundled = s.cfg.objects.find((o) => o.kind === 'Deployment')!;
  const conflict = selectorConflict(liveDeployment, bundled);
  if (conflict) ctx.fail({ code: 'E_SELECTOR', expected: 'the bundled Deployment to select the same pods as the live one', found: conflict, next: `align spec.selector in ${s.cfg.app.dir}/deployment.yaml with the live one (or delete the live Deployment by hand, which stops the bot), then run again` });
  const others = otherManagers(liveDeployment, s.kube.fieldManager);
  if (others.length) ctx.warn(`marmithon is also managed by ${others.join(', ')}: that tool may put the old configuration back; change it there too`);
  if (s.previous?.status === 'applied') {
    ctx.log(`keeping the record taken ${s.previous.recordedAt} before the first change, so --rollback restores the configuration from before phase 3:`);
    for (const o of s.previous.data.objects) showRecorded(ctx, refName(o.ref), o.live as KubeJson | null);
    return;
  }
  ctx.log(liveDeployment === undefined ? 'the live configuration is read here in a real run and recorded for --rollback' : 'recorded for --rollback (the configuration now, before the change):');
  for (const r of s.cfg.recorded) {
    const live = s.live.get(refName(r));
    if (live !== undefined) showRecorded(ctx, refName(r), live && recordable(live));
  }
}

function showRecorded(ctx: StepContext, name: string, obj: KubeJson | null): void {
  if (obj === null) ctx.log(`${name}: absent now (--rollback deletes it)`);
  else ctx.show(`${name}:`, JSON.stringify(forDisplay(obj), null, 2));
}

/** plan: kubectl diff against the bundle; under --dry-run=server the API server also validates the apply. */
export async function planApply(ctx: StepContext): Promise<void> {
  const s = stateOf(ctx);
  ctx.log(`apply ${s.cfg.app.dir} with server-side apply (field manager ${s.kube.fieldManager}, --force-conflicts: the bundle takes over the fields another tool set; they are recorded)`);
  const diff = s.nsExists === false ? undefined : await s.kube.diff({ stdin: s.cfg.manifest });
  if (diff?.text.trim()) ctx.show('kubectl diff:', diff.text.trim());
  s.changed = diff ? diff.changed : true;
  if (!s.changed) ctx.log(`${s.cfg.workload} already runs as bundled: nothing to change`);
  else if (ctx.dryRun === 'server') {
    await s.kube.apply({ stdin: s.cfg.manifest }, { check: true, forceConflicts: true });
    ctx.log('the API server accepts the bundle (server-side dry run); nothing was persisted');
  }
}

export async function confirmApply(ctx: StepContext): Promise<void> {
  const s = stateOf(ctx);
  if (!s.changed) ctx.skip('nothing to change');
  if (!(await ctx.confirm(`Apply ${s.cfg.app.dir} to context "${s.context}" (the current configuration is recorded for --rollback)?`)) && !ctx.dryRun) {
    ctx.fail({ code: 'E_DECLINED', expected: 'a yes to apply', found: 'no', next: 'nothing was changed; run again when ready' });
  }
}

/** apply: write the record (never over one that still describes the state before phase 3). */
export function writeLiveRecord(ctx: StepContext): void {
  const s = stateOf(ctx);
  if (!s.changed) ctx.skip('nothing to change');
  if (ctx.dryRun) return void ctx.log(`would record the current configuration in ${s.recordFile}`);
  if (s.previous?.status === 'applied') return void ctx.log(`kept ${s.recordFile} (taken ${s.previous.recordedAt})`);
  const data: MarmithonRecord = { context: s.context, objects: s.cfg.recorded.map((r) => ({ ref: r, live: (() => { const l = s.live.get(refName(r)); return l ? recordable(l) : null; })() })) };
  s.previous = nextRecord(RUNBOOK, s.previous, data, 'applied');
  writeRecord(s.recordFile, s.previous);
  ctx.log(`recorded ${data.objects.map((o) => `${refName(o.ref)} (${o.live ? 'present' : 'absent'})`).join(', ')} in ${s.recordFile} (mode 0600)`);
}

/** apply: server-side apply of the bundle; the change's undo restores the record. */
export async function applyBundle(ctx: StepContext): Promise<void> {
  const s = stateOf(ctx);
  if (!s.changed) ctx.skip('nothing to change');
  const record = s.previous;
  const undo = record ? () => restoreRecorded(ctx.run, s.kube, record, s.recordFile, (t) => ctx.runner.redactor.redact(t)) : undefined;
  try {
    const r = await s.kube.apply({ stdin: s.cfg.manifest }, { forceConflicts: true });
    if (r.ran && r.stdout.trim()) ctx.log(r.stdout.trim().split('\n').join('; '));
  } catch (err) {
    if (!(err instanceof AvalancheError)) throw err;
    ctx.change(`${s.cfg.app.dir}: kubectl apply failed part-way; some objects may be applied`, undo);
    ctx.fail({ code: 'E_APPLY_REJECTED', expected: `the API server to accept ${s.cfg.app.dir}`, found: err.message, next: 'run `npm run lint`, fix the manifest it names, and run again (or roll back: --rollback)' });
  }
  ctx.change(`applied ${s.cfg.app.dir} (${s.cfg.recorded.map(refName).join(', ')})`, undo);
}

export async function waitRollout(ctx: StepContext): Promise<void> {
  const s = stateOf(ctx);
  if (!s.changed) ctx.skip('nothing was applied');
  if (ctx.dryRun === 'server') ctx.skip('--dry-run=server: nothing was applied');
  try {
    await ctx.wait(`rollout of ${s.cfg.workload} (up to ${s.rolloutTimeoutS} s)`, () => s.kube.rolloutStatus(s.cfg.deployment, s.rolloutTimeoutS));
  } catch (err) {
    if (!(err instanceof AvalancheError)) throw err;
    ctx.fail({ code: 'E_ROLLOUT', expected: `Deployment ${s.cfg.workload} rolled out within ${s.rolloutTimeoutS} s`, found: err.message, next: `see why: kubectl --context ${s.context} -n ${s.namespace} describe pods -l app.kubernetes.io/name=${s.cfg.workload} (an image that cannot be pulled?)` });
  }
}

/** verify: from inside the marmithon pod, traffic through the proxy leaves with the VPN's IP, not the home IP; direct traffic is blocked. */
export async function verifyFromPod(ctx: StepContext): Promise<void> {
  const s = stateOf(ctx);
  const { cfg, kube } = s;
  const t = cfg.proxy;
  const avail = deploymentAvailable(await kube.get(cfg.deployment));
  ctx.check(`Deployment ${cfg.workload} is available`, avail?.ok, { expected: 'Available=True with a ready replica', found: avail?.found ?? '', next: `kubectl --context ${s.context} -n ${s.namespace} describe deployment ${cfg.workload}` });
  if (avail && !avail.ok) return;
  const pod = { resource: `deploy/${cfg.workload}`, namespace: s.namespace, container: cfg.container };
  const fetch = async (mode: 'proxy' | 'direct') => {
    const r = await kube.exec(pod, ['sh', '-c', EGRESS_SCRIPT, 'sh', mode, t.serviceUrl, s.egress.echoUrl], { okCodes: 'any', timeoutMs: 60_000 });
    return r.ran ? r : undefined;
  };
  const noTools = { expected: 'sh with curl or wget in the bot\'s image (busybox is enough)', next: 'add curl or busybox to the image, or check egress by hand: /whois the bot on IRC' };

  const via = await fetch('proxy');
  // The precondition measured the home IP and masked it, so from then on it reads "[home IP]" in any output.
  const exitIp = via?.code === 0 ? (via.stdout.includes(HOME_IP_MASK) ? HOME_IP_MASK : firstIp(via.stdout)) : undefined;
  if (via && NO_TOOL_CODES.includes(via.code)) ctx.check('the marmithon pod can run the egress check', false, { ...noTools, found: via.stderr.trim() || `exit ${via.code}` });
  else ctx.check(`from inside the marmithon pod, traffic through ${t.name} gets out`, via === undefined ? undefined : Boolean(exitIp), { expected: `an IP from ${s.egress.echoUrl} through ${t.serviceUrl}`, found: `exit ${via?.code}: ${(via?.stderr.trim().split('\n').pop() || via?.stdout.trim()) ?? ''}`, next: `check the pod's label ${t.clientLabel.key}=${t.clientLabel.value} and NetworkPolicy ${cfg.workload}; kubectl -n ${s.namespace} logs ${t.gluetun.resource} -c gluetun` });

  const direct = await fetch('direct');
  if (direct && !NO_TOOL_CODES.includes(direct.code)) {
    ctx.check('from inside the marmithon pod, a direct connection (no proxy) is blocked', direct.code !== 0, { expected: `NetworkPolicy ${cfg.workload} to block everything but the proxy and DNS`, found: `it got out directly (exit 0): the bot could leak the home IP`, next: 'the cluster network plugin must enforce NetworkPolicy egress rules (Calico, Cilium; flannel alone does not)' });
  }

  const vpn = await new Gluetun(kube, t.gluetun).publicIp().catch((err: Error) => void ctx.warn(`gluetun's public IP could not be read: ${err.message}`));
  if (vpn) {
    ctx.check(`${t.name} leaves in ${t.country}`, (vpn.country ?? '').toLowerCase() === t.country.toLowerCase(), { expected: `country "${t.country}" from gluetun /v1/publicip/ip`, found: `"${vpn.country ?? '(none)'}"`, next: `run verify-proxy.mjs --region ${t.region}` });
    if (exitIp && exitIp !== vpn.public_ip) ctx.warn(`the pod saw ${exitIp}, gluetun reports ${vpn.public_ip}: two VPN exit addresses (possible with some servers); the home-IP check below still holds`);
  }
  // Under --dry-run the probe is listed; in a real run it only makes sense once the pod got out.
  const home = exitIp || !via ? await homeIp(ctx, s) : undefined;
  ctx.check(`marmithon's exit IP is not the home IP`, exitIp && home ? exitIp !== home : undefined, { expected: 'the VPN\'s IP', found: `${HOME_IP_MASK}: marmithon leaves from home`, next: `roll back (--rollback) and check ${t.name}'s gluetun log` });
  if (exitIp && home) ctx.fact(`${cfg.workload}.exitIp`, exitIp === home ? HOME_IP_MASK : exitIp);
  if (vpn?.country) ctx.fact(`${cfg.workload}.country`, vpn.country);
  ctx.fact(`${cfg.workload}.proxy`, t.name);
}

/**
 * The home IP, from a probe pod going direct: the IP (then masked everywhere), or HOME_IP_MASK when it was
 * measured and masked earlier in this run (the precondition's verify-proxy checks do that), since the probe's
 * output then already reads "[home IP]". Undefined when not run (--dry-run).
 */
async function homeIp(ctx: StepContext, s: Phase3State): Promise<string | undefined> {
  const o = s.egress;
  const r = await s.kube.probe({ name: probeName(s.cfg.proxy.region, 'direct'), namespace: s.namespace, image: o.probeImage, labels: probeLabels(o), command: ['curl', '-sS', '--max-time', '15', o.echoUrl], timeoutS: 90 });
  if (!r) return undefined;
  if (r.code === 0 && r.stdout.includes(HOME_IP_MASK)) return HOME_IP_MASK;
  const ip = r.code === 0 ? firstIp(r.stdout) : undefined;
  if (!ip) ctx.fail({ code: 'E_HOME_IP', expected: `a direct probe pod to read the home IP from ${o.echoUrl}`, found: `exit ${r.code}: ${r.stderr.trim().split('\n').pop() || r.stdout.trim() || 'no output'}`, next: 'check that pods can reach the internet directly and that the probe image can be pulled (--probe-image)' });
  ctx.mask(ip, HOME_IP_MASK);
  return ip;
}

export function summarize(ctx: StepContext): void {
  const s = stateOf(ctx);
  if (ctx.dryRun) return void ctx.log(`planned only (--dry-run)${s.cfg.placeholder ? '; a real run refuses until the bot\'s real image is set' : ''}.`);
  ctx.log(s.changed ? `${s.cfg.workload} now leaves through ${s.cfg.proxy.name} (${s.cfg.proxy.country}); verified from inside its pod.` : `${s.cfg.workload} already runs through ${s.cfg.proxy.name}; nothing changed; verified.`);
  ctx.log(`Undo: npx zx runbooks/${RUNBOOK}.mjs --rollback (restores ${s.recordFile}).`);
  ctx.log(`Next: in src/data/network.yaml set ${s.cfg.workload}'s depends_on_exit_node to false and phase 3 to done with today's date; then phase 4 (phase4-retire-exit-nodes.mjs).`);
}
