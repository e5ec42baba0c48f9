// phase4-retire-exit-nodes: migration phase 4, retire every Tailscale exit node, then the VPS (by hand, guided).
// Reads top to bottom as the steps a person would take; the step code is beside this file (steps.ts,
// verify.ts, vps.ts, rollback.ts, exit-nodes.ts), its state in state.ts.
import { confirmStep, defineRunbook } from '../../src/lib/harness/index.ts';
import * as p4 from './steps.ts';
import * as rb from './rollback.ts';
import { vpsChecklist, summarizeRetire } from './vps.ts';
import { verifyRetired } from './verify.ts';
import { flags, type Args, type State, type Step } from './state.ts';

export default defineRunbook<State, Args>('phase4-retire-exit-nodes', () => {
  const config: Step = {
    id: 'config',
    kind: 'config',
    title: 'Read the inventory (no workload may depend on an exit node), the flags and the API key',
    run: p4.loadPhase4,
  };

  return {
    name: 'phase4-retire-exit-nodes',
    title: 'Phase 4: retire the exit nodes and the VPS',
    summary:
      'Stops every tailnet node from offering itself as an exit node (tailscale set over ssh, approvals withdrawn through the API), verifies none is left, then guides the VPS cancellation and shows the yearly saving.',
    purpose:
      'Phase 4, the last one: egress now goes through gluetun, so Tailscale carries remote access only. The runbook refuses while any ' +
      'workload in src/data/network.yaml still depends on an exit node (depends_on_exit_node: true; marmithon until phase 3 is done and the ' +
      'inventory says so). It finds every node that offers, advertises or still has an approval for 0.0.0.0/0 and ::/0 (tailscale status ' +
      "--json and the API), runs `tailscale set --advertise-exit-node=false` on each one it can reach over ssh (other routes, such as the subnet router's " +
      'LAN route, are kept), withdraws the exit-route approvals through the API, records what it changed, and checks that no node is an ' +
      'exit-node option any more. The VPS is retired by hand: a checklist asks you to confirm each step (--yes does not answer it; use ' +
      '--vps-done or --skip-vps without a terminal). `--rollback` re-advertises and re-approves exactly what it removed.',
    prerequisites: [
      "Phase 3 done and marmithon's depends_on_exit_node set to false in src/data/network.yaml (the runbook refuses otherwise).",
      'tailscale on this machine, logged in to the tailnet.',
      "ssh without a password prompt to each node that advertises an exit node (alias: --ssh-alias, else the inventory's ssh_alias, else its MagicDNS name), and `sudo -n tailscale` allowed there. Phones and desktop apps are switched off by hand; the runbook says which.",
      'A Tailscale API access token (scopes devices:core:read and devices:routes).',
      'The record for --rollback is kept in $AVALANCHE_STATE_DIR, else ${XDG_STATE_HOME:-~/.local/state}/avalanche/ (never in git).',
    ],
    flags,
    secrets: [
      {
        env: 'TAILSCALE_API_KEY',
        description:
          'Tailscale API access token (tskey-api-...). TAILSCALE_TAILNET names the tailnet (default "-", the token\'s own).',
      },
    ],
    examples: ['--dry-run', '', '--yes --skip-vps', '--yes --vps-done --json', '--rollback --dry-run', '--rollback'],
    steps: [
      config,
      {
        id: 'tailnet',
        kind: 'preflight',
        title: 'Find every node that offers, advertises or has an approved exit route',
        run: p4.readTailnet,
      },
      {
        id: 'reach',
        kind: 'preflight',
        title: 'Reach each advertising node (ssh), or mark it as a by-hand step',
        run: p4.reachNodes,
      },
      { id: 'plan', kind: 'plan', title: 'Plan: what will be switched off', run: p4.planRetire },
      confirmStep<State, Args>({ question: p4.retireQuestion }),
      {
        id: 'advertise',
        kind: 'apply',
        title: 'Stop advertising the exit routes on each reachable node',
        changes:
          'Runs `sudo -n tailscale set --advertise-exit-node=false` on each node (over ssh, or here), which removes 0.0.0.0/0 and ::/0 and keeps its other routes; recorded node by node.',
        undo: 'Offered right away after a later failure; later: --rollback runs `tailscale set --advertise-exit-node=true` on the same nodes.',
        run: p4.stopAdvertising,
      },
      {
        id: 'approvals',
        kind: 'apply',
        title: 'Withdraw the exit-route approvals (Tailscale API)',
        changes:
          "POST /api/v2/device/{id}/routes with the device's approved routes minus 0.0.0.0/0 and ::/0; recorded node by node.",
        undo: '--rollback approves the same routes again (or tick them in the admin console).',
        run: p4.withdrawApprovals,
      },
      {
        id: 'verify',
        kind: 'verify',
        title: 'Verify: no node is an exit-node option, no exit route approved, other routes kept',
        budgetS: (ctx) => ctx.state.settleS + 120,
        run: verifyRetired,
      },
      {
        id: 'vps',
        kind: 'verify',
        title: 'Retire the VPS: confirm each manual step (no provider API)',
        run: vpsChecklist,
      },
      { id: 'summary', kind: 'summary', title: 'Summary and the yearly saving', run: summarizeRetire },
    ],
    rollback: {
      summary:
        'Re-advertises the exit routes on the nodes this runbook stopped, and approves again the exit routes it withdrew (from the record). The VPS is not restored.',
      steps: [
        config,
        {
          id: 'record',
          kind: 'preflight',
          title: 'Read the record; check this machine and the nodes to reach',
          run: rb.readRollbackRecord,
        },
        { id: 'plan', kind: 'plan', title: 'Plan: what will be put back', run: rb.planRollback },
        confirmStep<State, Args>({ question: rb.rollbackQuestion }),
        {
          id: 'advertise',
          kind: 'apply',
          title: 'Advertise the exit routes again',
          changes: 'Runs `sudo -n tailscale set --advertise-exit-node=true` on each recorded node.',
          undo: 'Run phase 4 again.',
          run: rb.readvertise,
        },
        {
          id: 'approvals',
          kind: 'apply',
          title: 'Approve the withdrawn exit routes again',
          changes: 'POST /api/v2/device/{id}/routes with the current approved routes plus the recorded exit routes.',
          undo: 'Run phase 4 again.',
          run: rb.reapprove,
        },
        {
          id: 'verify',
          kind: 'verify',
          title: 'Verify: the nodes advertise and have their approvals again',
          budgetS: (ctx) => ctx.state.settleS + 120,
          run: rb.verifyRollback,
        },
        { id: 'summary', kind: 'summary', title: 'Summary', run: rb.summarizeRollback },
      ],
    },
  };
});
