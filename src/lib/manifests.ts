/**
 * The bundled manifests: manifests/<app>/, one folder per deployable thing.
 *
 * A Kubernetes app is loaded the way `kubectl apply -k manifests/<app>` would build it: through its
 * kustomization.yaml, whose `resources` list names the files in order. THE LIMIT: only `resources` (plus
 * apiVersion/kind) is allowed, and only plain files in the same folder. No namePrefix, namespace, patches,
 * images, generators, components or remote bases: each of those changes the objects, and this loader would
 * then return something other than what is applied. With `resources` only, kustomize's output is exactly the
 * documents of the listed files (test/manifests.test.ts compares with `kubectl kustomize`), so the linter
 * validates what gets applied. Anything else in kustomization.yaml is an error, not silently ignored.
 *
 * `routy` (sysctl file + Tailscale settings) and `tailscale` (the policy file) are data, not Kubernetes.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Composer, isMap, isSeq, LineCounter, Parser, type CST, type Document } from 'yaml';
import { z } from 'zod';
import { DataFileError } from './errors.ts';

export const DEFAULT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const KUSTOMIZATION = 'kustomization.yaml';
export const RUNBOOK_SECRETS = 'runbook-secrets.yaml';

export type AppKind = 'kubernetes' | 'routy' | 'tailscale';
export type PathKey = string | number;

export interface ManifestFile {
  /** Repo-relative path with forward slashes, e.g. manifests/vpn-proxy-iceland/deployment.yaml */
  path: string;
  text: string;
}

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
  /** Kubernetes: kustomization.yaml, its resources in order, then runbook-secrets.yaml. Others: every file. */
  files: ManifestFile[];
  objects: KubeObject[];
  runbookSecrets: RunbookSecret[];
}

