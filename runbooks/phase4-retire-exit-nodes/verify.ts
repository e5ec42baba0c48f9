/**
 * Phase 4's verification (runbooks/phase4-retire-exit-nodes.mjs, step "verify"): seen from this machine no
 * node is an exit-node option any more (ExitNodeOption = offered && approved: ipnstate.go, https://github.com/tailscale/tailscale/blob/v1.76.0/ipn/ipnstate/ipnstate.go), the
 * API shows no exit route approved, and the nodes whose approvals changed kept their other routes.
 */
import { hasExitRoute, withoutExitRoutes } from './exit-nodes.ts';
import { readStatus } from './steps.ts';
import type { Ctx } from './state.ts';
import { offersExitNode, type TailscaleStatus } from '../../src/lib/clients/tailscale-status.ts';
import { apiCall } from '../../src/lib/steps/tailscale.ts';

/** verify: no node in the tailnet is an exit-node option, no exit route approved; the other routes kept. */
export async function verifyRetired(ctx: Ctx): Promise<void> {
  const s = ctx.state;
  let status = await readStatus(ctx);
  const offered = (st: TailscaleStatus) =>
    [...(st.Self ? [st.Self] : []), ...Object.values(st.Peer)].filter(offersExitNode);
  for (let waited = 0; status && offered(status).length && waited < s.settleS; waited += 3) {
    await new Promise((r) => setTimeout(r, 3000)); // the netmap reaches this machine within seconds
    status = await readStatus(ctx);
  }
  const left = status && offered(status);
  ctx.check(
    'no node in the tailnet is an exit-node option (tailscale status --json)',
    left === undefined ? undefined : left.length === 0,
    {
      expected: 'ExitNodeOption false and no 0.0.0.0/0 or ::/0 in AllowedIPs for every node',
      found: left?.map((p) => p.HostName).join(', ') || 'none',
      next: 'run again (an offline node is retired when it comes back), or turn it off by hand on that node',
    },
  );
  const devices = await apiCall(ctx, 'read', 'GET /api/v2/tailnet/-/devices?fields=all', () => s.api!.listDevices());
  const approved = devices?.filter((d) => hasExitRoute(d.enabledRoutes));
  ctx.check(
    'no device has an exit route approved (API enabledRoutes)',
    approved === undefined ? undefined : approved.length === 0,
    {
      expected: 'no 0.0.0.0/0 or ::/0 in any enabledRoutes',
      found: approved?.map((d) => d.name).join(', ') || 'none',
      next: 'withdraw it in the admin console (Machines > the device > Edit route settings) or run again',
    },
  );
  for (const n of s.withdraw) {
    const d = devices?.find((x) => x.nodeId === n.nodeId);
    const kept = withoutExitRoutes(n.enabledRoutes);
    ctx.check(
      `${n.name} keeps its other approved routes${kept.length ? ` (${kept.join(', ')})` : ''}`,
      d === undefined ? undefined : kept.every((r) => d.enabledRoutes?.includes(r)),
      {
        expected: kept.join(', '),
        found: d?.enabledRoutes?.join(', ') || 'none',
        next: 'approve them again: configure-routy.mjs for the subnet router, or the admin console',
      },
    );
  }
  for (const d of devices?.filter((x) => hasExitRoute(x.advertisedRoutes)) ?? [])
    ctx.warn(
      `${d.name} still advertises an exit route, but without approval it is no exit node; turn it off on the device when you can`,
    );
}
