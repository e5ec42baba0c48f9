/**
 * Every diagram of the site, generated from the inventory: hosts, deployments, access patterns and status.
 * Planned things are dashed and badged "(planned)", assumed values say "(assumed)" in the label and in the
 * text alternative. Nodes are declared in inventory order, region by region, so edges run side by side
 * instead of crossing. Pages ask for one by name in a ```diagram fence (remark-inventory-diagrams.ts).
 */
import { assumptionFor, proxyOf } from '../inventory/facts.ts';
import { sharedProxies, subnetRouter, type Inventory } from '../inventory/inventory.ts';
import { badge, Flowchart, id, sentenceList, type Diagram } from './mermaid-source.ts';
import { patternDiagram, regionDiagram, migrationDiagram } from './inventory-paths.ts';

export { patternDiagram, regionDiagram, migrationDiagram };

/** " (assumed)" when the value at `key` is assumed. */
export const assumedMark = (inv: Inventory, key: string) => (assumptionFor(inv, key) ? ' (assumed)' : '');

const hostsOf = (inv: Inventory, role: string) =>
  inv.tailnet.hosts.filter((h) => h.role === role && h.status !== 'retired');

function tailnetGroup(inv: Inventory, f: Flowchart, direct: string[]): { personal: string; router: string } {
  const router = subnetRouter(inv);
  const personal = hostsOf(inv, 'personal').map((h) => h.name);
  f.group('tailnet', `Tailnet ${inv.tailnet.range}`, () => {
    f.node('personal', personal.join(', ') || 'personal devices');
    f.node(id(router.name), `${router.name}<br/>subnet router`, router.status);
    f.edge('personal', id(router.name));
    if (direct.length)
      f.node('peers', direct.join(',<br/>')).edge('personal', 'peers', {
        label: 'direct',
        undirected: true,
        dashed: true,
      });
  });
  return { personal: 'personal', router: id(router.name) };
}

const peers = (inv: Inventory) =>
  inv.tailnet.hosts
    .filter((h) => ['workstation', 'infrastructure'].includes(h.role) && h.status !== 'retired')
    .map((h) => h.name);
const dnsLabel = (inv: Inventory) =>
  `DNS .${inv.tailnet.split_dns.domain}<br/>${inv.lan.dns_server}${assumedMark(inv, 'lan.dns_server')}`;

/** The tailnet and the LAN behind the subnet router (Tailscale remote access). */
export function tailnetDiagram(inv: Inventory): Diagram {
  const f = new Flowchart('Tailnet and home LAN');
  const { router } = tailnetGroup(inv, f, peers(inv));
  const services = inv.lan.services.map((s) => s.name);
  f.edge(router, 'dns').edge(router, 'services');
  f.group('lan', `LAN ${inv.lan.subnet}`, () => {
    f.node('dns', dnsLabel(inv));
    f.node('services', `${[...services, 'Kubernetes services'].join(',<br/>')}`);
  });
  const r = subnetRouter(inv);
  return f.render(
    `The personal devices (${sentenceList(hostsOf(inv, 'personal').map((h) => h.name))}) are tailnet peers that reach the home LAN ${inv.lan.subnet} through ${r.name}, the subnet router, and reach ${sentenceList(peers(inv)) || 'no other host'} directly. On the LAN, the DNS server ${inv.lan.dns_server}${assumedMark(inv, 'lan.dns_server')} answers .${inv.tailnet.split_dns.domain} names, next to ${sentenceList([...services, 'the Kubernetes services'])}.`,
    true,
  );
}

type St = Inventory['vpn']['deployments'][number]['status'];
interface Cluster {
  said: string[];
  edges: [string, string][];
  countries: Map<string, { country: string; status: St }>;
  first?: string;
}

/** Inside the cluster: workloads and their shared proxies region by region, then the sidecar pods. */
function cluster(inv: Inventory, f: Flowchart): Cluster {
  const c: Cluster = { said: [], edges: [], countries: new Map() };
  const exit = (country: string, status: St) => {
    const key = id('exit', country);
    const before = c.countries.get(key);
    c.countries.set(key, {
      country,
      status: before?.status === 'live' || status === 'live' ? 'live' : (before?.status ?? status),
    });
    return key;
  };
  // Region by region (a country's proxies, then its sidecars), in inventory order: each exit sits below
  // what uses it, so no edge crosses another.
  const order = [...new Set(inv.vpn.deployments.map((d) => d.country))];
  // Each country's clients, proxies and sidecar pods in one block: blocks keep their members together, so
  // a region's column never interleaves with another's, however many regions there are.
  f.group('cluster', 'Kubernetes cluster', () => {
    for (const country of order) {
      f.group(id('region', country), country, () => {
        proxiesOf(country);
        sidecarsOf(country);
      });
    }
  });
  return c;

  function proxiesOf(country: string) {
    for (const p of sharedProxies(inv).filter((d) => d.country === country)) {
      const clients = inv.workloads.filter((w) => w.egress === p.name);
      const from = clients.length ? clients.map((w) => id(w.name)) : p.example_for ? [id('app', p.name)] : [];
      clients.forEach((w) => f.node(id(w.name), `${w.name} pod`));
      if (!clients.length && p.example_for) f.node(id('app', p.name), 'app pod');
      c.first ??= from[0] ?? id(p.name);
      f.node(id(p.name), p.name, p.status);
      from.forEach((n) => f.edge(n, id(p.name)));
      c.edges.push([id(p.name), exit(p.country, p.status)]);
      c.said.push(
        `${clients.length ? sentenceList(clients.map((w) => w.name)) : p.example_for ? 'an app that must appear from there' : 'no app yet'} → the shared proxy ${p.name}${p.status === 'live' ? '' : ` (${p.status})`} → ProtonVPN ${p.country}`,
      );
    }
  }

  function sidecarsOf(country: string) {
    for (const s of inv.vpn.deployments.filter((d) => d.pattern === 'sidecar' && d.country === country)) {
      f.group(id('pod', s.name), `${s.name} pod${badge(s.status).replace('<br/>', ' ')}`, () => {
        f.node(id(s.name), s.name, s.status)
          .node(id('sidecar', s.name), 'gluetun<br/>sidecar', s.status)
          .edge(id(s.name), id('sidecar', s.name));
      });
      c.first ??= id(s.name);
      c.edges.push([id('sidecar', s.name), exit(s.country, s.status)]);
      c.said.push(`${s.name} → its own gluetun sidecar → ProtonVPN ${s.country}`);
    }
  }
}

