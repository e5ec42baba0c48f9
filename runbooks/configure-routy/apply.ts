/**
 * configure-routy, part 2: the changes (each recorded with how to undo it) and the verification.
 * Every change is skipped when the plan found nothing to do, so a second run sends nothing.
 */
import { autoApproverFor, parsePolicy } from '../../src/lib/clients/tailscale-policy.ts';
import { flagDiffs, sameFileText, setArgs } from './routy.ts';
import type { Ctx, TodoId } from './state.ts';
import {
  dnsName,
  EXIT_ROUTES,
  offersExitNode,
  parsePrefs,
  parseStatus,
} from '../../src/lib/clients/tailscale-status.ts';
import { apiCall, apiFor, remote, sameSet, sorted } from '../../src/lib/steps/tailscale.ts';

const todo = (ctx: Ctx, id: TodoId) => ctx.state.todo.some((t) => t.id === id);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The bundled policy, applied with the ETag read in preflight (a concurrent edit makes it fail, not overwrite). */
export async function applyPolicy(ctx: Ctx): Promise<void> {
  const cfg = ctx.state.cfg;
  const live = ctx.state.live;
  if (!todo(ctx, 'policy'))
    ctx.skip(cfg.policy ? 'the live policy already equals the bundled one' : 'not asked (add --policy)');
  const api = cfg.key && apiFor(ctx, cfg.key);
  const before = live.policy;
  let etag: string | undefined;
  await ctx.change(
    {
      summary: `tailnet policy replaced by ${cfg.bundle.policy.file}`,
      undo: async () => void (await api!.setPolicy(before!.hujson, etag ?? before!.etag)),
    },
    async () => {
      const applied = await apiCall(
        ctx,
        'write',
        `POST /api/v2/tailnet/-/acl  If-Match: ${live.policy?.etag ?? '<ETag read>'}  (body: ${cfg.bundle.policy.file})`,
        () => api!.setPolicy(cfg.bundle.policy.text, live.policy!.etag),
      );
      etag = applied?.etag;
    },
  );
}

/** Forwarding persisted (the sysctl.d file, written with sudo tee from stdin) and live (sysctl -p). */
export async function applyForwarding(ctx: Ctx): Promise<void> {
  const cfg = ctx.state.cfg;
  const live = ctx.state.live;
  if (!todo(ctx, 'sysctl-file') && !todo(ctx, 'sysctl-live')) ctx.skip('forwarding is on and persisted');
  const ssh = remote(ctx, cfg.alias);
  const target = cfg.bundle.sysctl.target;
  if (todo(ctx, 'sysctl-file')) {
    const previous = live.file;
    const undo = async () => {
      if (previous === undefined) await ssh(['sudo', '-n', 'rm', '-f', target], { mode: 'write' });
      else await ssh(['sudo', '-n', 'tee', target], { mode: 'write', input: previous });
    };
    // sudo -n: fail at once if sudo wants a password (BatchMode ssh has no terminal to ask on).
    await ctx.change({ summary: `${target} written on ${cfg.name}`, undo }, () =>
      ssh(['sudo', '-n', 'tee', target], { mode: 'write', input: cfg.bundle.sysctl.text }),
    );
  }
  const before = Object.entries(live.sysctl).filter(([k, v]) => v !== undefined && v !== cfg.bundle.sysctl.keys[k]);
  const undoLive = async () => {
    for (const [k, v] of before) await ssh(['sudo', '-n', 'sysctl', '-w', `${k}=${v}`], { mode: 'write' });
  };
  await ctx.change(
    {
      summary: `forwarding loaded from ${target} on ${cfg.name} (${Object.entries(cfg.bundle.sysctl.keys)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')})`,
      undo: undoLive,
    },
    () => ssh(['sudo', '-n', 'sysctl', '-p', target], { mode: 'write' }),
  );
}

/** One `tailscale set` with the flags that differ (never `tailscale up`, which would reset unmentioned flags). */
export async function applySettings(ctx: Ctx): Promise<void> {
  const cfg = ctx.state.cfg;
  const live = ctx.state.live;
  if (!todo(ctx, 'set')) ctx.skip('tailscale settings already match');
  const ssh = remote(ctx, cfg.alias);
  const args = setArgs(Object.fromEntries(live.flags.map((d) => [d.flag, d.desired])));
  const undoArgs = setArgs(
    Object.fromEntries(live.flags.filter((d) => d.current !== undefined).map((d) => [d.flag, d.current])),
  );
  const undo = async () => {
    if (undoArgs.length) await ssh(['sudo', '-n', 'tailscale', 'set', ...undoArgs], { mode: 'write' });
  };
  await ctx.change({ summary: `tailscale set ${args.join(' ')} on ${cfg.name}`, undo }, () =>
    ssh(['sudo', '-n', 'tailscale', 'set', ...args], { mode: 'write' }),
  );
  ctx.state.advertisedNow = live.flags.some((d) => d.flag === 'advertise-routes');
}

