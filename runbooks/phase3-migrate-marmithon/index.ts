// phase3-migrate-marmithon: migration phase 3, move the marmithon IRC bot onto the shared proxy the inventory
// names for it (workloads[marmithon].egress). Reads top to bottom as the steps a person would take; the step
// code is beside this file (steps.ts, verify.ts, rollback.ts, migration.ts), its state in state.ts.
import { confirmStep, defineRunbook } from '../../src/lib/harness/index.ts';
import * as p3 from './steps.ts';
import * as rb from './rollback.ts';
import { verifyFromPod } from './verify.ts';
import { egressProxy, WORKLOAD } from './migration.ts';
import { flags, type Args, type State, type Step } from './state.ts';

export default defineRunbook<State, Args>('phase3-migrate-marmithon', (setup) => {
  const config: Step = {
    id: 'config',
    kind: 'config',
    title: 'Read the inventory, manifests/marmithon and the record file',
    run: p3.loadPhase3,
  };
  // The proxy this runbook moves marmithon onto, from the inventory (workloads[marmithon].egress).
  const proxy = egressProxy(setup.inventory);
  const inventory = setup.inventoryFile;

  return {
    name: 'phase3-migrate-marmithon',
    kubectl: true,
    title: `Phase 3: move ${WORKLOAD} onto the shared proxy`,
    summary: `Points the ${WORKLOAD} IRC bot at ${proxy.name} (${proxy.country}) by applying manifests/${WORKLOAD}, after recording its current configuration, and verifies from inside its pod that it leaves with the VPN's IP.`,
    purpose:
      'Phase 3 of the migration: until now marmithon leaves through the old exit node. This runbook refuses unless the proxy it will use ' +
      `(the inventory's workloads[${WORKLOAD}].egress, ${proxy.name}) passes every check of verify-proxy right now. It records the live ` +
      'marmithon objects (shown in the plan) in a local state file, applies exactly the bundled manifests/marmithon with server-side apply, ' +
      "waits for the rollout, and checks from inside the marmithon pod that its traffic through the proxy leaves with the VPN's IP, not the " +
      'home IP, and that a direct connection is blocked. `--rollback` puts the recorded configuration back. A second run changes nothing.',
    prerequisites: [
      `Phase 2 done: ${proxy.name} deployed and passing verify-proxy (the runbook checks this and refuses otherwise).`,
      `kubectl, with a context for the cluster (${inventory}: kubernetes.context, or --context).`,
      "The bot's real image set in manifests/marmithon/deployment.yaml, with the placeholder annotation removed (a real run refuses while it is there).",
      "sh with curl or wget in the bot's image, for the check from inside its pod (busybox is enough).",
      'The record for --rollback is kept in $AVALANCHE_STATE_DIR, else ${XDG_STATE_HOME:-~/.local/state}/avalanche/ (mode 0600, never in git).',
    ],
    flags,
    examples: ['--dry-run', '', '--yes --json', '--rollback --dry-run', '--rollback'],
    steps: [
      config,
      {
        id: 'cluster',
        kind: 'preflight',
        title: 'Check kubectl, the context, the cluster and the namespace',
        run: p3.checkCluster,
      },
      {
        id: 'proxy',
        kind: 'preflight',
        title: `Precondition: ${proxy.name} passes the checks of verify-proxy`,
        budgetS: p3.verifyBudget,
        run: p3.checkProxy,
      },
      {
        id: 'read',
        kind: 'preflight',
        title: "Read marmithon's live configuration (what --rollback restores)",
        run: p3.readLive,
      },
      { id: 'plan', kind: 'plan', title: 'Plan: what kubectl diff says will change', run: p3.planApply },
      confirmStep<State, Args>({
        question: (ctx) =>
          ctx.state.changed
            ? `Apply ${ctx.state.cfg.app.dir} to context "${ctx.state.context}" (the current configuration is recorded for --rollback)?`
            : undefined,
      }),
      {
        id: 'apply',
        kind: 'apply',
        title: `Record ${WORKLOAD}'s configuration, then apply manifests/${WORKLOAD} (server-side apply)`,
        changes: `First writes the live ${WORKLOAD} objects to the local record file (mode 0600; kept if one from before phase 3 is there), then applies manifests/${WORKLOAD} (Namespace unchanged, Deployment with the client label and proxy variables, egress NetworkPolicy) as field manager avalanche-runbooks, taking over fields another tool set.`,
        undo: 'Offered right away after a later failure; later: `npx zx runbooks/phase3-migrate-marmithon.mjs --rollback` puts the recorded objects back (and deletes those that did not exist).',
        run: p3.applyBundle,
      },
      {
        id: 'rollout',
        kind: 'apply',
        title: `Wait for ${WORKLOAD} to roll out`,
        changes: 'Nothing by itself: waits for the new pod.',
        undo: 'See the apply step.',
        budgetS: (ctx) => ctx.state.rolloutTimeoutS + 30,
        run: p3.waitRollout,
      },
      {
        id: 'verify',
        kind: 'verify',
        title: `Verify from inside the ${WORKLOAD} pod: through ${proxy.name}, the VPN's IP in ${proxy.country}, not the home IP; direct blocked`,
        budgetS: p3.verifyBudget,
        run: verifyFromPod,
      },
      { id: 'summary', kind: 'summary', title: 'Summary', run: p3.summarize },
    ],
    rollback: {
      summary:
        "Restores marmithon's configuration recorded before phase 3 (replaces each recorded object, deletes those that did not exist); shows it first. The proxy stays.",
      steps: [
        config,
        {
          id: 'record',
          kind: 'preflight',
          title: 'Read the record, check the cluster, read what is live now',
          run: rb.readRecordAndLive,
        },
        { id: 'plan', kind: 'plan', title: 'Plan: what will be put back', run: rb.planRestore },
        confirmStep<State, Args>({ question: rb.restoreQuestion }),
        {
          id: 'restore',
          kind: 'apply',
          title: 'Put the recorded objects back',
          changes:
            'kubectl replace of each recorded object (exactly as recorded), kubectl delete of those that did not exist before phase 3; the record is marked rolled back.',
          undo: 'Run phase 3 again: npx zx runbooks/phase3-migrate-marmithon.mjs',
          run: rb.restore,
        },
        {
          id: 'rollout',
          kind: 'apply',
          title: 'Wait for the restored marmithon to roll out',
          changes: 'Nothing by itself: waits for the restored pod.',
          undo: 'See the restore step.',
          budgetS: (ctx) => ctx.state.rolloutTimeoutS + 30,
          run: rb.waitRestoredRollout,
        },
        {
          id: 'verify',
          kind: 'verify',
          title: 'Verify that every recorded object is as recorded',
          run: rb.verifyRestored,
        },
        { id: 'summary', kind: 'summary', title: 'Summary', run: rb.summarizeRollback },
      ],
    },
  };
});
