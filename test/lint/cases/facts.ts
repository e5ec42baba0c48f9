/**
 * One source of truth (literal-facts.ts, generated.ts, overlap.ts, proxy-clients.ts): a fact typed by hand,
 * a generated file out of step, ranges that collide, a proxy client whose parts disagree, and their
 * valid neighbours. Names and values come from the bundled inventory, never typed here, so a change to
 * the network changes the cases with it.
 */
import { proxyUrl, workloadOf } from '../../../src/lib/inventory/facts.ts';
import { cidrContains } from '../../../src/lib/core/net.ts';
import { DEFAULT_INVENTORY, loadInventory, sharedProxies, subnetRouter } from '../../../src/lib/inventory/inventory.ts';
import { accept, reject, type Case } from '../cases.ts';
import type { Fixture } from '../fixture.ts';

const inv = loadInventory(DEFAULT_INVENTORY);
const bot = workloadOf(inv, 'irc-bot')!;
const BOT = `manifests/${bot.name}/`;
const PROXY = sharedProxies(inv)[0];
const url = proxyUrl(inv, bot.egress);
const PAGE = 'src/content/docs/typed.mdx';
const NS = 'manifests/namespace/namespace.yaml';
const POLICY = 'manifests/tailscale/policy.hujson';

/** A private address in no range the inventory holds (not the LAN, the tailnet or an advertised route). */
const NOWHERE = ['172.31.250.10', '192.168.250.10', '10.250.250.10'].find(
  (ip) =>
    ![inv.lan.subnet, inv.tailnet.range, ...(subnetRouter(inv).advertise_routes ?? [])].some((c) =>
      cidrContains(c, ip),
    ),
)!;
/** Adds a test first in the policy's tests. */
const addTest = (f: Fixture, test: Record<string, unknown>) =>
  f.replace(POLICY, '"tests": [', `"tests": [\n    ${JSON.stringify(test)},`);