/**
 * Route approval. An auto-approver (the bundled policy's, for the router's tags) approves a route only when it is
 * first advertised, not retroactively (https://tailscale.com/kb/1337/policy-syntax#auto-approvers): so after
 * advertising now, wait for it; for a route advertised earlier and still unapproved, or with no auto-approver,
 * approve through the API. POST /device/{deviceId}/routes replaces the enabled set
 * (https://tailscale.com/api#tag/devices/POST/device/{deviceId}/routes), so the set sent keeps other
 * approvals and drops the exit routes.
 */
export async function approveRoutes(ctx: Ctx): Promise<void> {
  const cfg = ctx.state.cfg;
  const live = ctx.state.live;
  if (!todo(ctx, 'approve')) ctx.skip(`${cfg.routes.join(', ')} approved, no exit routes approved`);
  const api = cfg.key && apiFor(ctx, cfg.key);
  const device = live.device;
  const id = device?.nodeId ?? '<router nodeId>';
  let enabled = live.routes?.enabledRoutes ?? [];
  const approver = autoApproverFor(
    parsePolicy(cfg.bundle.policy.text, cfg.bundle.policy.file),
    cfg.routes[0],
    device?.tags ?? [],
  );
  const hasExit = enabled.some((r) => EXIT_ROUTES.includes(r));
  if (approver && ctx.state.advertisedNow && !hasExit && ctx.runs('write')) {
    ctx.log(
      `${approver} auto-approves ${cfg.routes.join(', ')} in ${cfg.bundle.policy.file}; waiting up to ${cfg.approvalWaitS} s for the control plane`,
    );
    const deadline = Date.now() + cfg.approvalWaitS * 1000;
    for (;;) {
      enabled = (await api!.getRoutes(id)).enabledRoutes;
      if (cfg.routes.every((r) => enabled.includes(r)))
        return ctx.log(`approved automatically by ${approver}; nothing sent`);
      if (Date.now() >= deadline) break;
      await sleep(1000);
    }
    ctx.log(
      'not auto-approved in time (is the bundled policy live? apply it with --policy); approving through the API',
    );
  } else if (approver && !hasExit && !ctx.runs('write')) {
    ctx.log(
      `${approver} auto-approves ${cfg.routes.join(', ')} when it is newly advertised; if it does not (or it was advertised earlier), this is sent:`,
    );
  } else if (approver && !hasExit) {
    ctx.log(
      `${approver} would auto-approve a new advertisement, but auto-approvers are not retroactive (the route was advertised earlier); approving through the API`,
    );
  }
  const wanted = sorted([...new Set([...enabled.filter((r) => !EXIT_ROUTES.includes(r)), ...cfg.routes])]);
  const body = JSON.stringify({ routes: wanted });
  const previous = [...enabled];
  await ctx.change(
    {
      summary: `enabled routes of ${cfg.name} set to ${wanted.join(', ')} (were ${previous.join(', ') || 'none'})`,
      undo: async () => void (await api!.setRoutes(id, previous)),
    },
    () => apiCall(ctx, 'write', `POST /api/v2/device/${id}/routes  ${body}`, () => api!.setRoutes(id, wanted)),
  );
}

/** Split DNS for the domain, by PATCH (only that domain changes), only when it differs. */
export async function applySplitDns(ctx: Ctx): Promise<void> {
  const cfg = ctx.state.cfg;
  const live = ctx.state.live;
  if (!todo(ctx, 'split-dns')) ctx.skip(`split DNS ${cfg.split.domain} already -> ${cfg.split.nameservers.join(', ')}`);
  const api = cfg.key && apiFor(ctx, cfg.key);
  const body = { [cfg.split.domain]: cfg.split.nameservers };
  const previous = live.splitDns?.[cfg.split.domain] ?? null;
  await ctx.change(
    {
      summary: `split DNS ${cfg.split.domain} -> ${cfg.split.nameservers.join(', ')} (was ${previous?.join(', ') ?? 'not set'})`,
      undo: async () => void (await api!.patchSplitDns({ [cfg.split.domain]: previous })),
    },
    () =>
      apiCall(ctx, 'write', `PATCH /api/v2/tailnet/-/dns/split-dns  ${JSON.stringify(body)}`, () =>
        api!.patchSplitDns(body),
      ),
  );
}

