import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { InputError } from '../../src/lib/core/errors.ts';
import { parseAllDocuments } from 'yaml';
import { kustomizeResources } from '../support/kustomize.ts';
import { loadInventory, sharedProxies, subnetRouter } from '../../src/lib/inventory/inventory.ts';
import {
  appKind,
  appliedFiles,
  DEFAULT_ROOT,
  lineAt,
  listApps,
  loadApp,
  ManifestError,
  toManifest,
  type KubeObject,
} from '../../src/lib/inventory/manifests.ts';

const FIXTURES = join(DEFAULT_ROOT, 'test/fixtures');
// Expectations about the bundled folders come from the bundled inventory, never typed here.
const inv = loadInventory();
const KUBERNETES_APPS = listApps().filter((a) => appKind(a) === 'kubernetes');
const firstProxy = sharedProxies(inv)[0];
const temps: string[] = [];
afterEach(() => temps.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A temp root with a copy of the multi-doc fixture app, edited by `edit`. */
function fixtureRoot(edit: (dir: string) => void): string {
  const root = mkdtempSync(join(tmpdir(), 'avalanche-manifests-'));
  temps.push(root);
  cpSync(join(FIXTURES, 'manifests/multi-doc'), join(root, 'manifests/multi-doc'), { recursive: true });
  edit(join(root, 'manifests/multi-doc'));
  return root;
}
const rewrite = (file: string, from: string, to: string) => {
  const text = readFileSync(file, 'utf8');
  expect(text).toContain(from);
  writeFileSync(file, text.replace(from, to));
};

describe('listApps()', () => {
  test('lists one folder per inventory deployment and workload, the router, the policy and the namespace, sorted', () => {
    const expected = [
      ...inv.vpn.deployments.map((d) => d.name),
      ...inv.workloads.map((w) => w.name),
      subnetRouter(inv).name,
      'tailscale',
      'namespace',
    ];
    expect(listApps()).toEqual(expected.sort());
  });
  test('returns nothing for a root without manifests/', () => {
    expect(listApps(tmpdir())).toEqual([]);
  });
});

describe('appKind()', () => {
  test.each([
    ['routy', 'routy'],
    ['tailscale', 'tailscale'],
    ['any-other-folder', 'kubernetes'],
  ])('%s is %s', (app, kind) => expect(appKind(app)).toBe(kind));
});

describe('loadApp()', () => {
  test.each(KUBERNETES_APPS)('%s: files in kustomization order, every object with its file and line', (app) => {
    const loaded = loadApp(app);
    expect(loaded).toMatchObject({ app, kind: 'kubernetes', dir: `manifests/${app}` });
    const kustomization = readFileSync(join(DEFAULT_ROOT, loaded.dir, 'kustomization.yaml'), 'utf8');
    const resources = [...kustomization.matchAll(/^ {2}- (\S+)$/gm)]
      .map((m) => m[1])
      .filter((r) => !r.startsWith('../'))
      .map((r) => `manifests/${app}/${r}`);
    const names = loaded.files.map((f) => f.path);
    expect(names.slice(0, resources.length + 1)).toEqual([`manifests/${app}/kustomization.yaml`, ...resources]);
    for (const obj of loaded.objects) {
      const lines = readFileSync(join(DEFAULT_ROOT, obj.file), 'utf8').split('\n');
      expect(lines[obj.line - 1]).toMatch(/^apiVersion: /);
      expect(obj.metadata.namespace ?? obj.metadata.name).toBe(inv.kubernetes.namespace);
    }
  });

  test('reads multi-document files, skipping empty documents, with lines and document indexes', () => {
    const { objects, runbookSecrets } = loadApp('multi-doc', FIXTURES);
    expect(objects.map((o) => [o.kind, o.metadata.name, o.file.split('/').pop(), o.line, o.doc])).toEqual([
      ['Service', 'svc', 'service.yaml', 1, 0],
      ['ConfigMap', 'first', 'configmap.yaml', 2, 0],
      ['ConfigMap', 'second', 'configmap.yaml', 12, 2],
    ]);
    expect(runbookSecrets).toEqual([
      expect.objectContaining({ name: 'fixture-secret', keys: ['token'], created_by: 'manual', line: 2 }),
    ]);
  });

  test('loads routy and tailscale as data files, with no Kubernetes objects', () => {
    expect(loadApp('routy').files.map((f) => f.path)).toEqual([
      'manifests/routy/99-tailscale.conf',
      'manifests/routy/tailscale-settings.yaml',
    ]);
    expect(loadApp('tailscale')).toMatchObject({
      kind: 'tailscale',
      objects: [],
      files: [{ path: 'manifests/tailscale/policy.hujson' }],
    });
  });

  test.each([
    [
      'an unsupported kustomization field',
      'kustomization.yaml',
      'resources:',
      'namePrefix: x-\nresources:',
      'k8s/kustomization',
      4,
      /"namePrefix" is not supported/,
    ],
    [
      'a resource that does not exist',
      'kustomization.yaml',
      '  - service.yaml',
      '  - services.yaml',
      'k8s/kustomization',
      5,
      /does not exist/,
    ],
    [
      'a resource outside the folder',
      'kustomization.yaml',
      '  - service.yaml',
      '  - ../other/service.yaml',
      'k8s/kustomization',
      5,
      /not a plain \.yaml file in this folder/,
    ],
    [
      'a folder that is not a kustomization',
      'kustomization.yaml',
      '  - service.yaml',
      '  - ../nowhere',
      'k8s/kustomization',
      5,
      /not a folder with a kustomization\.yaml/,
    ],
    [
      'a resource listed twice',
      'kustomization.yaml',
      '  - configmap.yaml',
      '  - configmap.yaml\n  - configmap.yaml',
      'k8s/kustomization',
      7,
      /listed twice/,
    ],
    [
      'a YAML syntax error (a tab as indentation)',
      'service.yaml',
      '  selector:',
      '  selector:\n\tbad: 1',
      'k8s/yaml',
      8,
      /not valid YAML: Tabs are not allowed/,
    ],
    [
      'a document without kind',
      'configmap.yaml',
      'kind: ConfigMap\nmetadata:\n  name: second',
      'metadata:\n  name: second',
      'k8s/yaml',
      12,
      /apiVersion, kind and metadata\.name/,
    ],
    [
      'a runbook secret without a creator',
      'runbook-secrets.yaml',
      'created_by: manual',
      'created_by: nobody',
      'k8s/runbook-secrets',
      4,
      /created_by/,
    ],
  ])('throws ManifestError for %s, with file, line and rule', (_what, file, from, to, rule, line, message) => {
    const root = fixtureRoot((dir) => rewrite(join(dir, file), from, to));
    let error: unknown;
    try {
      loadApp('multi-doc', root);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ManifestError);
    expect(error).toMatchObject({ rule, file: `manifests/multi-doc/${file}`, line, exitCode: 2 });
    expect((error as Error).message).toMatch(message);
  });

  test('throws ManifestError for a Kubernetes folder without kustomization.yaml', () => {
    const root = fixtureRoot((dir) => rmSync(join(dir, 'kustomization.yaml')));
    expect(() => loadApp('multi-doc', root)).toThrow(/no kustomization\.yaml in manifests\/multi-doc/);
  });

  test('throws for an app folder that does not exist, naming the folder without a line', () => {
    expect(() => loadApp('nope')).toThrow(InputError);
    expect(() => loadApp('nope')).toThrow(new RegExp(`^no folder manifests/nope/; expected one of: ${listApps()[0]}`));
  });

  test('includes the objects of a ../<folder> resource, in order, but not its files', () => {
    const root = fixtureRoot((dir) => {
      cpSync(join(FIXTURES, 'manifests/multi-doc'), join(dir, '../shared'), { recursive: true });
      rmSync(join(dir, '../shared/runbook-secrets.yaml'));
      rewrite(join(dir, '../shared/kustomization.yaml'), '  - configmap.yaml\n', '');
      rewrite(join(dir, 'kustomization.yaml'), '  - service.yaml', '  - ../shared\n  - service.yaml');
      rewrite(join(dir, 'service.yaml'), 'name: svc', 'name: own-svc');
    });
    const app = loadApp('multi-doc', root);
    expect(app.includes).toEqual(['shared']);
    expect(app.files.map((f) => f.path)).not.toContain('manifests/shared/service.yaml');
    expect(app.objects.map((o) => `${o.file.split('/')[1]}:${o.metadata.name}`)).toEqual([
      'shared:svc',
      'multi-doc:own-svc',
      'multi-doc:first',
      'multi-doc:second',
    ]);
  });

  test('refuses a folder that includes itself through another', () => {
    const root = fixtureRoot((dir) => {
      cpSync(dir, join(dir, '../other'), { recursive: true });
      rewrite(join(dir, 'kustomization.yaml'), '  - service.yaml', '  - ../other\n  - service.yaml');
      rewrite(join(dir, '../other/kustomization.yaml'), '  - service.yaml', '  - ../multi-doc\n  - service.yaml');
    });
    expect(() => loadApp('multi-doc', root)).toThrow(/a cycle/);
  });
});

describe('lineAt()', () => {
  test('finds the line of a nested field, or of its nearest existing ancestor', () => {
    const deployment = loadApp(firstProxy.name).objects.find((o) => o.kind === 'Deployment')!;
    const lines = readFileSync(join(DEFAULT_ROOT, deployment.file), 'utf8').split('\n');
    const env = (
      deployment as unknown as { spec: { template: { spec: { containers: { env: { name: string }[] }[] } } } }
    ).spec.template.spec.containers[0].env;
    const i = env.findIndex((e) => e.name === 'SERVER_COUNTRIES');
    expect(lines[lineAt(deployment, ['spec', 'template', 'spec', 'containers', 0, 'env', i, 'value']) - 1]).toBe(
      `              value: ${firstProxy.country}`,
    );
    expect(lines[lineAt(deployment, ['spec', 'template', 'spec', 'nothing', 'here']) - 1]).toBe('    spec:');
  });
});

describe('toManifest()', () => {
  test('returns the object without file, line and doc', () => {
    const obj = loadApp(KUBERNETES_APPS[0]).objects[0];
    const { file: _f, line: _l, doc: _d, ...rest } = obj;
    expect(toManifest(obj)).toEqual(rest);
    expect(Object.keys(toManifest(obj))).not.toContain('file');
  });
});

describe('kustomize builds exactly the objects the loader returns', () => {
  // No kubectl needed (a fresh machine has none): test/support/kustomize.ts reproduces kustomize for
  // resources-only kustomizations, and is held to what the real kustomize printed for a fixture.
  const key = (o: Record<string, unknown>) => {
    const m = o.metadata as { namespace?: string; name: string };
    return `${o.kind}/${m.namespace ?? ''}/${m.name}`;
  };
  const sorted = (list: Record<string, unknown>[]) => [...list].sort((a, b) => key(a).localeCompare(key(b)));

  test('the reproduction builds what the real kustomize built for the fixture (anchors, List, empty documents, quoting)', () => {
    const expected = parseAllDocuments(
      readFileSync(join(FIXTURES, 'kustomize/resources-only.expected.yaml'), 'utf8'),
    ).map((d) => d.toJS() as Record<string, unknown>);
    expect(expected.length).toBeGreaterThan(3);
    expect(sorted(kustomizeResources(join(FIXTURES, 'kustomize/resources-only')))).toEqual(sorted(expected));
  });

  test('the reproduction builds what the real kustomize built for a folder that includes another (../shared)', () => {
    const expected = parseAllDocuments(readFileSync(join(FIXTURES, 'kustomize/with-base.expected.yaml'), 'utf8')).map(
      (d) => d.toJS() as Record<string, unknown>,
    );
    expect(kustomizeResources(join(FIXTURES, 'kustomize/with-base/app'))).toEqual(expected);
  });

  test('the reproduction refuses what it does not cover, rather than guessing', () => {
    const root = fixtureRoot((dir) =>
      rewrite(join(dir, 'kustomization.yaml'), 'resources:', 'namePrefix: x-\nresources:'),
    );
    expect(() => kustomizeResources(join(root, 'manifests/multi-doc'))).toThrow(
      /namePrefix: this reproduction of kustomize covers resources only/,
    );
  });

  test.each(KUBERNETES_APPS)('%s', (app) => {
    const built = kustomizeResources(join(DEFAULT_ROOT, 'manifests', app));
    const loaded = loadApp(app).objects.map((o: KubeObject) => toManifest(o));
    expect(sorted(built)).toEqual(sorted(loaded));
  });
});

describe('appliedFiles()', () => {
  test('lists what kubectl apply -k applies, included folders in their place', () => {
    for (const app of KUBERNETES_APPS) {
      const loaded = loadApp(app);
      const files = appliedFiles(loaded);
      const docs = files.flatMap((f) => parseAllDocuments(f.text).filter((d) => d.toJS() !== null));
      expect(docs.length, app).toBe(loaded.objects.length);
      expect(files.some((f) => f.path.endsWith('/kustomization.yaml'))).toBe(false);
    }
  });
});