/** A Service in the bot's folder, made from a proxy's, selecting `selector`. */
const serviceSelecting = (f: Fixture, selector: string) => {
  const text = f
    .read(`manifests/${PROXY.name}/service.yaml`)
    .split('\n')
    .filter((l) => !/^# (Generated|\(vpn\.proxies\))/.test(l))
    .join('\n');
  f.write(
    `${BOT}service.yaml`,
    text
      .replaceAll(PROXY.name, bot.name)
      .replace(
        `  selector:\n    app.kubernetes.io/name: ${bot.name}`,
        `  selector:\n    app.kubernetes.io/name: ${selector}`,
      ),
  );
  f.replace(`${BOT}kustomization.yaml`, '  - deployment.yaml\n', '  - deployment.yaml\n  - service.yaml\n');
};

export const FACT_CASES: Case[] = [
  reject(
    'inventory/literal-fact',
    'a page typing the LAN subnet',
    PAGE,
    (f) => f.write(PAGE, `The LAN is ${inv.lan.subnet}.\n`),
    /lan\.subnet/,
  ),
  reject(
    'inventory/literal-fact',
    'a manifest comment naming a proxy',
    `${BOT}deployment.yaml`,
    (f) => f.append(`${BOT}deployment.yaml`, `# goes through ${PROXY.name}\n`),
    /a shared proxy the inventory holds/,
  ),
  accept('inventory/literal-fact', 'a page with documentation addresses and the value as an expression', (f) =>
    f.write(PAGE, 'e.g. 192.0.2.1 or 203.0.113.0/24; the LAN is {inv.lan.subnet}.\n'),
  ),
  reject(
    'inventory/literal-allow-stale',
    'an allow-list entry that matches nothing any more',
    'src/lib/lint/literal-facts-allow.ts',
    (f) => f.write('src/content/docs/manifests/lint-rules.mdx', 'Nothing typed.\n'),
  ),
  accept('inventory/literal-allow-stale', 'an allow-listed literal still in its file', (f) =>
    f.write('src/content/docs/manifests/lint-rules.mdx', "{count('routy')} rules\n"),
  ),
  reject(
    'inventory/generated',
    'a generated file edited by hand',
    NS,
    (f) => f.replace(NS, 'warn: privileged', 'warn: restricted'),
    /npm run generate/,
  ),
  reject(
    'inventory/generated',
    'a region in the inventory without its folder',
    'src/data/network.yaml',
    (f) => f.remove(`manifests/${PROXY.name}`),
    /does not exist/,
  ),
  accept('inventory/generated', 'a hand-written app next to the generated ones', (f) =>
    f.append(`${BOT}deployment.yaml`, '# a note\n'),
  ),
  reject('inventory/overlap', 'a service range overlapping the LAN', 'src/data/network.yaml', (f) => {
    f.inventory.kubernetes.service_cidr = f.inventory.lan.subnet;
  }),
  reject(
    'inventory/overlap',
    "a LAN containing ProtonVPN's tunnel gateway",
    'src/data/network.yaml',
    (f) => {
      f.inventory.lan.subnet = `${f.inventory.vpn.tunnel_gateway.replace(/\.\d+$/, '.0')}/24`;
    },
    /tunnel gateway/,
  ),
  reject(
    'inventory/overlap',
    'a LAN moved inside the pod range (reported at lan.subnet, naming the pod range and its line)',
    'src/data/network.yaml',
    (f) => {
      const [base, bits] = f.inventory.kubernetes.pod_cidr.split('/');
      f.inventory.lan.subnet = `${base}/${Math.min(30, Math.max(Number(bits) + 1, 24))}`;
    },
    new RegExp(`^lan\\.subnet \\S+ overlaps kubernetes\\.pod_cidr \\S+ \\(line ${inv.lines['kubernetes.pod_cidr']}\\)`),
  ),
  accept('inventory/overlap', 'a pod range moved to one nothing else uses', (f) => {
    f.inventory.kubernetes.pod_cidr = '172.31.0.0/16';
  }),
  reject(
    'inventory/policy-hosts',
    "the policy's LAN alias left on another range",
    POLICY,
    (f) => f.replace(POLICY, `"${inv.lan.subnet}",`, '"172.31.250.0/24",'),
    /lan\.subnet/,
  ),
  reject('inventory/policy-hosts', 'an alias for an address outside the LAN', POLICY, (f) =>
    f.replace(POLICY, `"${inv.lan.dns_server}",`, '"172.31.250.53",'),
  ),
  accept('inventory/policy-hosts', 'a new alias for a LAN address', (f) =>
    f.replace(POLICY, '"hosts": {', `"hosts": {\n    "nas": "${inv.lan.subnet.replace(/\.0\/\d+$/, '.20')}",`),
  ),
  reject(
    'inventory/policy-addresses',
    'a deny test on an address in no network the inventory knows (passes vacuously)',
    POLICY,
    (f) => addTest(f, { src: 'tag:router', proto: 'tcp', deny: [`${NOWHERE}:443`] }),
    /tests\[0\]\.deny\[0\] names .* so this deny test passes whatever the grants say/,
  ),
  reject('inventory/policy-addresses', 'a grant to a range in no network the inventory knows', POLICY, (f) =>
    f.replace(POLICY, '"dst": ["autogroup:self"],', `"dst": ["autogroup:self", "${NOWHERE}/32"],`),
  ),
  accept('inventory/policy-addresses', 'deny tests on a LAN address and on a public address (the internet)', (f) =>
    addTest(f, {
      src: 'tag:router',
      proto: 'tcp',
      deny: [`${inv.lan.subnet.replace(/\.0\/\d+$/, '.20')}:443`, '198.41.0.4:443'],
    }),
  ),
  reject(
    'k8s/egress-policy-proxy',
    'an egress policy admitting no proxy',
    `${BOT}networkpolicy.yaml`,
    (f) =>
      f.replace(
        `${BOT}networkpolicy.yaml`,
        `app.kubernetes.io/name: ${bot.egress}`,
        'app.kubernetes.io/name: elsewhere',
      ),
    /admits no shared proxy/,
  ),
  accept('k8s/egress-policy-proxy', 'an egress policy that also allows the cluster DNS over TCP only', (f) =>
    f.replace(`${BOT}networkpolicy.yaml`, '        - protocol: UDP\n          port: 53\n', ''),
  ),
  reject(
    'k8s/proxy-env',
    'https_proxy pointing elsewhere',
    `${BOT}deployment.yaml`,
    (f) =>
      f.replace(
        `${BOT}deployment.yaml`,
        `- name: https_proxy\n              value: ${url}`,
        '- name: https_proxy\n              value: http://old:3128',
      ),
    /disagree/,
  ),
  reject(
    'k8s/proxy-env',
    'no_proxy apart from NO_PROXY',
    `${BOT}deployment.yaml`,
    (f) =>
      f.replace(
        `${BOT}deployment.yaml`,
        '- name: no_proxy\n              value: localhost,127.0.0.1',
        '- name: no_proxy\n              value: localhost',
      ),
    /NO_PROXY is/,
  ),
  accept('k8s/proxy-env', 'NO_PROXY and no_proxy both extended the same way', (f) =>
    f.replace(`${BOT}deployment.yaml`, 'value: localhost,127.0.0.1', 'value: localhost,127.0.0.1,.svc', true),
  ),
  reject('k8s/service-selector-scope', "a Service selecting another folder's pods", `${BOT}service.yaml`, (f) =>
    serviceSelecting(f, PROXY.name),
  ),
  accept(
    'k8s/service-selector-scope',
    "a Service selecting its own folder's pods",
    (f) => serviceSelecting(f, bot.name),
    ['k8s/service-target-port'],
  ),
];
