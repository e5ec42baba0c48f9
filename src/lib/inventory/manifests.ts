/**
 * The bundled manifests: manifests/<app>/, one folder per deployable thing.
 *
 * A Kubernetes app is loaded the way `kubectl apply -k manifests/<app>` would build it: through its
 * kustomization.yaml, whose `resources` list names the files in order. THE LIMIT: only `resources` (plus
 * apiVersion/kind) is allowed: plain files in the same folder, and `../<folder>` for another bundled folder
 * that is itself resources-only (the shared manifests/namespace). No namePrefix, namespace, patches,
 * images, generators, components or remote bases: each of those changes the objects, and this loader would
 * then return something other than what is applied. With `resources` only, kustomize's output is exactly the
 * documents of the listed files, a folder's in its own order (test/inventory/manifests.test.ts compares with
 * kustomize's build), so the linter validates what gets applied. Anything else is an error.
 *
 * `routy` (sysctl file + Tailscale settings) and `tailscale` (the policy file) are data, not Kubernetes.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Document, LineCounter } from 'yaml';
import { InputError } from '../core/errors.ts';
import {
  lineOf,
  ManifestError,
  nodeLine,
  parseOne,
  parseYaml,
  yamlError,
  type ManifestFile,
  type PathKey,
} from './manifest-yaml.ts';

export { ManifestError, nodeLine, syntaxOf, type ManifestFile, type PathKey } from './manifest-yaml.ts';

export const DEFAULT_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const KUSTOMIZATION = 'kustomization.yaml';
export const RUNBOOK_SECRETS = 'runbook-secrets.yaml';

export type AppKind = 'kubernetes' | 'routy' | 'tailscale';

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
  /** Repo-relative file, 1-based line where the object starts, 0-based document index in the file. */
  file: string;
  line: number;
  doc: number;
}

export interface RunbookSecret {
  name: string;
  keys: string[];
  created_by: string;
  command?: string;
  description: string;
  file: string;
  line: number;
}

export interface LoadedApp {
  app: string;
  kind: AppKind;
  dir: string;
  /** Kubernetes: kustomization.yaml, its own resource files in order, then runbook-secrets.yaml. Others: every file. */
  files: ManifestFile[];
  /** What `kubectl apply -k` applies: the objects of its files and of the folders it includes, in order. */
  objects: KubeObject[];
  /** Other folders it includes as resources (`../namespace` -> "namespace"). */
  includes: string[];
  /** The kustomization's resources, in order (files and `../<folder>` includes). */
  resources: string[];
  runbookSecrets: RunbookSecret[];
}

const NON_KUBERNETES: Record<string, AppKind> = { routy: 'routy', tailscale: 'tailscale' };

export function appKind(app: string): AppKind {
  return NON_KUBERNETES[app] ?? 'kubernetes';
}

/** App folders under manifests/, sorted. */
export function listApps(root: string = DEFAULT_ROOT): string[] {
  const dir = join(root, 'manifests');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isDirectory())
    .sort();
}

const located = new WeakMap<object, { doc: Document; counter: LineCounter }>();
/** Line of a field inside a loaded object (or of its nearest existing ancestor). */
export function lineAt(obj: KubeObject, path: readonly PathKey[]): number {
  const src = located.get(obj);
  return src ? nodeLine(src.doc, src.counter, path) : obj.line;
}

/** The object as kustomize outputs it: without file, line and doc. */
export function toManifest(obj: KubeObject): Record<string, unknown> {
  const { file: _f, line: _l, doc: _d, ...rest } = obj;
  return rest;
}

