import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkRunbooks, type RunbookCheck } from '../../src/lib/checks/runbooks-report.ts';
import { createSandbox } from '../../src/lib/checks/runbooks-run.ts';
import { appliedByMarker, mentionsApp, runbookMentions } from '../../src/lib/checks/runbooks.ts';
import { loadSite } from '../../src/lib/checks/site.ts';

const GOOD = `const a = process.argv.slice(3);
if (a.includes('--help')) { console.log(a.includes('--json') ? JSON.stringify({ name: 'good' }) : 'Good: does good things.'); process.exit(0); }
if (a.includes('--dry-run')) { console.log('$ kubectl apply -k manifests/app-a --server-side\\n$ kubectl apply -k manifests/app-f'); process.exit(0); }
process.exit(1);
`;
// Breaks every rule: --help fails, --help --json names another runbook, the dry run runs kubectl and fetches.
const BAD = `import { spawnSync } from 'node:child_process';
const a = process.argv.slice(3);
if (a.includes('--json')) { console.log(JSON.stringify({ name: 'other' })); process.exit(0); }
if (a.includes('--help')) { console.error('boom'); process.exit(1); }
spawnSync('kubectl', ['get', 'ns']);
try { await fetch('http://api.tailscale.com/api/v2/tailnet/-/devices'); } catch {}
process.exit(2);
`;
const html = (body: string) => `<!doctype html><html><body>${body}</body></html>`;

let root: string;
let result: RunbookCheck;
const reasons = (subject: string) => result.problems.filter((p) => p.subject === subject).map((p) => p.reason);

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'runbook-check-'));
  const files: Record<string, string> = {
    'runbooks/good.mjs': GOOD,
    'runbooks/bad.mjs': BAD,
    'src/content/docs/runbooks/good.mdx': '---\ntitle: good\n---\n',
    'src/content/docs/migration/x.mdx':
      'Run `runbooks/good.mjs`, not ghost.mjs; `scripts/start.mjs` and astro.config.mjs are not runbooks.',
    'README.md': 'See good.mjs.',
    'dist/index.html': html('<div class="sl-markdown-content"><a href="/runbooks/bad/">bad</a></div>'),
    // The sidebar links every runbook from every page: that does not count.
    'dist/migration/x/index.html': html(
      '<nav class="sidebar"><a href="/runbooks/bad/">bad</a></nav><main><div class="sl-markdown-content"><p><a href="../../runbooks/good/#steps">good</a><br></p></div></main>',
    ),
    'dist/reference/y/index.html': html('<div class="sl-markdown-content"><a href="/runbooks/bad/">bad</a></div>'),
    'dist/runbooks/good/index.html': html('good'),
    'manifests/app-a/kustomization.yaml': 'resources: [a.yaml]\n',
    'manifests/app-b/kustomization.yaml':
      '# applied-by: hand — the operator pastes it into the router UI once\nresources: []\n',
    'manifests/app-c/kustomization.yaml': 'resources: []\n',
    'manifests/app-d/README.md': '<!-- applied-by: ghost.mjs -->\n',
    'manifests/app-e/kustomization.yaml': '# applied-by: later\n',
    'manifests/app-f/kustomization.yaml': '# applied-by: good.mjs\n',
    'manifests/app-g/kustomization.yaml': '# applied-by: good.mjs\n',
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  result = await checkRunbooks(root, loadSite(join(root, 'dist')));
}, 60_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('checkRunbooks()', () => {
  test('passes a runbook that keeps the contract, with its page and a link from a migration page', () => {
    expect(reasons('runbooks/good.mjs')).toEqual([]);
    expect(result.runbooks.find((r) => r.name === 'good')!.linkedFrom).toEqual(['/migration/x/']);
  });

  test('reports each broken promise of a runbook', () => {
    const bad = reasons('runbooks/bad.mjs');
    expect(bad).toEqual([
      expect.stringMatching(/^--help exited 1 with no text on stdout: boom/),
      '--help --json declares the name "other", expected "bad" (the file name)',
      expect.stringMatching(/^--dry-run exited 2 on a machine with no cluster/),
      '--dry-run ran `kubectl get ns`: a dry run must run no command at all',
      // Node's env proxy tunnels plain HTTP too: the recorder sees the CONNECT, and answers 502.
      '--dry-run made the HTTP request CONNECT api.tailscale.com:80: a dry run must not reach the network',
      'has no page: expected src/content/docs/runbooks/bad.mdx, drawn from its declaration',
      'no architecture, migration or use-case page links its page /runbooks/bad/',
    ]);
  });

  test('reports a runbook the docs mention but that does not exist', () => {
    expect(reasons('src/content/docs/migration/x.mdx')).toEqual([
      'mentions ghost.mjs, but there is no runbooks/ghost.mjs',
    ]);
    expect(reasons('README.md')).toEqual([]);
  });

  test.each([
    ['app-a', 'good'],
    ['app-b', 'by hand: the operator pastes it into the router UI once'],
    ['app-f', 'good'],
  ])('accounts for manifests/%s: %s', (app, how) => {
    expect(result.manifests.get(app)).toBe(how);
    expect(reasons(`manifests/${app}`)).toEqual([]);
  });

  test.each([
    ['app-c', 'no runbook applies it'],
    ['app-d', 'says it is applied by ghost.mjs, which does not exist'],
    ['app-e', 'expected "# applied-by: hand — <reason>"'],
    ['app-g', 'says it is applied by good.mjs, whose --dry-run and source never mention manifests/app-g'],
  ])('reports manifests/%s', (app, reason) => {
    expect(reasons(`manifests/${app}`)).toEqual([expect.stringContaining(reason)]);
  });
});

