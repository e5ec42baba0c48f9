// Converge routy, the subnet router, and the tailnet settings it needs, to the bundled desired state.
// Logic: src/lib/tailscale-configure*.ts. Facts and sources: ../shared/research/tailscale.md.
import { defineRunbook } from '../../src/lib/harness/index.ts';
import { checkRouty, loadConfig, planChanges, readState } from './steps.ts';
import { applyForwarding, applyPolicy, applySettings, applySplitDns, approveRoutes, verifyRouty } from './apply.ts';

export default defineRunbook('configure-routy', (setup) => {
  return {
    name: 'configure-routy',
    title: 'Configure routy, the subnet router',
    summary: 'Converges routy and the tailnet to the bundled settings: forwarding, advertised route, route approval, split DNS and (with --policy) the policy file.',
    purpose:
      'routy advertises the home LAN to the tailnet; forwarding off, a route never approved, an exit node still advertised or a split-DNS entry pointing at the wrong server each break remote access in a way that is slow to diagnose away from home. This runbook reads routy over ssh and the tailnet through the Tailscale API, changes only what differs from manifests/routy and the inventory, and checks the result. A second run sends nothing.',
    prerequisites: [
      'ssh to routy works without a password prompt, by the host alias the inventory names (tailnet.hosts[routy].ssh_alias); ~/.ssh/config applies.',
      'On routy: tailscale installed and logged in (tagged tag:router), ethtool installed, and sudo without a password for tee, sysctl and tailscale (sudo -n).',
      'A Tailscale API access token (or OAuth token with scopes devices:core:read, devices:routes, dns, and policy_file for --policy).',
    ],
    flags: [
      { name: 'policy', type: 'boolean', description: 'Also validate manifests/tailscale/policy.hujson through the API, show the diff against the live policy and apply it with the ETag read (a concurrent edit makes it fail rather than be overwritten).' },
      { name: 'approval-wait', type: 'string', valueName: 'SECONDS', default: '10', description: 'How long to wait for the control plane (auto-approval, primary route) before approving through the API or failing the check.' },
    ],
    secrets: [{ env: 'TAILSCALE_API_KEY', description: 'Tailscale API access token (tskey-api-...). TAILSCALE_TAILNET names the tailnet (default "-", the token\'s own).' }],
    examples: ['--dry-run', '', '--policy', '--yes --json'],
    steps: [
      { id: 'config', kind: 'config', title: 'Read the inventory and the bundled routy settings', run: loadConfig },
      { id: 'reach', kind: 'preflight', title: 'Reach routy over ssh: tailscale installed and logged in; find it in the API', run: checkRouty },
      { id: 'read', kind: 'preflight', title: 'Read forwarding, tailscale settings, UDP GRO, routes, split DNS (and the live policy)', run: readState },
      { id: 'plan', kind: 'plan', title: 'Compare with the desired state', run: (ctx) => void planChanges(ctx) },
      {
        id: 'confirm',
        kind: 'confirm',
        title: 'Confirm the changes',
        run: async (ctx) => {
          if (!ctx.state.todo.length) ctx.skip('already configured: nothing to change');
          if (ctx.dryRun) return void ctx.log(`--dry-run: would ask to apply ${ctx.state.todo.length} change(s)`);
          if (!(await ctx.confirm(`Apply ${ctx.state.todo.length} change(s) to routy and the tailnet?`))) {
            ctx.fail({ code: 'E_DECLINED', expected: 'a yes to apply the changes', found: 'no', next: 'nothing was changed; run again when ready' });
          }
        },
      },
      { id: 'policy', kind: 'apply', title: 'Apply the tailnet policy (--policy)', changes: 'Replaces the tailnet policy file with manifests/tailscale/policy.hujson, only if the live one still has the ETag read.', undo: 'Offered after a later failure: the previous policy is put back with the new ETag; or paste it back in the admin console (Access controls).', run: applyPolicy },
      { id: 'forwarding', kind: 'apply', title: 'Turn on and persist IP forwarding on routy', changes: 'Writes /etc/sysctl.d/99-tailscale.conf on routy (sudo tee, content on stdin) and loads it (sysctl -p).', undo: 'Restore the previous file (or remove it) and `sudo sysctl -w net.ipv4.ip_forward=0`.', run: applyForwarding },
      { id: 'advertise', kind: 'apply', title: 'Advertise the LAN route, no exit node (tailscale set)', changes: 'Runs one `tailscale set` on routy with the flags from manifests/routy/tailscale-settings.yaml that differ (never `tailscale up`).', undo: '`sudo tailscale set` with the previous values, shown in the plan.', run: applySettings },
      { id: 'approve', kind: 'apply', title: 'Approve the route (auto-approver or API)', changes: 'Sets routy\'s enabled routes through the API (POST /api/v2/device/{id}/routes), keeping other approvals and withdrawing exit routes.', undo: 'POST the previous enabled routes, or untick them in the admin console (Machines > routy > Edit route settings).', run: approveRoutes },
      { id: 'split-dns', kind: 'apply', title: 'Point split DNS for the LAN domain at the LAN DNS server', changes: 'PATCH /api/v2/tailnet/-/dns/split-dns for the inventory\'s domain only.', undo: 'PATCH the previous nameservers back (null removes the domain), or edit DNS > Nameservers in the admin console.', run: applySplitDns },
      { id: 'verify', kind: 'verify', title: 'Verify routy and the tailnet', run: verifyRouty },
      {
        id: 'summary',
        kind: 'summary',
        title: 'Summary',
        run: (ctx) => {
          const n = ctx.state.todo.length;
          if (!n) ctx.log('routy is already configured; nothing was sent.');
          else ctx.log(ctx.dryRun ? `${n} change(s) would be made; run without --dry-run to apply them.` : `routy converged: ${n} change(s) made and verified.`);
        },
      },
    ],
  };
});
