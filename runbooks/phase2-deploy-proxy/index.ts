// phase2-deploy-proxy: migration phase 2, deploy the shared VPN proxies (gluetun + ProtonVPN WireGuard).
// Reads top to bottom as the steps a person would take; planning and applying one proxy is ./deploy.ts,
// the shared checks are in src/lib/steps (vpn-proxy.ts, egress-checks.ts, proxy-verify.ts).
import { confirmStep, defineRunbook } from '../../src/lib/harness/index.ts';
import { Kube, refName } from '../../src/lib/clients/kube.ts';
import { validateWireguardKey, describeSecretSource } from '../../src/lib/core/secrets.ts';
import { keyEnvFor, proxyConfig, proxyRegions } from '../../src/lib/steps/vpn-proxy.ts';
import { kubePreflight } from '../../src/lib/steps/egress-checks.ts';
import { verifyBudgetS, verifyProxies } from '../../src/lib/steps/proxy-verify.ts';
import { planProxy, applyProxy } from './deploy.ts';
import { flags, type Args, type State, type Step } from './state.ts';

/** The proxies a run acts on, named in its question (with no --region that is every one). */
const proxyNames = ({ targets }: State) =>
  targets.length === 1 ? targets[0]!.name : `${targets.length} proxies (${targets.map((t) => t.name).join(', ')})`;