/** A manifest that cannot be loaded; `rule` names the lint rule that reports it. */
export class ManifestError extends DataFileError {
  readonly rule: string;
  constructor(file: string, line: number, message: string, rule: string) {
    super(file, line, message);
    this.rule = rule;
  }
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
const syntax = new WeakMap<ManifestFile, CST.Token[]>();

/** yaml's concrete syntax tree of a loaded YAML file: the source as written, for checks that need it. */
export function syntaxOf(file: ManifestFile): CST.Token[] | undefined {
  return syntax.get(file);
}

/** Parses every document of a YAML file once, keeping the syntax tree for syntaxOf(). */
function parseYaml(file: ManifestFile): { docs: Document[]; counter: LineCounter } {
  const counter = new LineCounter();
  const tokens = [...new Parser(counter.addNewLine).parse(file.text)];
  syntax.set(file, tokens);
  const docs = [...new Composer({ uniqueKeys: true }).compose(tokens, true, file.text.length)] as Document[];
  return { docs, counter };
}

function parseOne(file: ManifestFile): { doc: Document; counter: LineCounter } {
  const { docs, counter } = parseYaml(file);
  const doc = docs[0];
  if (doc.errors.length) throw yamlError(file.path, doc.errors[0], counter);
  if (docs.length > 1) throw new ManifestError(file.path, 1, 'expected a single YAML document.', 'k8s/yaml');
  return { doc, counter };
}

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

export function loadApp(app: string, root: string = DEFAULT_ROOT): LoadedApp {
  const dir = `manifests/${app}`;
  const abs = join(root, dir);
  if (!existsSync(abs)) throw new ManifestError(dir, 1, `no folder ${dir}; expected one of: ${listApps(root).join(', ')}.`, 'inventory/app-folders');
  const kind = appKind(app);
  const read = (name: string): ManifestFile => ({ path: `${dir}/${name}`, text: readFileSync(join(abs, name), 'utf8') });
  if (kind !== 'kubernetes') {
    const files = readdirSync(abs).filter((n) => statSync(join(abs, n)).isFile()).sort().map(read);
    return { app, kind, dir, files, objects: [], runbookSecrets: [] };
  }
  if (!existsSync(join(abs, KUSTOMIZATION))) {
    throw new ManifestError(dir, 1, `no ${KUSTOMIZATION} in ${dir}; every Kubernetes app lists its files in one (routy and tailscale are the only data folders).`, 'k8s/kustomization');
  }
  const kustomization = read(KUSTOMIZATION);
  const resources = readResources(kustomization, abs);
  const files = [kustomization, ...resources.map(read)];
  const objects = files.slice(1).flatMap(parseObjects);
  let runbookSecrets: RunbookSecret[] = [];
  if (existsSync(join(abs, RUNBOOK_SECRETS))) {
    const secretsFile = read(RUNBOOK_SECRETS);
    files.push(secretsFile);
    runbookSecrets = parseRunbookSecrets(secretsFile);
  }
  return { app, kind, dir, files, objects, runbookSecrets };
}

function readResources(file: ManifestFile, absDir: string): string[] {
  const { doc, counter } = parseOne(file);
  const data = doc.toJS() as Record<string, unknown> | null;
  const fail = (message: string, path: PathKey[] = []) =>
    new ManifestError(file.path, nodeLine(doc, counter, path), message, 'k8s/kustomization');
  if (!data || typeof data !== 'object') throw fail('expected a Kustomization with a `resources` list.');
  const extra = Object.keys(data).filter((k) => !['apiVersion', 'kind', 'resources'].includes(k));
  if (extra.length) {
    throw fail(`"${extra[0]}" is not supported: only \`resources\` is, so the loader reproduces kustomize's output exactly (src/lib/manifests.ts). Edit the resource files instead.`, [extra[0]]);
  }
  const resources = data.resources;
  if (!Array.isArray(resources) || resources.length === 0) throw fail('expected a non-empty `resources` list of files in this folder.', ['resources']);
  resources.forEach((r, i) => {
    if (typeof r !== 'string' || !/^[\w.-]+\.ya?ml$/.test(r)) {
      throw fail(`resource ${JSON.stringify(r)} is not a plain .yaml file in this folder; directories, URLs and ../ are not supported.`, ['resources', i]);
    }
    if (!existsSync(join(absDir, r))) throw fail(`resource "${r}" does not exist next to kustomization.yaml; kustomize would fail.`, ['resources', i]);
    if (resources.indexOf(r) !== i) throw fail(`resource "${r}" is listed twice; kustomize would fail.`, ['resources', i]);
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
    if (!data || typeof data !== 'object' || typeof data.apiVersion !== 'string' || typeof data.kind !== 'string' || typeof meta?.name !== 'string') {
      throw new ManifestError(file.path, line, 'expected a Kubernetes object with apiVersion, kind and metadata.name.', 'k8s/yaml');
    }
    const obj = Object.assign(data, { file: file.path, line, doc: index }) as KubeObject;
    located.set(obj, { doc, counter });
    out.push(obj);
  });
  return out;
}

const runbookSecretsSchema = z.strictObject({
  secrets: z.array(
    z.strictObject({
      name: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'expected a Secret name'),
      keys: z.array(z.string().regex(/^[-._a-zA-Z0-9]+$/, 'expected a Secret key')).min(1),
      created_by: z.string().regex(/^([a-z0-9-]+\.mjs|manual)$/, 'expected a runbook file name such as phase2-deploy-proxy.mjs, or "manual"'),
      command: z.string().optional(),
      description: z.string().min(1),
    }),
  ),
});

function parseRunbookSecrets(file: ManifestFile): RunbookSecret[] {
  const { doc, counter } = parseOne(file);
  const result = runbookSecretsSchema.safeParse(doc.toJS());
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue.path.filter((k): k is PathKey => typeof k !== 'symbol');
    throw new ManifestError(file.path, nodeLine(doc, counter, path), `${path.join('.')}: ${issue.message}`, 'k8s/runbook-secrets');
  }
  return result.data.secrets.map((s, i) => ({ ...s, file: file.path, line: nodeLine(doc, counter, ['secrets', i]) }));
}

function yamlError(file: string, err: { message: string; pos: [number, number]; linePos?: [{ line: number }, ...unknown[]] }, counter: LineCounter): ManifestError {
  const line = err.linePos?.[0].line ?? counter.linePos(err.pos[0]).line;
  return new ManifestError(file, line, `not valid YAML: ${err.message.split('\n')[0]}`, 'k8s/yaml');
}

function lineOf(node: unknown, counter: LineCounter): number | undefined {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range ? counter.linePos(range[0]).line : undefined;
}

/** Line of the node at a path in a parsed YAML document (or of its nearest existing ancestor). */
export function nodeLine(doc: Document, counter: LineCounter, path: readonly PathKey[]): number {
  let node: unknown = doc.contents;
  let line = lineOf(node, counter) ?? 1;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown })?.value === key);
      if (!pair) break;
      line = lineOf(pair.key, counter) ?? line;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number' && node.items[key]) {
      node = node.items[key];
      line = lineOf(node, counter) ?? line;
    } else break;
  }
  return line;
}
