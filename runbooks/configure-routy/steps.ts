/**
 * configure-routy, part 1: what the runbook reads and how it decides what to change (config, preflight,
 * plan). Part 2 (apply, verify) is ./apply.ts; the routy-specific parsing is ./routy.ts.
 */
import { subnetRouter } from '../../src/lib/inventory/inventory.ts';
import type { Ctx, RoutyConfig, RoutyLive, TodoId } from './state.ts';
import { findDevice } from '../../src/lib/clients/tailscale-api.ts';
import { parseVersion } from '../../src/lib/clients/tailscale-cli.ts';
import { lineDiff, parsePolicy, samePolicyText } from '../../src/lib/clients/tailscale-policy.ts';
import { flagDiffs, groAdvice, loadRoutyBundle, parseEthtoolFeatures, sameFileText, setArgs } from './routy.ts';
import {
  backendProblem,
  dnsName,
  EXIT_ROUTES,
  parsePrefs,
  parseStatus,
} from '../../src/lib/clients/tailscale-status.ts';
import { apiCall, apiFor, loadApiKey, remote, sameSet } from '../../src/lib/steps/tailscale.ts';

/** config: the inventory, the bundled files, their agreement, and the API key. */
export async function loadConfig(ctx: Ctx): Promise<void> {
  const inv = ctx.setup.inventory;
  const router = subnetRouter(inv);
  const bundle = loadRoutyBundle(ctx.setup.manifestsRoot, router.name);
  const { settings } = bundle;
  const disagree = (what: string, inventory: unknown, bundled: unknown) =>
    ctx.fail({
      code: 'E_BUNDLE_DRIFT',
      expected: `${what} in ${bundle.settingsFile} equal to ${ctx.setup.inventoryFile} (${JSON.stringify(inventory)})`,
      found: JSON.stringify(bundled),
      next: 'make the two files agree (`npm run lint` shows the same), then run again',
    });
  if (settings.host !== router.name) disagree('host', router.name, settings.host);
  if (!sameSet(settings.set['advertise-routes'] as string[] | undefined, router.advertise_routes ?? []))
    disagree('set.advertise-routes', router.advertise_routes, settings.set['advertise-routes']);
  if (!inv.tailnet.exit_nodes && settings.set['advertise-exit-node'] !== false)
    disagree('set.advertise-exit-node', false, settings.set['advertise-exit-node']);
  const cfg: RoutyConfig = {
    name: router.name,
    alias: router.ssh_alias!,
    routes: router.advertise_routes ?? [],
    lanInterface: router.lan_interface,
    split: { domain: inv.tailnet.split_dns.domain, nameservers: inv.tailnet.split_dns.nameservers },
    bundle,
    policy: Boolean(ctx.args.policy),
    approvalWaitS: Number(ctx.args.approvalWait ?? 10),
  };
  if (!Number.isFinite(cfg.approvalWaitS) || cfg.approvalWaitS < 0)
    ctx.fail({
      code: 'E_INPUT',
      expected: '--approval-wait SECONDS, a number >= 0',
      found: String(ctx.args.approvalWait),
      next: 'pass a number of seconds such as 10',
    });
  ctx.log(
    `router: ${cfg.name} over \`ssh ${cfg.alias}\`, advertising ${cfg.routes.join(', ')}; split DNS ${cfg.split.domain} -> ${cfg.split.nameservers.join(', ')}`,
  );
  ctx.show(`${bundle.sysctl.file} (installed as ${bundle.sysctl.target}):`, bundle.sysctl.text);
  ctx.log(`tailscale settings (${bundle.settingsFile}): tailscale set ${setArgs(settings.set).join(' ')}`);
  if (cfg.policy)
    ctx.log(
      `--policy: ${bundle.policy.file} will be validated, diffed against the live policy and applied with its ETag`,
    );
  cfg.key = await loadApiKey(ctx);
  Object.assign(ctx.state, { cfg, live: { sysctl: {}, flags: [] }, todo: [] });
}