export function loadApp(app: string, root: string = DEFAULT_ROOT, seen: string[] = []): LoadedApp {
  const dir = `manifests/${app}`;
  const abs = join(root, dir);
  if (!existsSync(abs))
    throw new InputError(`no folder ${dir}/; expected one of: ${listApps(root).join(', ')}.`, 'E_NO_FOLDER');
  const kind = appKind(app);
  const read = (name: string): ManifestFile => ({
    path: `${dir}/${name}`,
    text: readFileSync(join(abs, name), 'utf8'),
  });
  if (kind !== 'kubernetes') {
    const files = readdirSync(abs)
      .filter((n) => statSync(join(abs, n)).isFile())
      .sort()
      .map(read);
    return { app, kind, dir, files, objects: [], runbookSecrets: [], includes: [], resources: [] };
  }
  if (!existsSync(join(abs, KUSTOMIZATION))) {
    throw new ManifestError(
      dir,
      1,
      `no ${KUSTOMIZATION} in ${dir}; every Kubernetes app lists its files in one (routy and tailscale are the only data folders).`,
      'k8s/kustomization',
    );
  }
  const kustomization = read(KUSTOMIZATION);
  const resources = readResources(kustomization, abs);
  const own = resources.filter((r) => !r.startsWith('../'));
  const files = [kustomization, ...own.map(read)];
  const includes = resources.filter((r) => r.startsWith('../')).map((r) => r.slice(3));
  const objects = resources.flatMap((r) => {
    if (!r.startsWith('../')) return parseObjects(read(r));
    const other = r.slice(3);
    if (seen.includes(other) || other === app)
      throw new ManifestError(
        kustomization.path,
        1,
        `"${r}" includes ${[...seen, app, other].join(' -> ')}: a cycle; kustomize would fail.`,
        'k8s/kustomization',
      );
    return loadApp(other, root, [...seen, app]).objects;
  });
  let runbookSecrets: RunbookSecret[] = [];
  if (existsSync(join(abs, RUNBOOK_SECRETS))) {
    const secretsFile = read(RUNBOOK_SECRETS);
    files.push(secretsFile);
    runbookSecrets = parseRunbookSecrets(secretsFile);
  }
  return { app, kind, dir, files, objects, runbookSecrets, includes, resources };
}

/**
 * The manifest files `kubectl apply -k manifests/<app>` applies, in its order: the app's own resource
 * files and, in their place, those of the folders it includes (the shared manifests/namespace).
 * For code that applies or shows the exact text (`kubectl apply -f -`).
 */
export function appliedFiles(app: LoadedApp, root: string = DEFAULT_ROOT): ManifestFile[] {
  return app.resources.flatMap((r) =>
    r.startsWith('../')
      ? appliedFiles(loadApp(r.slice(3), root), root)
      : app.files.filter((f) => f.path === `${app.dir}/${r}`),
  );
}

function readResources(file: ManifestFile, absDir: string): string[] {
  const { doc, counter } = parseOne(file);
  const data = doc.toJS() as Record<string, unknown> | null;
  const fail = (message: string, path: PathKey[] = []) =>
    new ManifestError(file.path, nodeLine(doc, counter, path), message, 'k8s/kustomization');
  if (!data || typeof data !== 'object') throw fail('expected a Kustomization with a `resources` list.');
  const extra = Object.keys(data).filter((k) => !['apiVersion', 'kind', 'resources'].includes(k));
  if (extra.length) {
    throw fail(
      `"${extra[0]}" is not supported: only \`resources\` is, so the loader reproduces kustomize's output exactly (src/lib/inventory/manifests.ts). Edit the resource files instead.`,
      [extra[0]],
    );
  }
  const resources = data.resources;
  if (!Array.isArray(resources) || resources.length === 0)
    throw fail('expected a non-empty `resources` list of files in this folder.', ['resources']);
  resources.forEach((r, i) => {
    const folder = typeof r === 'string' && /^\.\.\/[a-z0-9][a-z0-9-]*$/.test(r);
    if (typeof r !== 'string' || (!folder && !/^[\w.-]+\.ya?ml$/.test(r))) {
      throw fail(
        `resource ${JSON.stringify(r)} is not a plain .yaml file in this folder or ../<folder> of manifests/; other directories and URLs are not supported.`,
        ['resources', i],
      );
    }
    if (folder && !existsSync(join(absDir, r, KUSTOMIZATION)))
      throw fail(`resource "${r}" is not a folder with a ${KUSTOMIZATION} next to this one; kustomize would fail.`, [
        'resources',
        i,
      ]);
    if (!existsSync(join(absDir, r)))
      throw fail(`resource "${r}" does not exist next to kustomization.yaml; kustomize would fail.`, ['resources', i]);
    if (resources.indexOf(r) !== i)
      throw fail(`resource "${r}" is listed twice; kustomize would fail.`, ['resources', i]);
  });
  return resources as string[];
}

