// phase3-migrate-marmithon: migration phase 3, move the marmithon IRC bot onto the shared proxy vpn-proxy-iceland.
// Reads top to bottom as the steps a person would take; the logic lives in src/lib (marmithon-steps.ts,
// marmithon-verify.ts, marmithon-rollback.ts, marmithon-migration.ts, migration-state.ts, proxy-verify.ts); the harness is src/lib/harness/index.ts.
import { defineRunbook, type StepDecl } from '../../src/lib/harness/index.ts';
import { ECHO_URL, PROBE_IMAGE } from '../../src/lib/steps/egress-checks.ts';
import * as p3 from './steps.ts';
import * as rb from './rollback.ts';
import { verifyFromPod } from './verify.ts';

export default defineRunbook('phase3-migrate-marmithon', (setup) => {
  const config: StepDecl = { id: 'config', kind: 'config', title: 'Read the inventory, manifests/marmithon and the record file', run: p3.loadPhase3 };

  return {
    name: 'phase3-migrate-marmithon',
    kubectl: true,
    title: 'Phase 3: move marmithon onto the shared proxy',
    summary: 'Points the marmithon IRC bot at vpn-proxy-iceland by applying manifests/marmithon, after recording its current configuration, and verifies from inside its pod that it leaves with the VPN\'s IP.',
    purpose:
      'Phase 3 of the migration: until now marmithon leaves through the old exit node. This runbook refuses unless the proxy it will use ' +
      '(the inventory\'s workloads[marmithon].egress, vpn-proxy-iceland) passes every check of verify-proxy right now. It records the live ' +
      'marmithon objects (shown in the plan) in a local state file, applies exactly the bundled manifests/marmithon with server-side apply, ' +
      'waits for the rollout, and checks from inside the marmithon pod that its traffic through the proxy leaves with the VPN\'s IP, not the ' +
      'home IP, and that a direct connection is blocked. `--rollback` puts the recorded configuration back. A second run changes nothing.',
    prerequisites: [
      'Phase 2 done: vpn-proxy-iceland deployed and passing verify-proxy (the runbook checks this and refuses otherwise).',
      'kubectl, with a context for the cluster (src/data/network.yaml: kubernetes.context, or --context).',
      'The bot\'s real image set in manifests/marmithon/deployment.yaml, with the placeholder annotation removed (a real run refuses while it is there).',
      'sh with curl or wget in the bot\'s image, for the check from inside its pod (busybox is enough).',
      'The record for --rollback is kept in $AVALANCHE_STATE_DIR, else ${XDG_STATE_HOME:-~/.local/state}/avalanche/ (mode 0600, never in git).',
    ],
    flags: [
      { name: 'echo-url', type: 'string', valueName: 'URL', default: ECHO_URL, description: 'An IP-echo endpoint fetched from the pod (it answers with the caller\'s IP as plain text).' },
      { name: 'probe-image', type: 'string', valueName: 'IMAGE', default: PROBE_IMAGE, description: 'Image of the throwaway probe pods of the proxy check and of the home-IP measurement (needs curl).' },
      { name: 'settle', type: 'string', valueName: 'SECONDS', default: '60', description: 'How long to wait for gluetun to report the VPN running and a public IP.' },
      { name: 'rollout-timeout', type: 'string', valueName: 'SECONDS', default: '180', description: 'How long to wait for marmithon to roll out.' },
    ],
    examples: ['--dry-run', '', '--yes --json', '--rollback --dry-run', '--rollback'],
    steps: [
      config,
      { id: 'cluster', kind: 'preflight', title: 'Check kubectl, the context, the cluster and the namespace', run: p3.checkCluster },
      { id: 'proxy', kind: 'preflight', title: 'Precondition: vpn-proxy-iceland passes the checks of verify-proxy', run: p3.checkProxy },
      { id: 'read', kind: 'preflight', title: 'Read marmithon\'s live configuration (what --rollback restores)', run: p3.readLive },
      { id: 'plan', kind: 'plan', title: 'Plan: what kubectl diff says will change', run: p3.planApply },
      { id: 'confirm', kind: 'confirm', title: 'Confirm', run: p3.confirmApply },
      {
        id: 'record',
        kind: 'apply',
        title: 'Record the current configuration for --rollback',
        changes: 'Writes the live marmithon objects to the local record file (mode 0600), unless a record from before phase 3 is already there.',
        undo: 'Nothing to undo on the cluster; --rollback reads the record and marks it rolled back.',
        run: p3.writeLiveRecord,
      },
      {
        id: 'apply',
        kind: 'apply',
        title: 'Apply manifests/marmithon (server-side apply)',
        changes: 'Applies manifests/marmithon (Namespace unchanged, Deployment with the client label and proxy variables, egress NetworkPolicy) as field manager avalanche-runbooks, taking over fields another tool set.',
        undo: 'Offered right away after a later failure; later: `npx zx runbooks/phase3-migrate-marmithon.mjs --rollback` puts the recorded objects back (and deletes those that did not exist).',
        run: p3.applyBundle,
      },
      { id: 'rollout', kind: 'apply', title: 'Wait for marmithon to roll out', changes: 'Nothing by itself: waits for the new pod.', undo: 'See the apply step.', run: p3.waitRollout },
      { id: 'verify', kind: 'verify', title: 'Verify from inside the marmithon pod: through the proxy, the VPN\'s IP, not the home IP; direct blocked', run: verifyFromPod },
      { id: 'summary', kind: 'summary', title: 'Summary', run: p3.summarize },
    ],
    rollback: {
      summary: 'Restores marmithon\'s configuration recorded before phase 3 (replaces each recorded object, deletes those that did not exist); shows it first. The proxy stays.',
      steps: [
        config,
        { id: 'record', kind: 'preflight', title: 'Read the record, check the cluster, read what is live now', run: rb.readRecordAndLive },
        { id: 'plan', kind: 'plan', title: 'Plan: what will be put back', run: rb.planRestore },
        { id: 'confirm', kind: 'confirm', title: 'Confirm', run: rb.confirmRestore },
        {
          id: 'restore',
          kind: 'apply',
          title: 'Put the recorded objects back',
          changes: 'kubectl replace of each recorded object (exactly as recorded), kubectl delete of those that did not exist before phase 3; the record is marked rolled back.',
          undo: 'Run phase 3 again: npx zx runbooks/phase3-migrate-marmithon.mjs',
          run: rb.restore,
        },
        { id: 'rollout', kind: 'apply', title: 'Wait for the restored marmithon to roll out', changes: 'Nothing by itself: waits for the restored pod.', undo: 'See the restore step.', run: rb.waitRestoredRollout },
        { id: 'verify', kind: 'verify', title: 'Verify that every recorded object is as recorded', run: rb.verifyRestored },
        { id: 'summary', kind: 'summary', title: 'Summary', run: rb.summarizeRollback },
      ],
    },
  };
});