/** preflight: ssh answers, tailscale is installed and logged in on the right machine, the API knows it. */
export async function reachRouty(ctx: Ctx): Promise<void> {
  const cfg = ctx.state.cfg;
  const ssh = remote(ctx, cfg.alias);
  const where = await ssh(['command', '-v', 'tailscale'], { okCodes: [0, 1], assume: '/usr/bin/tailscale\n' });
  if (where.ran && where.code !== 0)
    ctx.fail({
      code: 'E_NO_TAILSCALE',
      expected: `tailscale installed on ${cfg.name}`,
      found: 'no tailscale on its PATH',
      next:
        'install it on ' +
        cfg.name +
        ' (https://tailscale.com/download/linux), log in with `sudo tailscale up --advertise-tags=tag:router`, then run again',
    });
  const version = await ssh(['tailscale', 'version']);
  if (version.ran) ctx.log(`tailscale ${parseVersion(version.stdout).short} on ${cfg.name}`);
  const statusOut = await ssh(['tailscale', 'status', '--json']);
  if (statusOut.ran) {
    const status = parseStatus(statusOut.stdout);
    const problem = backendProblem(status);
    if (problem)
      ctx.fail({
        code: 'E_NOT_RUNNING',
        expected: `tailscale logged in and running on ${cfg.name} (BackendState Running)`,
        found: problem,
        next: 'fix that on ' + cfg.name + ', then run again; nothing was changed',
      });
    const self = status.Self!;
    const label = dnsName(self).split('.')[0];
    if (label !== cfg.name && self.HostName !== cfg.name)
      ctx.fail({
        code: 'E_WRONG_HOST',
        expected: `\`ssh ${cfg.alias}\` to reach ${cfg.name}`,
        found: `${self.HostName} (${dnsName(self)})`,
        next: `fix the ssh alias in ~/.ssh/config or ssh_alias in src/data/network.yaml`,
      });
    ctx.state.selfId = self.ID;
  }
  if (!cfg.key) return;
  const api = apiFor(ctx, cfg.key);
  const devices = await apiCall(ctx, 'read', `GET /api/v2/tailnet/${api.tailnet}/devices?fields=all`, () =>
    api.listDevices(),
  );
  if (!devices) return;
  const device = findDevice(devices, cfg.name);
  if (ctx.state.selfId && device.nodeId !== ctx.state.selfId)
    ctx.fail({
      code: 'E_WRONG_DEVICE',
      expected: `the API device ${cfg.name} to be the node reached over ssh (${ctx.state.selfId})`,
      found: device.nodeId,
      next: 'remove the stale device from the admin console (Machines), then run again',
    });
  ctx.log(`API device ${device.name} (${device.nodeId}), tags ${(device.tags ?? []).join(', ') || 'none'}`);
  ctx.state.device = device;
}

/** preflight: read the router's current state (forwarding, the sysctl file, tailscale prefs, GRO) and the tailnet's. */
export async function readState(ctx: Ctx): Promise<void> {
  const cfg = ctx.state.cfg;
  const ssh = remote(ctx, cfg.alias);
  const keys = Object.keys(cfg.bundle.sysctl.keys);
  const live: RoutyLive = { sysctl: {}, flags: [] };
  const values = await ssh(['sysctl', '-n', ...keys]);
  if (values.ran)
    values.stdout
      .trim()
      .split('\n')
      .forEach((v, i) => (live.sysctl[keys[i]] = v.trim()));
  const file = await ssh(['cat', cfg.bundle.sysctl.target], { okCodes: [0, 1] });
  if (file.ran && file.code === 0) live.file = file.stdout;
  const prefs = await ssh(['tailscale', 'debug', 'prefs']);
  // Not read (--dry-run): every flag of the settings file is listed, as a fresh router needs them all.
  live.flags = prefs.ran
    ? flagDiffs(cfg.bundle.settings, parsePrefs(prefs.stdout))
    : Object.entries(cfg.bundle.settings.set).map(([flag, desired]) => ({ flag, desired, current: undefined }));
  if (cfg.lanInterface) {
    try {
      const features = await ssh(['ethtool', '-k', cfg.lanInterface]);
      const advice = features.ran ? groAdvice(cfg.lanInterface, parseEthtoolFeatures(features.stdout)) : undefined;
      if (advice) ctx.warn(advice);
    } catch (error) {
      ctx.warn(
        `could not read UDP GRO settings with \`ethtool -k ${cfg.lanInterface}\` on ${cfg.name} (${(error as Error).message}); install ethtool there to get this check`,
      );
    }
  }
  if (cfg.key && ctx.runs('read')) {
    const api = apiFor(ctx, cfg.key);
    const device = ctx.state.device!;
    live.device = device;
    live.routes = { advertisedRoutes: device.advertisedRoutes ?? [], enabledRoutes: device.enabledRoutes ?? [] };
    live.splitDns = await api.getSplitDns();
    if (cfg.policy) {
      live.policy = await api.getPolicy();
      ctx.log(`live policy read (ETag ${live.policy.etag}); validating the bundled one through the API`);
      parsePolicy(cfg.bundle.policy.text, cfg.bundle.policy.file);
      const { warnings } = await api.validatePolicy(cfg.bundle.policy.text);
      for (const w of warnings) ctx.warn(`the Tailscale API accepted the policy with a warning: ${w}`);
    }
  } else if (cfg.key || !ctx.runs('read')) {
    ctx.log(
      `would call the Tailscale API: GET /api/v2/tailnet/-/dns/split-dns${cfg.policy ? ', GET /api/v2/tailnet/-/acl (with its ETag), POST /api/v2/tailnet/-/acl/validate' : ''}`,
    );
  }
  ctx.state.live = live;
}

