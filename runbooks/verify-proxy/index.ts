// verify-proxy: checks that each shared VPN proxy works end to end, from inside the cluster.
// Reads top to bottom as the steps a person would take; the checks are src/lib/steps (vpn-proxy.ts,
// egress-checks.ts, proxy-verify.ts), shared with phase2-deploy-proxy.
import { defineRunbook } from '../../src/lib/harness/index.ts';
import { Kube } from '../../src/lib/clients/kube.ts';
import { proxyConfig, proxyRegions } from '../../src/lib/steps/vpn-proxy.ts';
import { kubePreflight } from '../../src/lib/steps/egress-checks.ts';
import { verifyBudgetS, verifyProxies } from '../../src/lib/steps/proxy-verify.ts';
import { flags, type Args, type State } from './state.ts';

export default defineRunbook<State, Args>('verify-proxy', (setup) => {
  const inv = setup.inventory;
  const regions = proxyRegions(inv);
  return {
    name: 'verify-proxy',
    kubectl: true,
    title: 'Verify the shared VPN proxies',
    summary:
      'Checks each shared gluetun proxy end to end: VPN up, exit country, client pods through it, others refused.',
    purpose:
      'Run it after deploying a proxy, after a cluster change, or whenever an app behind a proxy misbehaves. It changes nothing ' +
      'except throwaway probe pods, which it always deletes: it asks gluetun for its status and public IP, then starts a pod with ' +
      'the client label that fetches an IP-echo endpoint through the proxy, one without the label that must be refused, and one ' +
      'that goes direct to learn the home IP (compared in memory, never printed or stored).',
    prerequisites: [
      'kubectl, with a context for the cluster (src/data/network.yaml: kubernetes.context, or --context)',
      'The proxy deployed (runbooks/phase2-deploy-proxy.mjs)',
      'Pods may pull the probe image (curlimages/curl) and reach the IP-echo endpoint',
    ],
    flags: flags(inv),
    examples: ['', ...regions.map((r) => `--region ${r}`), '--json --report-dir reports'],
    steps: [
      {
        id: 'config',
        kind: 'config',
        title: 'Read the inventory and the bundled manifests',
        run(ctx) {
          Object.assign(ctx.state, proxyConfig(setup, ctx.args, ctx.flags.context));
          ctx.state.kube = new Kube(ctx.run, ctx.state.context, ctx.state.managedBy);
          for (const t of ctx.state.targets)
            ctx.log(
              `${t.name}: country ${t.country}, ${t.serviceUrl}, client label ${t.clientLabel.key}=${t.clientLabel.value}`,
            );
        },
      },
      {
        id: 'preflight',
        kind: 'preflight',
        title: 'Check kubectl, the context, the cluster and the namespace',
        async run(ctx) {
          const s = ctx.state;
          const ns = await kubePreflight(ctx, s.kube, {
            expectedContext: s.context,
            fromFlag: s.contextFromFlag,
            namespace: s.namespace,
          });
          if (ns === false)
            ctx.fail({
              code: 'E_NOT_DEPLOYED',
              expected: `namespace ${s.namespace}`,
              found: 'it does not exist: nothing is deployed',
              next: 'deploy first: npx zx runbooks/phase2-deploy-proxy.mjs',
            });
        },
      },
      {
        id: 'verify',
        kind: 'verify',
        title: 'Verify each proxy: VPN, country, client through it, others refused, not the home IP',
        budgetS: (ctx) => verifyBudgetS(ctx.state.targets.length, ctx.state.egress.settleS),
        async run(ctx) {
          await verifyProxies(ctx, 'fix the cause above and run again');
        },
      },
      {
        id: 'summary',
        kind: 'summary',
        title: 'Summary',
        run(ctx) {
          for (const t of ctx.state.targets)
            ctx.log(`${t.name}: exit ${ctx.simulated ? '(not checked)' : `country ${t.country}`}`);
        },
      },
    ],
  };
});
