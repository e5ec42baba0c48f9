/**
 * The rules that keep one source of truth: typed facts (inventory/literal-fact), generated files
 * (inventory/generated), overlapping ranges (inventory/overlap) and the proxy clients' cross-object checks.
 * Each case breaks a copy of the bundled manifests (or its inventory) once; the values it uses come from the
 * bundled inventory, so a correct change to the network breaks none of them.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, test } from 'vitest';
import { proxyUrl, workloadOf } from '../../src/lib/inventory/facts.ts';
import { sharedProxies, subnetRouter } from '../../src/lib/inventory/inventory.ts';
import { lint, type Finding } from '../../src/lib/lint/index.ts';
import { bundledCopy, type Fixture } from './fixture.ts';

const fixtures: Fixture[] = [];
afterEach(() => fixtures.splice(0).forEach((f) => f.cleanup()));
function copy(): Fixture {
  const f = bundledCopy();
  fixtures.push(f);
  return f;
}
async function findings(f: Fixture, rule: string): Promise<Finding[]> {
  return (
    await lint({ root: f.root, inventory: f.inventory, inventoryFile: `${f.root}/src/data/network.yaml` })
  ).findings.filter((x) => x.rule === rule);
}
const lines = (...l: string[]) => `${l.join('\n')}\n`;

describe('inventory/literal-fact', () => {
  test('reports each fact a page types, with its line and the inventory key it repeats', async () => {
    const f = copy();
    const inv = f.inventory;
    const proxy = sharedProxies(inv)[0];
    f.write(
      'src/content/docs/extra.mdx',
      lines(
        '---',
        'title: x',
        '---',
        `The LAN is ${inv.lan.subnet}.`,
        `Ask ${subnetRouter(inv).name}.`,
        `Leave through ${proxy.name} in ${proxy.country}.`,
        `Or --region ${proxy.region}.`,
      ),
    );
    const hits = await findings(f, 'inventory/literal-fact');
    expect(hits.map((h) => `${h.file}:${h.line}`)).toEqual([
      'src/content/docs/extra.mdx:4',
      'src/content/docs/extra.mdx:5',
      'src/content/docs/extra.mdx:6',
      'src/content/docs/extra.mdx:6',
      'src/content/docs/extra.mdx:7',
    ]);
    expect(hits[0].message).toContain("is the inventory's lan.subnet");
    expect(hits[1].message).toMatch(
      /a tailnet host the inventory holds \(tailnet\.hosts\.[a-z0-9-]+, .*network\.yaml:\d+\)/,
    );
  });

  test('reports an address the inventory does not hold (a stale value), but not documentation addresses or identifiers', async () => {
    const f = copy();
    const router = subnetRouter(f.inventory).name;
    f.write(
      'README.md',
      lines(
        'Old LAN: 172.31.250.0/24.',
        'Examples: 192.0.2.1, 203.0.113.7, 0.0.0.0/0, 127.0.0.1, version 1.33.0.',
        `Run configure-${router}.mjs or ./${router}.ts.`,
      ),
    );
    const hits = await findings(f, 'inventory/literal-fact');
    expect(hits.map((h) => `${h.file}:${h.line}`)).toEqual(['README.md:1']);
    expect(hits[0].message).toContain('does not hold');
  });

  test('in manifests, looks at comments only', async () => {
    const f = copy();
    const app = workloadOf(f.inventory, 'irc-bot')!.name;
    f.append(`manifests/${app}/deployment.yaml`, `# reached through ${f.inventory.lan.subnet}\n`);
    const hits = await findings(f, 'inventory/literal-fact');
    expect(hits.map((h) => h.file)).toEqual([`manifests/${app}/deployment.yaml`]);
    expect(await findings(copy(), 'inventory/literal-fact')).toEqual([]);
  });

  test('an allow-list entry that no longer matches is reported', async () => {
    const f = copy();
    f.write('src/content/docs/manifests/lint-rules.mdx', 'Nothing typed here any more.\n');
    const hits = await findings(f, 'inventory/literal-allow-stale');
    expect(hits).toEqual([
      expect.objectContaining({ file: 'src/lib/lint/literal-facts-allow.ts', severity: 'warning' }),
    ]);
    expect(hits[0].line).toBeGreaterThan(1);
    // The line of the stale entry itself: it names the file the test emptied.
    const allow = readFileSync(new URL(`../../${hits[0].file}`, import.meta.url), 'utf8').split('\n');
    expect(allow[hits[0].line - 1]).toContain('lint-rules.mdx');
  });
});

describe('inventory/generated', () => {
  test('a region without its generated folder is reported at its inventory line', async () => {
    const f = copy();
    const proxy = sharedProxies(f.inventory)[0];
    f.remove(`manifests/${proxy.name}`);
    const hits = await findings(f, 'inventory/generated');
    expect(hits[0]).toMatchObject({
      file: expect.stringMatching(/network\.yaml$/),
      line: f.inventory.lines[`vpn.proxies.${proxy.region}`],
    });
    expect(hits[0].message).toContain('npm run generate');
  });

  test('a generated file edited by hand is reported at the first line that differs', async () => {
    const f = copy();
    const file = `manifests/${sharedProxies(f.inventory)[0].name}/service.yaml`;
    f.replace(file, 'type: ClusterIP', 'type: NodePort');
    const line =
      f
        .read(file)
        .split('\n')
        .findIndex((l) => l.includes('NodePort')) + 1;
    expect(await findings(f, 'inventory/generated')).toEqual([expect.objectContaining({ file, line })]);
  });

  test('a generated folder whose region is gone is reported', async () => {
    const f = copy();
    const proxy = sharedProxies(f.inventory)[0];
    f.write('manifests/vpn-proxy-gone/kustomization.yaml', f.read(`manifests/${proxy.name}/kustomization.yaml`));
    const hits = await findings(f, 'inventory/generated');
    expect(hits.map((h) => h.file)).toContain('manifests/vpn-proxy-gone/kustomization.yaml');
  });

  test('the bundled generated files are current', async () => {
    expect(await findings(copy(), 'inventory/generated')).toEqual([]);
  });
});

describe('inventory/overlap', () => {
  test("a LAN that contains ProtonVPN's tunnel gateway is reported at the LAN's line", async () => {
    const f = copy();
    f.inventory.lan.subnet = `${f.inventory.vpn.tunnel_gateway.replace(/\.\d+$/, '.0')}/24`;
    const hits = await findings(f, 'inventory/overlap');
    expect(hits.map((h) => h.line)).toContain(f.inventory.lines['lan.subnet']);
    expect(hits.map((h) => h.message).join('\n')).toContain('tunnel gateway');
  });

  test("a pod range overlapping the LAN is reported at the LAN's line, naming the pod range's", async () => {
    const f = copy();
    f.inventory.kubernetes.pod_cidr = f.inventory.lan.subnet;
    const hits = await findings(f, 'inventory/overlap');
    expect(hits.map((h) => [h.line, h.message])).toContainEqual([
      f.inventory.lines['lan.subnet'],
      expect.stringMatching(
        new RegExp(
          `^lan\\.subnet \\S+ overlaps kubernetes\\.pod_cidr \\S+ \\(line ${f.inventory.lines['kubernetes.pod_cidr']}\\)`,
        ),
      ),
    ]);
  });
});

describe('proxy clients', () => {
  const client = () => {
    const f = copy();
    const bot = workloadOf(f.inventory, 'irc-bot')!;
    return { f, dir: `manifests/${bot.name}`, proxy: bot.egress, url: proxyUrl(f.inventory, bot.egress) };
  };

  test("k8s/egress-policy-proxy: an egress policy that does not admit the label's proxy", async () => {
    const { f, dir, proxy } = client();
    f.replace(
      `${dir}/networkpolicy.yaml`,
      `app.kubernetes.io/name: ${proxy}`,
      'app.kubernetes.io/name: vpn-proxy-elsewhere',
    );
    const hits = await findings(f, 'k8s/egress-policy-proxy');
    expect(hits).toEqual([expect.objectContaining({ file: `${dir}/networkpolicy.yaml` })]);
    expect(hits[0].message).toContain(`allow the pods of ${proxy}`);
  });

  test('k8s/proxy-env: a lowercase variable left pointing elsewhere, a missing one, NO_PROXY and no_proxy apart', async () => {
    const { f, dir, url } = client();
    f.replace(
      `${dir}/deployment.yaml`,
      `- name: http_proxy\n              value: ${url}`,
      '- name: http_proxy\n              value: http://old-proxy:3128',
    );
    f.replace(
      `${dir}/deployment.yaml`,
      '- name: no_proxy\n              value: localhost,127.0.0.1',
      '- name: no_proxy\n              value: localhost',
    );
    const messages = (await findings(f, 'k8s/proxy-env')).map((h) => h.message).join('\n');
    expect(messages).toContain('the proxy variables disagree');
    expect(messages).toContain('NO_PROXY is "localhost,127.0.0.1" but no_proxy is "localhost"');
  });

  test("k8s/service-selector-scope: a Service selecting another folder's pods", async () => {
    const { f, dir } = client();
    const app = dir.split('/')[1];
    f.write(
      `${dir}/service.yaml`,
      f
        .read(`manifests/${sharedProxies(f.inventory)[0].name}/service.yaml`)
        .replace(/^# Generated.*\n#.*\n/m, '')
        .replace(/vpn-proxy-[a-z0-9-]+/g, app)
        .replace(
          /  selector:\n    app\.kubernetes\.io\/name: [a-z0-9-]+/,
          `  selector:\n    app.kubernetes.io/name: ${sharedProxies(f.inventory)[0].name}`,
        ),
    );
    f.replace(`${dir}/kustomization.yaml`, '  - deployment.yaml\n', '  - deployment.yaml\n  - service.yaml\n');
    const hits = await findings(f, 'k8s/service-selector-scope');
    expect(hits.map((h) => h.file)).toEqual([`${dir}/service.yaml`]);
  });

  test('the bundled manifests pass all three', async () => {
    const f = copy();
    for (const rule of ['k8s/egress-policy-proxy', 'k8s/proxy-env', 'k8s/service-selector-scope'])
      expect(await findings(f, rule)).toEqual([]);
  });
});
