/**
 * Agreement with the inventory (inventory.ts): a manifest that drifts from a fact, and a fact changed in the
 * inventory together with every manifest that states it.
 */
import { proxyUrl } from '../../../src/lib/inventory/facts.ts';
import {
  accept,
  BOT,
  DNS,
  FIRST,
  ICE,
  INV,
  lanHost,
  MAR,
  NL,
  POLICY,
  QB,
  reject,
  replaceEverywhere,
  setEnv,
  type Case,
} from '../cases.ts';
import type { Fixture } from '../fixture.ts';

/** A second IRC-bot-like workload: marmithon's folder copied under another name, and in the inventory. */
const secondWorkload = (f: Fixture) => {
  for (const file of f.files().filter((x) => x.startsWith(MAR))) {
    f.write(file.replace(MAR, 'manifests/marvin/'), f.read(file).replaceAll('marmithon', 'marvin'));
  }
  f.inventory.workloads.push({ ...f.inventory.workloads[0], name: 'marvin' });
};

export const INVENTORY_CASES: Case[] = [
  reject('inventory/app-folders', 'a proxy folder missing', 'src/data/network.yaml', (f) => f.remove(NL)),
  reject('inventory/app-folders', 'a folder the inventory does not know', 'manifests/extra/kustomization.yaml', (f) =>
    f.write(
      'manifests/extra/kustomization.yaml',
      f.read(`${MAR}kustomization.yaml`).replace('  - deployment.yaml\n  - networkpolicy.yaml\n', ''),
    ),
  ),
  accept('inventory/app-folders', 'a new workload with its folder and its inventory entry', secondWorkload),
  reject('inventory/pattern', 'a shared proxy without its NetworkPolicy', `${ICE}deployment.yaml`, (f) => {
    f.replace(`${ICE}kustomization.yaml`, '  - networkpolicy.yaml\n', '');
    f.remove(`${ICE}networkpolicy.yaml`);
  }),
  accept('inventory/pattern', "the sidecar's app container renamed", (f) =>
    f.replace(
      `${QB}deployment.yaml`,
      '        - name: qbittorrent\n          # A tag',
      '        - name: torrent\n          # A tag',
    ),
  ),
  reject('inventory/country', 'another country in the inventory', `${ICE}deployment.yaml`, (f) => {
    f.inventory.vpn.deployments.find((d) => d.name === `${FIRST.name}`)!.country = 'Sweden';
  }),
  accept('inventory/country', 'the country lowercased (gluetun matches without case)', (f) =>
    setEnv(f, `${ICE}deployment.yaml`, 'SERVER_COUNTRIES', FIRST.country, FIRST.country.toLowerCase()),
  ),
  reject('inventory/vpn-settings', 'port forwarding off in the inventory', `${QB}deployment.yaml`, (f) => {
    f.inventory.vpn.deployments.find((d) => d.name === 'qbittorrent')!.port_forwarding = false;
  }),
  reject('inventory/vpn-settings', 'another pinned image in the inventory', `${ICE}deployment.yaml`, (f) => {
    f.inventory.vpn.image = 'qmcgaw/gluetun:v3.41.0';
  }),
  accept('inventory/vpn-settings', 'the provider capitalised (read lowercased)', (f) =>
    setEnv(f, `${ICE}deployment.yaml`, 'VPN_SERVICE_PROVIDER', 'protonvpn', 'ProtonVPN'),
  ),
  reject('inventory/namespace', 'another namespace in the inventory', `${MAR}deployment.yaml`, (f) => {
    f.inventory.kubernetes.namespace = 'vpn';
  }),
  accept('inventory/namespace', 'another namespace in the inventory and every manifest', (f) => {
    f.inventory.kubernetes.namespace = 'egress';
    replaceEverywhere(f, 'vpn-egress', 'egress');
  }),
  reject('inventory/labels', 'another part-of in the inventory', `${ICE}service.yaml`, (f) => {
    f.inventory.kubernetes.labels.part_of = 'avalanche';
  }),
  accept('inventory/labels', 'another managed-by in the inventory and every manifest', (f) => {
    f.inventory.kubernetes.labels.managed_by = 'avalanche-ops';
    replaceEverywhere(f, 'managed-by: avalanche-runbooks', 'managed-by: avalanche-ops');
  }),
  reject('inventory/ports', 'another proxy port in the inventory', `${ICE}deployment.yaml`, (f) => {
    f.inventory.vpn.http_proxy_port = 3128;
  }),
  accept('inventory/ports', 'another proxy port in the inventory and every manifest', (f) => {
    f.inventory.vpn.http_proxy_port = 3128;
    replaceEverywhere(f, '8888', '3128');
  }),
  reject('inventory/client-label', 'another client label in the inventory', `${MAR}deployment.yaml`, (f) => {
    f.inventory.vpn.client_label = 'avalanche.network/client';
  }),
  reject('inventory/client-label', 'marmithon pointing at another proxy', `${MAR}deployment.yaml`, (f) =>
    f.replace(
      `${MAR}deployment.yaml`,
      `value: ${proxyUrl(INV, BOT.egress)}`,
      `value: ${proxyUrl(INV, 'vpn-proxy-elsewhere')}`,
    ),
  ),
  accept('inventory/client-label', 'another client label in the inventory and every manifest', (f) => {
    f.inventory.vpn.client_label = 'avalanche.network/egress';
    replaceEverywhere(f, 'avalanche.network/vpn-client', 'avalanche.network/egress');
  }),
  reject('inventory/policy-tests', 'another DNS server in the inventory', POLICY, (f) => {
    f.inventory.lan.dns_server = lanHost(INV.lan.dns_server_host + 1);
  }),
  accept('inventory/policy-tests', 'another DNS server in the inventory and the policy', (f) => {
    f.inventory.lan.dns_server = lanHost(INV.lan.dns_server_host + 1);
    f.replace(POLICY, DNS, lanHost(INV.lan.dns_server_host + 1), true);
  }),
];
