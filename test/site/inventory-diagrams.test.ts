/**
 * Diagrams generated from the inventory (src/lib/site/inventory-diagrams.ts, inventory-paths.ts) and the
 * ```diagram fence that places them (remark-inventory-diagrams.ts), on the fixture inventory: what each
 * draws follows the inventory (a new region, a planned proxy, an assumed value), and every one is valid
 * Mermaid that goes through the site's own pipeline.
 */
import { markdownConfigDefaults, unified } from '@astrojs/markdown-remark';
import { describe, expect, test } from 'vitest';
import { mermaidSyntaxError } from '../../src/lib/site/mermaid-parse.ts';
import { diagramSetup } from '../../src/lib/site/diagrams.ts';
import {
  diagramByName,
  egressDiagram,
  migrationDiagram,
  patternDiagram,
  regionDiagram,
  tailnetDiagram,
  topologyDiagram,
} from '../../src/lib/site/inventory-diagrams.ts';
import { remarkInventoryDiagrams } from '../../src/lib/site/remark-inventory-diagrams.ts';
import { editFixture, fixtureInventory } from '../inventory/fixture.ts';

const inv = fixtureInventory();
const ALL = [
  'topology',
  'tailnet',
  'egress',
  'before',
  'after',
  'pattern remote-access',
  'pattern irc-bot',
  'pattern torrent',
  'region region-specific-access',
];

