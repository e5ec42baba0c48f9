/**
 * Path diagrams from the inventory: one access pattern hop by hop, the example region's path, and the
 * network before and after the migration. Hops that are not live yet are dashed and badged.
 */
import { assumptionFor, exampleProxy, proxyOf } from '../inventory/facts.ts';
import { subnetRouter, type Inventory } from '../inventory/inventory.ts';
import { Flowchart, id, sentenceList, type Diagram } from './mermaid-source.ts';

const mark = (inv: Inventory, key: string) => (assumptionFor(inv, key) ? ' (assumed)' : '');

/** One access pattern, hop by hop (the use-case pages and the home page). */
export function patternDiagram(inv: Inventory, name: string): Diagram {
  const p = inv.access_patterns.find((x) => x.name === name);
  if (!p)
    throw new Error(
      `no access pattern "${name}"; expected one of: ${inv.access_patterns.map((x) => x.name).join(', ')}.`,
    );
  const f = new Flowchart(p.title);
  const ids = p.path.map((_, i) => `hop${i}`);
  const label = (i: number) => `${p.path[i].label}${p.path[i].key ? mark(inv, p.path[i].key!) : ''}`;
  if (p.tool === 'gluetun-sidecar') {
    f.group('pod', `${p.from} pod`, () => {
      f.node(ids[0], p.path[0].label, p.path[0].status)
        .node(ids[1], p.path[1].label, p.path[1].status)
        .edge(ids[0], ids[1]);
    });
    f.node(ids[2], p.path[2].label, p.path[2].status).edge(ids[1], ids[2]);
    f.node(ids[3], p.path[3].label).edge(ids[2], ids[3], { label: 'forwarded port' });
  } else {
    p.path.forEach((_, i) => {
      f.node(ids[i], label(i), p.path[i].status);
      if (i) f.edge(ids[i - 1], ids[i]);
    });
  }
  const planned = p.path.filter((h) => h.status !== 'live').map((h) => h.label);
  return f.render(
    `${p.title}: ${p.path.map((_, i) => label(i)).join(' → ')}.${p.tool === 'gluetun-sidecar' ? ' Peers connect back through the port ProtonVPN forwards.' : ''}${planned.length ? ` Not deployed yet (planned, dashed): ${sentenceList(planned)}.` : ''}`,
  );
}

/** The notes' region example: an app that must appear from a country, through that region's proxy. */
export function regionDiagram(inv: Inventory, useCase: string): Diagram {
  const proxy = exampleProxy(inv, useCase);
  if (!proxy) throw new Error('no shared proxy in the inventory: add a region under vpn.proxies.');
  const f = new Flowchart('App to a region-locked service');
  f.node('app', 'app pod')
    .node('proxy', `${proxy.name} service`, proxy.status)
    .node('exit', `ProtonVPN ${proxy.country}`, proxy.status)
    .node('service', 'Service');
  f.edge('app', 'proxy').edge('proxy', 'exit').edge('exit', 'service');
  return f.render(
    `An app pod that must appear to be in ${proxy.country} connects through the ${proxy.name} service${proxy.status === 'live' ? '' : ` (${proxy.status})`}, which tunnels to ProtonVPN in ${proxy.country}; the service sees an address in ${proxy.country}.`,
  );
}

/** The network before the migration (exit nodes carry egress) or after it (gluetun does). */
export function migrationDiagram(inv: Inventory, when: 'before' | 'after'): Diagram {
  const f = new Flowchart(when === 'before' ? 'Before the migration' : 'After the migration', 'LR');
  const router = subnetRouter(inv);
  const personal = inv.tailnet.hosts.filter((h) => h.role === 'personal').map((h) => h.name);
  const exit = inv.tailnet.hosts.find((h) => h.role === 'exit-node');
  const said: string[] = [];
  f.node('personal', personal.join(', '))
    .node('router', `${router.name}`)
    .node('lan', `home LAN<br/>${inv.lan.subnet}`);
  f.edge('personal', 'router', { label: 'Tailscale' }).edge('router', 'lan');
  said.push(`${sentenceList(personal)} reach the home LAN through ${router.name} over Tailscale`);
  const destinationOf = (from: string) => inv.access_patterns.find((p) => p.from === from)?.to ?? 'the internet';
  for (const w of inv.workloads) {
    const to = id('to', w.name);
    f.node(id(w.name), w.name).node(to, destinationOf(w.name));
    if (when === 'before') {
      const via = exit ? `${exit.name}: exit node${mark(inv, `tailnet.hosts.${exit.name}`)}` : 'an exit node';
      f.node(id('via', w.name), via).edge(id(w.name), id('via', w.name)).edge(id('via', w.name), to);
      said.push(`${w.name} leaves through ${via} to the ${destinationOf(w.name)}`);
    } else {
      const proxy = proxyOf(inv, w.name);
      f.node(id('via', w.name), `${w.egress}`).node(id('exit', w.name), `ProtonVPN ${proxy?.country}`);
      f.edge(id(w.name), id('via', w.name)).edge(id('via', w.name), id('exit', w.name)).edge(id('exit', w.name), to);
      said.push(
        `${w.name} leaves through the shared proxy ${w.egress} and ProtonVPN ${proxy?.country} to the ${destinationOf(w.name)}`,
      );
    }
  }
  for (const s of inv.vpn.deployments.filter((d) => d.pattern === 'sidecar')) {
    f.node(id(s.name), s.name)
      .node(id('sidecar', s.name), 'gluetun sidecar')
      .node(id('exit', s.name), `ProtonVPN ${s.country}`)
      .node(id('to', s.name), destinationOf(s.name));
    f.edge(id(s.name), id('sidecar', s.name))
      .edge(id('sidecar', s.name), id('exit', s.name))
      .edge(id('exit', s.name), id('to', s.name));
    said.push(
      `${s.name} ${when === 'before' ? 'already used' : 'keeps'} its gluetun sidecar to ProtonVPN ${s.country} and its ${destinationOf(s.name).toLowerCase()}`,
    );
  }
  const tail =
    when === 'before'
      ? 'Tailscale carried both jobs.'
      : `Tailscale only carries remote access; ${exit ? `the exit node ${exit.name} and ` : ''}the VPS are gone.`;
  return f.render(`${when === 'before' ? 'Before' : 'After'} the migration: ${said.join('; ')}. ${tail}`, true);
}