function parseObjects(file: ManifestFile): KubeObject[] {
  const { docs, counter } = parseYaml(file);
  const out: KubeObject[] = [];
  docs.forEach((doc, index) => {
    if (doc.errors.length) throw yamlError(file.path, doc.errors[0], counter);
    const data = doc.toJS() as Record<string, unknown> | null;
    if (data === null || data === undefined) return; // an empty document (only comments): kustomize skips it too
    const line = lineOf(doc.contents, counter) ?? 1;
    const meta = data?.metadata as { name?: unknown } | undefined;
    if (
      !data ||
      typeof data !== 'object' ||
      typeof data.apiVersion !== 'string' ||
      typeof data.kind !== 'string' ||
      typeof meta?.name !== 'string'
    ) {
      throw new ManifestError(
        file.path,
        line,
        'expected a Kubernetes object with apiVersion, kind and metadata.name.',
        'k8s/yaml',
      );
    }
    const obj = Object.assign(data, { file: file.path, line, doc: index }) as KubeObject;
    located.set(obj, { doc, counter });
    out.push(obj);
  });
  return out;
}

const SECRET_FIELDS: Record<string, { pattern?: RegExp; expected: string; optional?: boolean }> = {
  name: { pattern: /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, expected: 'a Secret name' },
  keys: { expected: 'a non-empty list of Secret keys' },
  created_by: {
    pattern: /^([a-z0-9-]+\.mjs|manual)$/,
    expected: 'a runbook file name such as phase2-deploy-proxy.mjs, or "manual"',
  },
  command: { expected: 'the command that creates it by hand', optional: true },
  description: { pattern: /\S/, expected: 'a description' },
};

// Checked by hand rather than with a schema library: a few fields, and it keeps `npm run lint` fast.
function parseRunbookSecrets(file: ManifestFile): RunbookSecret[] {
  const { doc, counter } = parseOne(file);
  const data = doc.toJS() as { secrets?: unknown } | null;
  const fail = (path: PathKey[], message: string) =>
    new ManifestError(file.path, nodeLine(doc, counter, path), `${path.join('.')}: ${message}`, 'k8s/runbook-secrets');
  if (
    !data ||
    typeof data !== 'object' ||
    Object.keys(data).some((k) => k !== 'secrets') ||
    !Array.isArray(data.secrets)
  ) {
    throw fail(['secrets'], 'expected exactly one key, `secrets`, holding a list.');
  }
  return data.secrets.map((entry: Record<string, unknown>, i: number) => {
    if (!entry || typeof entry !== 'object')
      throw fail(['secrets', i], 'expected a map with name, keys, created_by and description.');
    const unknown = Object.keys(entry).find((k) => !SECRET_FIELDS[k]);
    if (unknown)
      throw fail(
        ['secrets', i, unknown],
        `unknown key "${unknown}"; expected ${Object.keys(SECRET_FIELDS).join(', ')}.`,
      );
    for (const [key, spec] of Object.entries(SECRET_FIELDS)) {
      const value = entry[key];
      if (value === undefined && spec.optional) continue;
      const ok =
        key === 'keys'
          ? Array.isArray(value) &&
            value.length > 0 &&
            value.every((k) => typeof k === 'string' && /^[-._a-zA-Z0-9]+$/.test(k))
          : typeof value === 'string' && (!spec.pattern || spec.pattern.test(value));
      if (!ok) throw fail(['secrets', i, key], `expected ${spec.expected}, received ${JSON.stringify(value)}.`);
    }
    return {
      ...(entry as unknown as Omit<RunbookSecret, 'file' | 'line'>),
      file: file.path,
      line: nodeLine(doc, counter, ['secrets', i]),
    };
  });
}
