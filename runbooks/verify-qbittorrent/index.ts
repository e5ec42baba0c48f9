// verify-qbittorrent: checks qBittorrent's gluetun sidecar: VPN up in the right country, a forwarded port,
// qBittorrent listening on exactly that port, and never the home IP as its exit.
// Reads top to bottom; the checks are src/lib/steps/egress-checks.ts and the clients gluetun.ts, qbittorrent.ts.
import { defineRunbook } from '../../src/lib/harness/index.ts';
import { loadApp } from '../../src/lib/inventory/manifests.ts';
import { Kube } from '../../src/lib/clients/kube.ts';
import { Gluetun, apiKeyEnvOf } from '../../src/lib/clients/gluetun.ts';
import { gluetunContainer } from '../../src/lib/steps/vpn-proxy.ts';
import { qbPreferences } from '../../src/lib/clients/qbittorrent.ts';
import {
  kubePreflight,
  checkGluetun,
  deploymentAvailable,
  homeIp,
  exitIpOf,
  PROBE_START_S,
  HOME_IP_MASK,
} from '../../src/lib/steps/egress-checks.ts';
import { APP, flags, type Args, type State } from './state.ts';

export default defineRunbook<State, Args>('verify-qbittorrent', (setup) => {
  const inv = setup.inventory;

  return {
    name: 'verify-qbittorrent',
    kubectl: true,
    title: 'Verify qBittorrent behind its gluetun sidecar',
    summary:
      "Checks the torrent client's sidecar VPN: running in the right country, a forwarded port, qBittorrent listening on it, never the home IP.",
    purpose:
      'qBittorrent shares its pod with a gluetun sidecar (ProtonVPN WireGuard with port forwarding). Peers can only connect in if ' +
      "qBittorrent listens on the port ProtonVPN forwarded, which changes after reconnects; gluetun's port-forwarding command sets it. " +
      'This runbook asks gluetun for its status, country and forwarded port, asks qBittorrent for its listening port, and compares the ' +
      "pod's exit IP with the home IP measured by a throwaway pod (compared in memory, never printed). It changes nothing but that pod.",
    prerequisites: [
      'kubectl, with a context for the cluster (src/data/network.yaml: kubernetes.context, or --context)',
      'qBittorrent deployed from manifests/qbittorrent, with "Bypass authentication for clients on localhost" on',
    ],
    flags,
    examples: ['', '--json'],
    steps: [
      {
        id: 'config',
        kind: 'config',
        title: 'Read the inventory and manifests/qbittorrent',
        run(ctx) {
          const s = ctx.state;
          const entry = inv.vpn.deployments.find((d) => d.name === APP);
          const app = loadApp(APP, setup.manifestsRoot);
          const deployment = app.objects.find((o) => o.kind === 'Deployment');
          const settle = Number(ctx.args.settle);
          if (!entry || !deployment)
            return ctx.fail({
              expected: `a "${APP}" VPN deployment in ${setup.inventoryFile} and a Deployment in manifests/${APP}`,
              found: 'one of them missing',
              next: 'restore them',
            });
          if (!Number.isInteger(settle) || settle < 0)
            ctx.fail({
              expected: '--settle in whole seconds (0 or more)',
              found: String(ctx.args.settle),
              next: 'e.g. --settle 60',
            });
          const spec = deployment.spec as {
            template: {
              spec: { containers: Array<{ name: string; ports?: Array<{ name?: string; containerPort: number }> }> };
            };
          };
          const qb = spec.template.spec.containers.find((c) => c.name === APP);
          Object.assign(s, {
            country: entry.country,
            namespace: deployment.metadata.namespace ?? inv.kubernetes.namespace,
            deployment: {
              apiVersion: 'apps/v1',
              kind: 'Deployment',
              name: deployment.metadata.name,
              namespace: deployment.metadata.namespace ?? inv.kubernetes.namespace,
            },
            webuiPort: qb?.ports?.find((p) => p.name === 'webui')?.containerPort ?? 8080,
            context: ctx.flags.context ?? inv.kubernetes.context,
            settleS: settle,
            egress: {
              echoUrl: ctx.args.echoUrl,
              probeImage: ctx.args.probeImage,
              settleS: settle,
              managedBy: inv.kubernetes.labels.managed_by,
              partOf: inv.kubernetes.labels.part_of,
              home: {},
            },
          });
          s.gluetunTarget = {
            resource: `deploy/${APP}`,
            namespace: s.namespace,
            container: 'gluetun',
            port: inv.vpn.control_server_port,
            apiKeyEnv: apiKeyEnvOf(gluetunContainer(deployment)),
          };
          s.kube = new Kube(ctx.run, s.context, inv.kubernetes.labels.managed_by);
          ctx.log(
            `${APP} in ${s.namespace}: VPN country ${s.country}, port forwarding ${entry.port_forwarding ? 'on' : 'off'}, Web UI on ${s.webuiPort}`,
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
            fromFlag: Boolean(ctx.flags.context),
            namespace: s.namespace,
          });
          if (ns === false)
            ctx.fail({
              code: 'E_NOT_DEPLOYED',
              expected: `namespace ${s.namespace}`,
              found: 'absent: qBittorrent is not deployed',
              next: `kubectl apply -k manifests/${APP} (after creating its two Secrets, see manifests/${APP}/runbook-secrets.yaml)`,
            });
        },
      },
      {
        id: 'verify',
        kind: 'verify',
        title: 'Verify the VPN, the country, the forwarded port, the listening port and the exit IP',
        budgetS: (ctx) => 2 * ctx.state.settleS + PROBE_START_S + 150,
        async run(ctx) {
          const s = ctx.state;
          const avail = deploymentAvailable(await s.kube.get(s.deployment));
          ctx.check(`Deployment ${APP} is available`, avail?.ok, {
            expected: 'Available=True',
            found: avail?.found ?? '',
            next: `kubectl --context ${s.context} -n ${s.namespace} describe deployment ${APP}`,
          });
          if (avail && !avail.ok) return;
          const gluetun = new Gluetun(s.kube, s.gluetunTarget);
          const vpn = await checkGluetun(ctx, gluetun, s.country, s.settleS);
          if (vpn === undefined && !ctx.simulated) return;

          const pf = await gluetun.portForward();
          ctx.check('gluetun has a forwarded port', pf === undefined ? undefined : pf.port > 0, {
            expected: 'a non-zero port from /v1/portforward',
            found: `port ${pf?.port}`,
            next: 'check VPN_PORT_FORWARDING=on and that the WireGuard config was generated with NAT-PMP (port forwarding) on; see gluetun\'s log for "port forwarded"',
          });
          if (pf?.port) ctx.fact('qbittorrent.forwardedPort', pf.port);

          const prefs = await qbPreferences(s.kube, s.gluetunTarget, s.webuiPort);
          if (pf?.port === 0)
            ctx.log(
              `qBittorrent listens on ${prefs?.listen_port}; not compared, as there is no forwarded port to compare with`,
            );
          else
            ctx.check(
              'qBittorrent listens on the forwarded port',
              prefs === undefined || pf === undefined ? undefined : prefs.listen_port === pf.port,
              {
                expected: `listen_port ${pf?.port} (the forwarded port)`,
                found: `listen_port ${prefs?.listen_port}`,
                next: "gluetun sets it through VPN_PORT_FORWARDING_UP_COMMAND when the port changes; look for the command's output in gluetun's log, or restart the pod",
              },
            );

          const exit = exitIpOf((await gluetun.fetchFromPod(s.egress.echoUrl)) ?? '', s.egress);
          const home = await homeIp(ctx, s.kube, APP, s.namespace, s.egress);
          if (home === undefined) ctx.check("the pod's exit IP is not the home IP", undefined);
          else {
            ctx.check("the pod's exit IP is not the home IP", exit !== undefined && exit !== home, {
              expected: 'qBittorrent to leave through the VPN',
              found:
                exit === undefined
                  ? `no IP from ${s.egress.echoUrl}`
                  : exit === home
                    ? `the pod leaves with ${HOME_IP_MASK}`
                    : `exit IP ${exit}, not the home IP`,
              next: "stop qBittorrent (kubectl scale deploy/qbittorrent --replicas=0) and read gluetun's log: its firewall should make this impossible",
            });
            ctx.fact('qbittorrent.exitIp', exit === home ? HOME_IP_MASK : exit);
          }
        },
      },
      {
        id: 'summary',
        kind: 'summary',
        title: 'Summary',
        run(ctx) {
          ctx.log(
            ctx.simulated
              ? 'planned only (--dry-run)'
              : `qBittorrent: VPN in ${ctx.state.country}, forwarded port in use, exit IP not the home IP.`,
          );
        },
      },
    ],
  };
});