describe('runbookMentions()', () => {
  test.each([
    ['Run `npx zx runbooks/phase2-deploy-proxy.mjs --region iceland`.', ['phase2-deploy-proxy']],
    ['verify-proxy.mjs and verify-qbittorrent.mjs', ['verify-proxy', 'verify-qbittorrent']],
    ['scripts/start.mjs, astro.config.mjs, test/fixtures/runbooks/demo.mjs', []],
    ['[link](/runbooks/verify-proxy/) then ../runbooks/publish-docs.mjs', ['publish-docs']],
  ])('%s', (text, names) => {
    expect(runbookMentions(text)).toEqual(names);
  });
});

describe('appliedByMarker() and mentionsApp()', () => {
  test('needs a reason of a few words for "by hand"', () => {
    const dir = mkdtempSync(join(tmpdir(), 'marker-'));
    writeFileSync(join(dir, 'kustomization.yaml'), '# applied-by: hand — short\n');
    expect(appliedByMarker(dir)).toMatchObject({ kind: 'invalid' });
    rmSync(dir, { recursive: true });
  });

  test.each([
    ['kubectl apply -k manifests/vpn-proxy-iceland --server-side', 'vpn-proxy-iceland', true],
    ['kubectl apply -k manifests/vpn-proxy-iceland-2', 'vpn-proxy-iceland', false],
    ["readFile('manifests/routy/99-tailscale.conf')", 'routy', true],
  ])('%s mentions %s: %s', (text, app, yes) => {
    expect(mentionsApp(text, app)).toBe(yes);
  });
});

describe('createSandbox()', () => {
  test('gives a runbook no kubeconfig, no secrets and only tripwires for the network tools', async () => {
    const sandbox = await createSandbox();
    try {
      expect(sandbox.env.PATH.split(':')).toHaveLength(1);
      expect(Object.keys(sandbox.env).filter((k) => /KEY|TOKEN|PASSWORD|SECRET/.test(k))).toEqual([]);
      expect(sandbox.env.KUBECONFIG).toMatch(/no-kubeconfig$/);
    } finally {
      await sandbox.close();
    }
  });
});
