// configure-routy: converge the subnet router and the tailnet settings it needs, to the bundled desired
// state. Reads top to bottom; the step code is beside this file (steps.ts reads and plans, apply.ts changes
// and verifies, routy.ts parses the router's files and outputs), its state in state.ts. Names come from the
// inventory (the router's name, its folder manifests/<router>).
import { confirmStep, defineRunbook } from '../../src/lib/harness/index.ts';
import { subnetRouter } from '../../src/lib/inventory/inventory.ts';
import { loadConfig, planChanges, reachRouty, readState } from './steps.ts';
import { applyForwarding, applyPolicy, applySettings, applySplitDns, approveRoutes, verifyRouty } from './apply.ts';
import { flags, type Args, type State } from './state.ts';

export default defineRunbook<State, Args>('configure-routy', (setup) => {
  const router = subnetRouter(setup.inventory);
  const routes = (router.advertise_routes ?? []).join(', ');
  const r = router.name;
  const tag = router.tags?.[0] ?? 'its tag';
  return {
    name: 'configure-routy',
    title: 'Configure the subnet router',
    summary: `Converges ${r} and the tailnet to the bundled settings: forwarding, advertised route, route approval, split DNS and (with --policy) the policy file.`,
    purpose: `${r} advertises the home LAN to the tailnet; forwarding off, a route never approved, an exit node still advertised or a split-DNS entry pointing at the wrong server each break remote access in a way that is slow to diagnose away from home. This runbook reads ${r} over ssh and the tailnet through the Tailscale API, changes only what differs from manifests/${r} and the inventory, and checks the result. A second run sends nothing.`,
    prerequisites: [
      `ssh to ${r} works without a password prompt, by the host alias the inventory names (tailnet.hosts[${r}].ssh_alias); ~/.ssh/config applies.`,
      `On ${r}: tailscale installed and logged in (tagged ${tag}), ethtool installed, and sudo without a password for tee, sysctl and tailscale (sudo -n).`,
      'A Tailscale API access token (or OAuth token with scopes devices:core:read, devices:routes, dns, and policy_file for --policy).',
    ],
    flags,
    secrets: [
      {
        env: 'TAILSCALE_API_KEY',
        description:
          'Tailscale API access token (tskey-api-...). TAILSCALE_TAILNET names the tailnet (default "-", the token\'s own).',
      },
    ],
    examples: ['--dry-run', '', '--policy', '--yes --json'],
    steps: [
      { id: 'config', kind: 'config', title: `Read the inventory and the bundled settings of ${r}`, run: loadConfig },
      {
        id: 'reach',
        kind: 'preflight',
        title: `Reach ${router.name} over ssh: tailscale installed and logged in; find it in the API`,
        run: reachRouty,
      },
      {
        id: 'read',
        kind: 'preflight',
        title: 'Read forwarding, tailscale settings, UDP GRO, routes, split DNS (and the live policy)',
        run: readState,
      },
      { id: 'plan', kind: 'plan', title: 'Compare with the desired state', run: (ctx) => void planChanges(ctx) },
      confirmStep<State, Args>({
        title: 'Confirm the changes',
        question: (ctx) =>
          ctx.state.todo.length
            ? `Apply ${ctx.state.todo.length} change(s) to ${router.name} and the tailnet?`
            : undefined,
        nothing: 'already configured: nothing to change',
      }),
      {
        id: 'policy',
        kind: 'apply',
        title: 'Apply the tailnet policy (--policy)',
        changes:
          'Replaces the tailnet policy file with manifests/tailscale/policy.hujson, only if the live one still has the ETag read.',
        undo: 'Offered after a later failure: the previous policy is put back with the new ETag; or paste it back in the admin console (Access controls).',
        run: applyPolicy,
      },
      {
        id: 'forwarding',
        kind: 'apply',
        title: `Turn on and persist IP forwarding on ${r}`,
        changes: `Writes /etc/sysctl.d/99-tailscale.conf on ${r} (sudo tee, content on stdin) and loads it (sysctl -p).`,
        undo: 'Restore the previous file (or remove it) and `sudo sysctl -w net.ipv4.ip_forward=0`.',
        run: applyForwarding,
      },
      {
        id: 'advertise',
        kind: 'apply',
        title: 'Advertise the LAN route, no exit node (tailscale set)',
        changes: `Runs one \`tailscale set\` on ${r} with the flags from manifests/${r}/tailscale-settings.yaml that differ (never \`tailscale up\`).`,
        undo: '`sudo tailscale set` with the previous values, shown in the plan.',
        run: applySettings,
      },
      {
        id: 'approve',
        kind: 'apply',
        title: `Approve ${routes} (auto-approver or API)`,
        budgetS: (ctx) => ctx.state.cfg.approvalWaitS + 60,
        changes: `Sets ${r}'s enabled routes through the API (POST /api/v2/device/{id}/routes), keeping other approvals and withdrawing exit routes.`,
        undo: `POST the previous enabled routes, or untick them in the admin console (Machines > ${r} > Edit route settings).`,
        run: approveRoutes,
      },
      {
        id: 'split-dns',
        kind: 'apply',
        title: 'Point split DNS for the LAN domain at the LAN DNS server',
        changes: "PATCH /api/v2/tailnet/-/dns/split-dns for the inventory's domain only.",
        undo: 'PATCH the previous nameservers back (null removes the domain), or edit DNS > Nameservers in the admin console.',
        run: applySplitDns,
      },
      {
        id: 'verify',
        kind: 'verify',
        title: `Verify ${router.name} and the tailnet`,
        budgetS: (ctx) => ctx.state.cfg.approvalWaitS + 120,
        run: verifyRouty,
      },
      {
        id: 'summary',
        kind: 'summary',
        title: 'Summary',
        run: (ctx) => {
          const n = ctx.state.todo.length;
          if (!n) ctx.log(`${router.name} is already configured; nothing was sent.`);
          else
            ctx.log(
              ctx.dryRun
                ? `${n} change(s) would be made; run without --dry-run to apply them.`
                : `${router.name} converged: ${n} change(s) made and verified.`,
            );
        },
      },
    ],
  };
});