/** plan: what differs, as a list of changes; none means "already configured". */
export function planChanges(ctx: Ctx): Array<{ id: TodoId; summary: string }> {
  const cfg = ctx.state.cfg;
  const live = ctx.state.live;
  const todo: Array<{ id: TodoId; summary: string }> = [];
  const add = (id: TodoId, summary: string) => todo.push({ id, summary });
  if (cfg.policy && (!live.policy || !samePolicyText(live.policy.hujson, cfg.bundle.policy.text))) {
    if (live.policy) ctx.show('policy diff (- live, + bundled):', lineDiff(live.policy.hujson, cfg.bundle.policy.text));
    add(
      'policy',
      `apply ${cfg.bundle.policy.file} to the tailnet policy (If-Match ${live.policy?.etag || 'the ETag read'})`,
    );
  }
  if (!sameFileText(live.file, cfg.bundle.sysctl.text))
    add(
      'sysctl-file',
      `${live.file === undefined ? 'install' : 'rewrite'} ${cfg.bundle.sysctl.target} on ${cfg.name} (forwarding persisted across reboots)`,
    );
  const off = Object.entries(cfg.bundle.sysctl.keys).filter(([k, v]) => live.sysctl[k] !== v);
  if (off.length)
    add(
      'sysctl-live',
      `turn on ${off.map(([k, v]) => `${k}=${v}`).join(', ')} now (currently ${off.map(([k]) => live.sysctl[k] ?? 'unknown').join(', ')})`,
    );
  if (live.flags.length) {
    const now = live.flags.every((d) => d.current === undefined)
      ? 'current values not read'
      : `currently ${live.flags.map((d) => `${d.flag}=${JSON.stringify(d.current ?? 'unset')}`).join(', ')}`;
    add(
      'set',
      `tailscale set ${setArgs(Object.fromEntries(live.flags.map((d) => [d.flag, d.desired]))).join(' ')} (${now})`,
    );
  }
  const enabled = live.routes?.enabledRoutes;
  if (!enabled || !cfg.routes.every((r) => enabled.includes(r)) || enabled.some((r) => EXIT_ROUTES.includes(r))) {
    add(
      'approve',
      `approve ${cfg.routes.join(', ')} for ${cfg.name}${enabled?.some((r) => EXIT_ROUTES.includes(r)) ? ' and withdraw the approval of the exit routes 0.0.0.0/0, ::/0' : ''} (enabled now: ${enabled ? enabled.join(', ') || 'none' : 'unknown'})`,
    );
  }
  if (!sameSet(live.splitDns?.[cfg.split.domain], cfg.split.nameservers))
    add(
      'split-dns',
      `split DNS ${cfg.split.domain} -> ${cfg.split.nameservers.join(', ')} (now: ${live.splitDns ? (live.splitDns[cfg.split.domain]?.join(', ') ?? 'not set') : 'unknown'})`,
    );
  if (!ctx.runs('read'))
    ctx.log(`(--dry-run: ${cfg.name} and the API were not contacted, so every change a fresh router needs is listed)`);
  if (!todo.length) ctx.log(`${cfg.name} is already configured: nothing to change.`);
  else todo.forEach((t) => ctx.log(`to do: ${t.summary}`));
  ctx.state.todo = todo;
  return todo;
}