/** Reads everything back: forwarding, the file, the flags, approval, primary route, no exit node, split DNS. */
export async function verifyRouty(ctx: Ctx): Promise<void> {
  const cfg = ctx.state.cfg;
  const ssh = remote(ctx, cfg.alias);
  const keys = Object.entries(cfg.bundle.sysctl.keys);
  // Under a dry run nothing runs: the assumed outputs are the desired state, so every check is listed.
  const values = (
    await ssh(['sysctl', '-n', ...keys.map(([k]) => k)], { assume: keys.map(([, v]) => v).join('\n') })
  ).stdout
    .trim()
    .split('\n');
  keys.forEach(([k, v], i) =>
    ctx.check(`${k} = ${v} on ${cfg.name}`, values[i]?.trim() === v, {
      expected: v,
      found: values[i]?.trim() ?? 'nothing',
      next: `run \`sudo sysctl -p ${cfg.bundle.sysctl.target}\` on ${cfg.name}`,
    }),
  );
  const file = await ssh(['cat', cfg.bundle.sysctl.target], { okCodes: [0, 1], assume: cfg.bundle.sysctl.text });
  ctx.check(
    `${cfg.bundle.sysctl.target} equals ${cfg.bundle.sysctl.file}`,
    file.code === 0 && sameFileText(file.stdout, cfg.bundle.sysctl.text),
    {
      expected: 'the bundled content',
      found:
        file.code !== 0
          ? 'no file'
          : sameFileText(file.stdout, cfg.bundle.sysctl.text)
            ? 'the bundled content'
            : 'different content',
      next: 'run configure-routy again',
    },
  );
  const flags = flagDiffs(
    cfg.bundle.settings,
    parsePrefs((await ssh(['tailscale', 'debug', 'prefs'], { assume: '{}' })).stdout),
  );
  ctx.check(`tailscale settings match ${cfg.bundle.settingsFile}`, flags.length === 0, {
    expected: 'no difference',
    found: flags.map((d) => `${d.flag}=${JSON.stringify(d.current)}`).join(', ') || 'no difference',
    next: 'run configure-routy again',
  });
  // The control plane makes the router primary a moment after approval: poll its own status for a while.
  const deadline = Date.now() + cfg.approvalWaitS * 1000;
  const assume = JSON.stringify({
    BackendState: 'Running',
    Self: { DNSName: `${cfg.name}.`, PrimaryRoutes: cfg.routes },
  });
  const readSelf = async () => parseStatus((await ssh(['tailscale', 'status', '--json'], { assume })).stdout).Self!;
  let self = await readSelf();
  while (!cfg.routes.every((r) => self.PrimaryRoutes.includes(r)) && Date.now() < deadline) {
    await sleep(1000);
    self = await readSelf();
  }
  ctx.check(
    `${dnsName(self) || cfg.name} is the primary router for ${cfg.routes.join(', ')}`,
    cfg.routes.every((r) => self.PrimaryRoutes.includes(r)),
    {
      expected: cfg.routes.join(', '),
      found: self.PrimaryRoutes.join(', ') || 'no primary routes',
      next: `check the route is approved (admin console, Machines > ${cfg.name} > Edit route settings)`,
    },
  );
  ctx.check(`${cfg.name} is not offered as an exit node`, !offersExitNode(self), {
    expected: 'no 0.0.0.0/0 or ::/0 in AllowedIPs',
    found: self.AllowedIPs.join(', '),
    next: `run \`sudo tailscale set --advertise-exit-node=false\` on ${cfg.name} and withdraw the exit-route approval`,
  });
  if (!cfg.key || !ctx.runs('read')) {
    ctx.log('would call the Tailscale API: GET /api/v2/device/<router>/routes, GET /api/v2/tailnet/-/dns/split-dns');
    return;
  }
  const api = apiFor(ctx, cfg.key);
  const routes = await api.getRoutes(ctx.state.live.device!.nodeId);
  ctx.check(
    `${cfg.routes.join(', ')} approved and no exit route approved (API)`,
    cfg.routes.every((r) => routes.enabledRoutes.includes(r)) &&
      !routes.enabledRoutes.some((r) => EXIT_ROUTES.includes(r)),
    {
      expected: `enabledRoutes ${cfg.routes.join(', ')}`,
      found: routes.enabledRoutes.join(', ') || 'none',
      next: 'run configure-routy again',
    },
  );
  const split = await api.getSplitDns();
  ctx.check(
    `split DNS ${cfg.split.domain} -> ${cfg.split.nameservers.join(', ')} (API)`,
    sameSet(split[cfg.split.domain], cfg.split.nameservers),
    {
      expected: cfg.split.nameservers.join(', '),
      found: split[cfg.split.domain]?.join(', ') ?? 'not set',
      next: 'run configure-routy again',
    },
  );
}
