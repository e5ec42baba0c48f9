/**
 * The manifest pages: one per folder under manifests/, rendered by src/pages/manifests/[app].astro, so a
 * region added to the inventory (and generated) gets its page and its sidebar entry with no hand edit.
 * What each page says about its app comes from the inventory: the app's kind, status, country, proxy.
 */
import { listApps } from '../inventory/manifests.ts';
import { proxyOf } from '../inventory/facts.ts';
import { subnetRouter, type Inventory, type VpnDeployment } from '../inventory/inventory.ts';

export type ManifestKind = 'shared-proxy' | 'sidecar' | 'workload' | 'router' | 'policy' | 'namespace' | 'other';

export interface ManifestPage {
  app: string;
  kind: ManifestKind;
  /** One sentence for the page's description (search results, link previews). */
  description: string;
  deployment?: VpnDeployment;
}

export const NAMESPACE_APP = 'namespace';

export function manifestPage(inv: Inventory, app: string): ManifestPage {
  const deployment = inv.vpn.deployments.find((d) => d.name === app);
  const workload = inv.workloads.find((w) => w.name === app);
  if (deployment?.pattern === 'shared-proxy') {
    return {
      app,
      kind: 'shared-proxy',
      deployment,
      description: `The Kubernetes manifests of the shared gluetun proxy that leaves through ProtonVPN ${deployment.country}, generated from the template for its region.`,
    };
  }
  if (deployment)
    return {
      app,
      kind: 'sidecar',
      deployment,
      description: `The Kubernetes manifests of ${app}: ${deployment.description}, leaving through ProtonVPN ${deployment.country}.`,
    };
  if (workload)
    return {
      app,
      kind: 'workload',
      deployment: proxyOf(inv, app),
      description: `The Kubernetes manifests of ${app} (${workload.description}), wired to leave only through the shared proxy ${workload.egress}.`,
    };
  if (app === subnetRouter(inv).name)
    return {
      app,
      kind: 'router',
      description: `The desired state of the subnet router ${app}: its sysctl file and Tailscale settings.`,
    };
  if (app === 'tailscale')
    return { app, kind: 'policy', description: 'The tailnet policy file (HuJSON), with its tests.' };
  if (app === NAMESPACE_APP)
    return {
      app,
      kind: 'namespace',
      description: `The namespace ${inv.kubernetes.namespace} that every VPN workload shares, generated from the inventory.`,
    };
  return { app, kind: 'other', description: `The files of manifests/${app}/.` };
}

/** Every manifest page, in folder order. */
export function manifestPages(inv: Inventory, root = process.cwd()): ManifestPage[] {
  return listApps(root).map((app) => manifestPage(inv, app));
}

/** The sidebar's Manifests entries, one link per folder. */
export function manifestSidebar(root = process.cwd()): { label: string; link: string }[] {
  return listApps(root).map((app) => ({ label: app, link: `/manifests/${app}/` }));
}