describe('diagrams from the inventory', () => {
  test.each(ALL)('%s has a title and a text alternative drawn from the inventory', (name) => {
    const d = diagramByName(inv, name);
    expect(d.source).toMatch(/^\s*accTitle: .+$/m);
    expect(d.source).toMatch(/^\s*accDescr: .{40,}$/m);
    expect(`${d.source}\n${d.description}`).toMatch(/gateway|chatbot|torrents|vpn-proxy-beta/);
  });

  test('the topology shows every host, proxy and exit, and says "(planned)" and dashes what is not live', () => {
    const { source, description } = topologyDiagram(inv);
    for (const text of [
      'gateway',
      'desk',
      'tablet',
      'vpn-proxy-alpha',
      'vpn-proxy-beta',
      'ProtonVPN<br/>Switzerland',
      'ProtonVPN<br/>Japan',
      '192.0.2.0/24',
      'oldexit',
    ])
      expect(source).toContain(text);
    expect(source).toMatch(/n_vpn_proxy_beta\["vpn-proxy-beta<br\/>\(planned\)"\]/);
    expect(source).toMatch(/class [^\n]*n_vpn_proxy_beta[^\n]* planned/);
    expect(source).toMatch(/n_app_vpn_proxy_beta -\.-> n_vpn_proxy_beta/);
    expect(source).toMatch(/n_vpn_proxy_alpha --> n_exit_Switzerland/);
    expect(description).toContain('Dashed lines and "(planned)" mark what is not deployed yet');
    expect(description).toContain('chatbot → the shared proxy vpn-proxy-alpha → ProtonVPN Switzerland');
  });

  test('an assumed value says so in the label and the text alternative', () => {
    const { source, description } = tailnetDiagram(inv);
    expect(source).toContain('192.0.2.10 (assumed)');
    expect(description).toContain('192.0.2.10 (assumed)');
  });

  test('each country is one block, and exits are declared in the same order, so edges do not cross', () => {
    const { source } = egressDiagram(inv);
    expect(source).toMatch(/subgraph n_region_Switzerland\["Switzerland"\]\n\s+n_chatbot\[/);
    expect(source).toMatch(/subgraph n_region_Japan\["Japan"\]/);
    expect(source.indexOf('n_vpn_proxy_alpha[')).toBeLessThan(source.indexOf('n_pod_torrents['));
    expect(source.indexOf('n_pod_torrents[')).toBeLessThan(source.indexOf('n_vpn_proxy_beta['));
    expect(source.indexOf('n_exit_Switzerland[')).toBeLessThan(source.indexOf('n_exit_Japan['));
  });

  test('a region added to the inventory appears in every diagram that shows proxies', () => {
    const more = fixtureInventory(
      editFixture('  sidecars:\n', '    - region: gamma\n      country: Chile\n      status: planned\n  sidecars:\n'),
    );
    for (const d of [topologyDiagram(more), egressDiagram(more)]) expect(d.source).toContain('vpn-proxy-gamma');
  });

  test("a pattern's hops are the derived path; a planned hop is dashed", () => {
    const planned = fixtureInventory(editFixture('egress: vpn-proxy-alpha', 'egress: vpn-proxy-beta'));
    const d = patternDiagram(planned, 'irc-bot');
    expect(d.source).toContain('hop0["chatbot pod"]');
    expect(d.source).toContain('hop0 -.-> hop1');
    expect(d.description).toContain('Not deployed yet (planned, dashed)');
    expect(patternDiagram(inv, 'torrent').source).toContain('|"forwarded port"|');
  });

  test('before and after the migration: workloads leave through the exit node, then through their proxy', () => {
    expect(migrationDiagram(inv, 'before').description).toContain('chatbot leaves through oldexit: exit node');
    expect(migrationDiagram(inv, 'after').description).toContain(
      'chatbot leaves through the shared proxy vpn-proxy-alpha and ProtonVPN Switzerland to the Chat network',
    );
    expect(migrationDiagram(inv, 'after').description).toContain(
      'torrents keeps its gluetun sidecar to ProtonVPN Switzerland and its peers',
    );
    expect(regionDiagram(inv, 'region-specific-access').description).toContain('vpn-proxy-beta service (planned)');
  });

  test('an unknown diagram name is refused, listing the known ones', () => {
    expect(() => diagramByName(inv, 'map')).toThrow(/unknown diagram "map"; expected one of: topology, tailnet/);
    expect(() => diagramByName(inv, 'pattern nope')).toThrow(/no access pattern "nope"/);
  });
});

describe('the ```diagram fence', () => {
  const page = new URL('file:///repo/src/content/docs/x/page.md');
  const process = (setup: { remarkPlugins: unknown[]; rehypePlugins: unknown[] }) =>
    unified({
      remarkPlugins: [[remarkInventoryDiagrams, { inventory: () => inv }], ...setup.remarkPlugins] as never,
      rehypePlugins: setup.rehypePlugins as never,
    }).createRenderer({ ...markdownConfigDefaults } as never);

  test("an unknown name fails the page at the fence's line", async () => {
    const md = await process({ remarkPlugins: [], rehypePlugins: [] });
    await expect(md.render('# T\n\n```diagram\nnope\n```\n', { fileURL: page })).rejects.toThrow(
      /src\/content\/docs\/x\/page\.md:3: unknown diagram "nope"/,
    );
  });

  // Valid Mermaid, through the site's own pipeline, without Chromium: the pipeline parses every diagram at build
  // time in both modes. Rendering to SVG is covered once in diagrams.test.ts and, for every diagram the site
  // draws, by the build and the browser tests (legibility on every page); rendering nine more here cost ~8 s of CPU.
  test("every generated diagram is valid Mermaid and goes through the site's pipeline", async () => {
    for (const name of ALL) {
      expect(await mermaidSyntaxError(diagramByName(inv, name).source), name).toBeUndefined();
    }
    const setup = await diagramSetup({ ...globalThis.process.env, AVALANCHE_CHROMIUM: 'none' }, () => {});
    const md = await process(setup);
    const { code } = await md.render(ALL.map((n) => `\`\`\`diagram\n${n}\n\`\`\`\n`).join('\n'), { fileURL: page });
    expect(code.match(/<pre class="mermaid"/g)?.length).toBe(ALL.length);
    expect(code).toContain('<div class="diagram-wide">');
  });
});
