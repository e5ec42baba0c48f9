/**
 * One case per rule of the one-source-of-truth family (literal-facts.ts, generated.ts, overlap.ts,
 * proxy-clients.ts) in the shape test/lint/rules.test.ts runs: break a copy of the bundled manifests once,
 * with values from the bundled inventory. test/lint/inventory-facts.test.ts covers each rule in detail.
 */
import { proxyUrl, workloadOf } from '../../src/lib/inventory/facts.ts';
import { sharedProxies } from '../../src/lib/inventory/inventory.ts';
import type { Fixture } from './fixture.ts';

interface Case {
  rule: string;
  what: string;
  file: string;
  edit: (f: Fixture) => void;
}

const bot = (f: Fixture) => workloadOf(f.inventory, 'irc-bot')!;
const proxy = (f: Fixture) => sharedProxies(f.inventory)[0];

export const FACT_CASES: Case[] = [
  { rule: 'inventory/literal-fact', what: 'a page typing the LAN subnet', file: 'src/content/docs/typed.mdx', edit: (f) => f.write('src/content/docs/typed.mdx', `The LAN is ${f.inventory.lan.subnet}.\n`) },
  { rule: 'inventory/literal-allow-stale', what: 'an allow-list entry that matches nothing', file: 'src/lib/lint/literal-facts-allow.ts', edit: (f) => f.write('src/content/docs/manifests/lint-rules.mdx', 'Nothing typed.\n') },
  { rule: 'inventory/generated', what: 'a generated file edited by hand', file: 'manifests/namespace/namespace.yaml', edit: (f) => f.replace('manifests/namespace/namespace.yaml', 'warn: privileged', 'warn: restricted') },
  { rule: 'inventory/overlap', what: 'a service range overlapping the LAN', file: 'src/data/network.yaml', edit: (f) => { f.inventory.kubernetes.service_cidr = f.inventory.lan.subnet; } },
  { rule: 'k8s/egress-policy-proxy', what: 'an egress policy admitting no proxy', file: '', edit: (f) => f.replace(`manifests/${bot(f).name}/networkpolicy.yaml`, `app.kubernetes.io/name: ${bot(f).egress}`, 'app.kubernetes.io/name: elsewhere') },
  { rule: 'k8s/proxy-env', what: 'https_proxy pointing elsewhere', file: '', edit: (f) => f.replace(`manifests/${bot(f).name}/deployment.yaml`, `- name: https_proxy\n              value: ${proxyUrl(f.inventory, bot(f).egress)}`, '- name: https_proxy\n              value: http://old:3128') },
  { rule: 'k8s/service-selector-scope', what: 'a Service selecting a proxy\'s pods from another folder', file: '', edit: (f) => { const p = proxy(f); const dir = `manifests/${bot(f).name}`; f.write(`${dir}/service.yaml`, f.read(`manifests/${p.name}/service.yaml`).split('\n').filter((l) => !l.startsWith('# Generated') && !l.startsWith('# (vpn.proxies)')).join('\n').replace(`  name: ${p.name}\n`, `  name: ${bot(f).name}\n`).replace(/(app\.kubernetes\.io\/name: )[a-z0-9-]+(\n    app\.kubernetes\.io\/component)/, `$1${bot(f).name}$2`)); f.replace(`${dir}/kustomization.yaml`, '  - deployment.yaml\n', '  - deployment.yaml\n  - service.yaml\n'); } },
];

/** The file each case's finding is in, once the fixture is known (cases above leave it '' when it depends on the inventory). */
export const factCaseFile = (c: Case, f: Fixture): string =>
  c.file || (c.rule === 'k8s/egress-policy-proxy' ? `manifests/${bot(f).name}/networkpolicy.yaml` : c.rule === 'k8s/proxy-env' ? `manifests/${bot(f).name}/deployment.yaml` : `manifests/${bot(f).name}/service.yaml`);