/** The ProtonVPN exits by country (and anything else that leaves the home, `more`), below the LAN. */
function egress(f: Flowchart, c: Cluster, more: () => void = () => {}): void {
  f.group('egress', 'Internet egress', () => {
    for (const [key, { country, status }] of c.countries) f.node(key, `ProtonVPN<br/>${country}`, status);
    more();
  });
  for (const [from, to] of c.edges) f.edge(from, to);
}

/** The whole network: tailnet, LAN, cluster, egress (home page and quick reference). */
export function topologyDiagram(inv: Inventory): Diagram {
  const f = new Flowchart('Avalanche network topology');
  const { router } = tailnetGroup(inv, f, peers(inv));
  f.edge(router, 'home');
  let c: Cluster = { said: [], edges: [], countries: new Map() };
  f.group('lan', `LAN ${inv.lan.subnet}`, () => {
    f.node('home', `${dnsLabel(inv)}<br/>${inv.lan.services.map((s) => s.name).join(', ')}`);
    c = cluster(inv, f);
    // Keeps the DNS server and services above the cluster, where the router's arrow comes in.
    f.edge('home', 'cluster', { invisible: true });
  });
  const exits = inv.tailnet.hosts.filter((h) => h.role === 'exit-node' && h.status !== 'retired');
  const today = inv.workloads.filter((w) => w.depends_on_exit_node);
  egress(f, c, () =>
    exits.forEach((x) =>
      f.node(id(x.name), `${x.name}: exit node${assumedMark(inv, `tailnet.hosts.${x.name}`)}<br/>retires in phase 4`),
    ),
  );
  for (const x of exits)
    for (const w of today)
      f.edge(id(w.name), id(x.name), { label: `today${assumedMark(inv, `workloads.${w.name}.depends_on_exit_node`)}` });
  const r = subnetRouter(inv);
  const todayText =
    today.length && exits.length
      ? ` Today ${sentenceList(today.map((w) => w.name))} still leave${today.length === 1 ? 's' : ''} through the exit node ${exits[0].name}${assumedMark(inv, `workloads.${today[0].name}.depends_on_exit_node`)}, which phase 4 retires.`
      : '';
  return f.render(
    `Tailnet peers (${sentenceList([...hostsOf(inv, 'personal').map((h) => h.name), ...peers(inv)])}) reach the home LAN ${inv.lan.subnet} through ${r.name}, the subnet router. On the LAN are the DNS server for .${inv.tailnet.split_dns.domain}, the home services and the Kubernetes cluster. In the cluster: ${c.said.join('; ')}. Dashed lines and "(planned)" mark what is not deployed yet.${todayText}`,
    true,
  );
}

/** VPN egress with gluetun: the cluster, the exits by country and where traffic ends up. */
export function egressDiagram(inv: Inventory): Diagram {
  const f = new Flowchart('VPN egress with gluetun');
  const c = cluster(inv, f);
  egress(f, c);
  for (const p of inv.access_patterns.filter((x) => x.tool !== 'tailscale')) {
    const country =
      p.tool === 'gluetun-shared-proxy'
        ? proxyOf(inv, p.from)?.country
        : inv.vpn.deployments.find((d) => d.name === p.from)?.country;
    if (country) f.node(id('to', p.name), p.to).edge(id('exit', country), id('to', p.name));
  }
  const example = sharedProxies(inv).find((p) => p.example_for && !inv.workloads.some((w) => w.egress === p.name));
  if (example)
    f.node(id('to', example.name), 'region-locked service').edge(id('exit', example.country), id('to', example.name));
  return f.render(
    `In the Kubernetes cluster: ${c.said.join('; ')}. Each ProtonVPN exit leads on to what its clients reach (the IRC network, torrent peers, a region-locked service). Dashed lines and "(planned)" mark what is not deployed yet.`,
    true,
  );
}

/** A diagram by the name a page gives in its ```diagram fence. */
export function diagramByName(inv: Inventory, spec: string): Diagram {
  const [name, arg] = spec.trim().split(/\s+/);
  const known: Record<string, () => Diagram> = {
    topology: () => topologyDiagram(inv),
    tailnet: () => tailnetDiagram(inv),
    egress: () => egressDiagram(inv),
    before: () => migrationDiagram(inv, 'before'),
    after: () => migrationDiagram(inv, 'after'),
    pattern: () => patternDiagram(inv, arg ?? ''),
    region: () => regionDiagram(inv, arg ?? ''),
  };
  const make = known[name];
  if (!make)
    throw new Error(
      `unknown diagram "${spec.trim()}"; expected one of: ${Object.keys(known).join(', ')} (pattern and region take a name).`,
    );
  return make();
}