export default defineRunbook<State, Args>('phase2-deploy-proxy', (setup) => {
  const inv = setup.inventory;
  const regions = proxyRegions(inv);

  const config: Step = {
    id: 'config',
    kind: 'config',
    title: 'Read the inventory, the bundled manifests and the flags',
    run(ctx) {
      Object.assign(ctx.state, proxyConfig(setup, ctx.args, ctx.flags.context));
      if (ctx.args.force && !ctx.flags.rollback)
        ctx.fail({
          expected: '--force only together with --rollback',
          found: '--force without --rollback',
          next: 'drop --force (a deploy never deletes anything), or add --rollback',
        });
      const rollout = Number(ctx.args.rolloutTimeout);
      if (!Number.isInteger(rollout) || rollout < 1)
        ctx.fail({
          expected: '--rollout-timeout in whole seconds (1 or more)',
          found: String(ctx.args.rolloutTimeout),
          next: 'e.g. --rollout-timeout 300',
        });
      ctx.state.rolloutTimeoutS = rollout;
      ctx.state.kube = new Kube(ctx.run, ctx.state.context, ctx.state.managedBy);
      ctx.state.labels = {
        'app.kubernetes.io/part-of': ctx.state.partOf,
        'app.kubernetes.io/managed-by': ctx.state.managedBy,
      };
      Object.assign(ctx.state, { keys: {}, plans: [], changes: 0, toDelete: [] });
      for (const t of ctx.state.targets)
        ctx.log(
          `${t.name}: ${t.country}, ${t.objects.length} objects in ${t.kustomizeDir}, key from ${describeSecretSource({ env: t.keyEnv }, ctx.env) ?? `(not set: $${t.keyEnv})`}`,
        );
    },
  };

  const preflight = (withKeys: boolean): Step => ({
    id: 'preflight',
    kind: 'preflight',
    title: withKeys
      ? 'Check kubectl, the context, the cluster, the namespace and the WireGuard keys'
      : 'Check kubectl, the context, the cluster and the namespace',
    async run(ctx) {
      const s = ctx.state;
      s.nsExists = await kubePreflight(ctx, s.kube, {
        expectedContext: s.context,
        fromFlag: s.contextFromFlag,
        namespace: s.namespace,
      });
      if (!withKeys) return;
      for (const t of s.targets) {
        if (ctx.dryRun === 'client') {
          if (!describeSecretSource({ env: t.keyEnv }, ctx.env))
            ctx.warn(
              `no key for ${t.region} ($${t.keyEnv}, $${t.keyEnv}_FILE or $${t.keyEnv}_COMMAND): a real run would refuse here`,
            );
          continue; // --dry-run reads no secret: a _COMMAND would be a command
        }
        const key = await ctx.secret({
          name: `ProtonVPN WireGuard key (${t.region})`,
          env: t.keyEnv,
          example: `pass show protonvpn/wireguard-${t.region}`,
        });
        validateWireguardKey(key);
        s.keys[t.region] = key;
        ctx.log(`${t.region}: WireGuard key from ${key.source} is well-formed (44 base64 characters, 32 bytes)`);
      }
    },
  });

  return {
    name: 'phase2-deploy-proxy',
    kubectl: true,
    title: 'Phase 2: deploy the shared VPN proxies',
    summary: `Deploys the gluetun shared HTTP proxies (ProtonVPN WireGuard; ${regions.join(', ')}) from manifests/vpn-proxy-<region>, then verifies them end to end.`,
    purpose:
      'Phase 2 of the migration: each shared proxy is a gluetun Deployment that apps reach at http://vpn-proxy-<region>.<namespace>.svc:8888 ' +
      'and that leaves through ProtonVPN in its country. The runbook builds the Secrets from your ProtonVPN WireGuard key (read from the ' +
      'environment, a file or a password manager, sent to kubectl on stdin, never printed), shows what `kubectl diff` says will change, ' +
      'applies exactly the bundled manifests with server-side apply, waits for the rollout and runs the same checks as verify-proxy. ' +
      'Run it again at any time: when everything matches it changes nothing and says so.',
    prerequisites: [
      'kubectl, with a context for the cluster (src/data/network.yaml: kubernetes.context, or --context)',
      'A cluster whose network plugin enforces NetworkPolicy (Calico, Cilium, ...), and whose Pod Security admission lets the namespace use the "privileged" level (NET_ADMIN; no container runs privileged)',
      'A ProtonVPN WireGuard private key per region (ProtonVPN > Downloads > WireGuard configuration: the PrivateKey line)',
    ],
    flags: flags(inv),
    secrets: [
      {
        env: 'PROTONVPN_WG_KEY_<REGION>',
        description: `ProtonVPN WireGuard private key per region, e.g. ${regions.map(keyEnvFor).join(', ')}.`,
      },
    ],
    examples: [
      '--dry-run',
      ...regions
        .slice(0, 1)
        .flatMap((r) => [
          `--region ${r} --dry-run`,
          `--region ${r}`,
          `--region ${r} --yes --json`,
          `--rollback --region ${r}`,
        ]),
    ],
    steps: [
      config,
      preflight(true),
      {
        id: 'plan',
        kind: 'plan',
        title: 'Plan: what kubectl diff says will change',
        async run(ctx) {
          const s = ctx.state;
          for (const t of s.targets) {
            if (ctx.dryRun === 'client')
              for (const f of t.app.files.filter((x) => !x.path.endsWith('runbook-secrets.yaml')))
                ctx.show(`${f.path}:`, f.text);
            s.plans.push(
              await planProxy(ctx, s.kube, t, { nsExists: s.nsExists, key: s.keys[t.region], labels: s.labels }),
            );
          }
          s.changes = s.plans.reduce((n, p) => n + p.changes, 0);
          if (!s.changes)
            ctx.log(
              `Nothing to change: ${s.targets.map((t) => t.name).join(', ')} already ${s.targets.length === 1 ? 'matches' : 'match'} the bundled manifests.`,
            );
        },
      },
      confirmStep<State, Args>({
        question: (ctx) =>
          ctx.state.changes
            ? `Apply ${ctx.state.changes} change(s) for ${proxyNames(ctx.state)} to context "${ctx.state.context}"?`
            : undefined,
      }),
      {
        id: 'apply',
        kind: 'apply',
        title: 'Apply the Secrets, then the bundled manifests; wait for the rollout',
        changes:
          'Creates or updates the Secrets vpn-proxy-<region>-wireguard and vpn-proxy-<region>-control-server, and the objects in manifests/vpn-proxy-<region> (Namespace, Deployment, Service, NetworkPolicy), with server-side apply as field manager avalanche-runbooks.',
        undo: 'After a failure the runbook offers to undo exactly what it changed (delete what it created, re-apply what was there before). Later: `npx zx runbooks/phase2-deploy-proxy.mjs --rollback --region <region>` deletes the proxy (the namespace stays).',
        budgetS: (ctx) => ctx.state.targets.length * (ctx.state.rolloutTimeoutS + 120),
        async run(ctx) {
          for (const plan of ctx.state.plans.filter((p) => p.changes))
            await applyProxy(ctx, ctx.state.kube, plan, { rolloutTimeoutS: ctx.state.rolloutTimeoutS });
        },
      },
      {
        id: 'verify',
        kind: 'verify',
        title: 'Verify each proxy (the checks of verify-proxy)',
        budgetS: (ctx) => verifyBudgetS(ctx.state.targets.length, ctx.state.egress.settleS),
        async run(ctx) {
          await verifyProxies(ctx, 'fix the cause above, then run verify-proxy.mjs');
        },
      },
      {
        id: 'summary',
        kind: 'summary',
        title: 'Summary',
        run(ctx) {
          const s = ctx.state;
          const names = s.targets.map((t) => t.name).join(', ');
          ctx.log(
            ctx.dryRun
              ? `${names}: planned only (--dry-run).`
              : s.changes
                ? `${names}: deployed and verified.`
                : `${names}: already deployed as bundled; nothing changed; verified.`,
          );
          ctx.log(
            `Apps use a proxy by carrying the label ${inv.vpn.client_label}=<proxy name> and setting HTTP(S)_PROXY to its URL (see the use-case pages).`,
          );
        },
      },
    ],
    rollback: {
      summary:
        'Deletes the proxy of each --region: its NetworkPolicy, Service, Deployment and both Secrets (never the shared namespace).',
      steps: [
        config,
        preflight(false),
        {
          id: 'users',
          kind: 'preflight',
          title: 'Check that no app still goes out through the proxy',
          async run(ctx) {
            const s = ctx.state;
            if (s.nsExists === false) return;
            for (const t of s.targets) {
              const { key, value } = t.clientLabel;
              const users = await s.kube.podsLabelled(key, value);
              if (users === undefined) continue;
              if (!users.length) {
                ctx.log(`${t.name}: no pod carries ${key}=${value}`);
                continue;
              }
              const names = users.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).join(', ');
              if (ctx.args.force) {
                ctx.warn(
                  `${t.name} is still used by ${names}: deleting it anyway (--force); their connections through it will fail`,
                );
                continue;
              }
              ctx.fail({
                code: 'E_IN_USE',
                expected: `no pod using ${t.name} (label ${key}=${value})`,
                found: `${users.length} pod(s): ${names}`,
                next: 'move them off it first (marmithon: npx zx runbooks/phase3-migrate-marmithon.mjs --rollback), or add --force to delete the proxy anyway',
              });
            }
          },
        },
        {
          id: 'plan',
          kind: 'plan',
          title: "Plan: which of the proxy's objects exist",
          async run(ctx) {
            const s = ctx.state;
            for (const t of s.targets) {
              const refs = [
                ...t.objects.filter((o) => o.kind !== 'Namespace').reverse(),
                { kind: 'Secret', ...t.wireguardSecret, namespace: t.namespace },
                { kind: 'Secret', ...t.controlSecret, namespace: t.namespace },
              ];
              for (const ref of refs) {
                const live = s.nsExists === false ? null : await s.kube.get(ref);
                if (live !== null) s.toDelete.push(ref);
                ctx.log(`${live === null ? '= absent' : '- delete'} ${refName(ref)}`);
              }
            }
            if (!s.toDelete.length) ctx.log('Nothing to delete: the proxies are not deployed.');
          },
        },
        confirmStep<State, Args>({
          question: (ctx) =>
            ctx.state.toDelete.length
              ? `Delete ${ctx.state.toDelete.length} object(s) of ${proxyNames(ctx.state)} in context "${ctx.state.context}"?`
              : undefined,
          nothing: 'nothing to delete',
        }),
        {
          id: 'apply',
          kind: 'apply',
          title: 'Delete the objects',
          changes:
            'Deletes the NetworkPolicy, Service, Deployment and the two Secrets of each proxy it is given (with --region, that one).',
          undo: 'Deploy again: `npx zx runbooks/phase2-deploy-proxy.mjs --region <region>` (the WireGuard key is needed again).',
          async run(ctx) {
            for (const ref of ctx.state.toDelete)
              await ctx.change(`deleted ${refName(ref)}`, () => ctx.state.kube.delete(ref));
          },
        },
        {
          id: 'verify',
          kind: 'verify',
          title: 'Verify that they are gone',
          async run(ctx) {
            for (const ref of ctx.state.toDelete) {
              const live = await ctx.state.kube.get(ref);
              ctx.check(`${refName(ref)} is gone`, live === undefined ? undefined : live === null, {
                expected: 'absent',
                found: live === null ? 'absent' : 'still present (terminating?)',
                next: `kubectl --context ${ctx.state.context} get ${ref.kind.toLowerCase()} ${ref.name} -n ${ref.namespace} -o yaml`,
              });
            }
          },
        },
      ],
    },
  };
});
