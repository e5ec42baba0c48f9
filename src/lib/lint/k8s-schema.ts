/**
 * Offline schema validation with kubernetes-models (npm), whose models are generated from Kubernetes'
 * OpenAPI spec: kubernetes-models 5.x = Kubernetes v1.36.0 (its CHANGELOG, 5.0.0: "Update to Kubernetes
 * v1.36.0"). The inventory's cluster is older (kubernetes.version); fields added after it would pass here and
 * be refused by the API server, so the bundled manifests use only fields GA by 1.33 (native sidecars: 1.29+).
 *
 * The generated validators do not reject unknown fields (OpenAPI has no additionalProperties: false), while
 * `kubectl apply` does, server-side, with --validate=strict. So unknown fields are found here from the
 * models' own type declarations (.d.ts), which list every field of every type.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PathKey } from '../inventory/manifests.ts';
import { loadModels, modelModule, type Kind, type Model } from './k8s-models.ts';

export const SCHEMA_KUBERNETES_VERSION = '1.36.0';

export interface SchemaProblem {
  path: PathKey[];
  message: string;
}

const models = new Map<string, Model | null>();

/** Loads the models of these kinds in one go (see k8s-models.ts); call it with every kind a run needs. */
export async function prepareModels(kinds: Kind[]): Promise<void> {
  const missing = kinds.filter((k) => !models.has(`${k.apiVersion}/${k.kind}`));
  if (missing.length) for (const [key, model] of await loadModels(missing)) models.set(key, model);
}

// Results by object: the same object validated again (a lint run after an edit to another file) costs a
// lookup. Bounded: the bundle holds a few dozen objects.
const validated = new Map<string, SchemaProblem[]>();
const VALIDATED_MAX = 1024;

/** undefined when the kind is unknown; otherwise the schema problems (empty when valid). */
export async function validateObject(
  apiVersion: string,
  kind: string,
  data: Record<string, unknown>,
): Promise<SchemaProblem[] | undefined> {
  await prepareModels([{ apiVersion, kind }]);
  const Model = models.get(`${apiVersion}/${kind}`);
  if (!Model) return undefined;
  const key = `${apiVersion}/${kind}\n${JSON.stringify(data)}`;
  const known = validated.get(key);
  if (known) return known.map((p) => ({ path: [...p.path], message: p.message }));
  const problems = validateWith(Model, data);
  if (validated.size >= VALIDATED_MAX) validated.delete(validated.keys().next().value!);
  validated.set(key, problems);
  return problems.map((p) => ({ path: [...p.path], message: p.message }));
}

function validateWith(Model: Model, data: Record<string, unknown>): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  try {
    new Model(data).validate();
  } catch (err) {
    const errors =
      (err as { errors?: { instancePath: string; message?: string; params?: Record<string, unknown> }[] }).errors ?? [];
    for (const e of errors) {
      const path = e.instancePath
        .split('/')
        .slice(1)
        .map((k) => (/^\d+$/.test(k) ? Number(k) : k));
      const allowed = e.params?.allowedValues ? ` (allowed: ${(e.params.allowedValues as string[]).join(', ')})` : '';
      const missing = e.params?.missingProperty ? ` "${e.params.missingProperty as string}"` : '';
      problems.push({
        path,
        message: `${path.join('.') || '(object)'} ${e.message ?? 'is invalid'}${missing}${allowed}`,
      });
    }
    if (!errors.length) problems.push({ path: [], message: (err as Error).message });
  }
  dedupeOneOf(problems);
  return problems;
}

// IntOrString and similar unions report one error per branch; keep the first per path.
function dedupeOneOf(problems: SchemaProblem[]): void {
  const seen = new Set<string>();
  for (let i = problems.length - 1; i >= 0; i--) {
    const key = problems[i].path.join('.');
    if (seen.has(key)) problems.splice(i, 1);
    seen.add(key);
  }
}

interface TypeInfo {
  /** field name -> the .d.ts file of its object type (or null for a leaf: string, number, map, enum). */
  fields: Map<string, string | null>;
}
const types = new Map<string, TypeInfo | null>();

/** Reads the first `export interface` of a model .d.ts: its fields and where their object types live. */
function typeInfo(file: string): TypeInfo | null {
  if (types.has(file)) return types.get(file)!;
  let info: TypeInfo | null = null;
  if (existsSync(file)) {
    const text = readFileSync(file, 'utf8');
    const imports = new Map<string, string>();
    for (const m of text.matchAll(/^import \{ (\w+) \} from "([^"]+)";$/gm)) imports.set(m[1], m[2]);
    const body = /^export interface \w+(?: extends \w+)? \{\n([\s\S]*?)^\}/m.exec(text)?.[1];
    if (body !== undefined) {
      info = { fields: new Map() };
      for (const m of body.matchAll(/^ {4}"([^"]+)"\??: (.+?);?$/gm)) {
        const typeName = /^(?:Array<)?(I\w+)>?$/.exec(m[2])?.[1];
        const from = typeName ? imports.get(typeName) : undefined;
        info.fields.set(m[1], from ? resolveDts(file, from) : null);
      }
    }
  }
  types.set(file, info);
  return info;
}

function resolveDts(fromFile: string, spec: string): string {
  if (spec.startsWith('.')) return join(dirname(fromFile), spec.replace(/\.js$/, '.d.ts'));
  return fileURLToPath(import.meta.resolve(spec)).replace(/\.js$/, '.d.ts');
}

/** Fields the schema does not know, with their paths (kubectl --validate=strict refuses them). */
export function unknownFields(apiVersion: string, kind: string, data: Record<string, unknown>): PathKey[][] {
  let root: string;
  try {
    root = fileURLToPath(import.meta.resolve(modelModule({ apiVersion, kind }))).replace(/\.js$/, '.d.ts');
  } catch {
    return [];
  }
  const out: PathKey[][] = [];
  const walk = (value: unknown, file: string, path: PathKey[]) => {
    const info = typeInfo(file);
    if (!info || !value || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, file, [...path, i]));
      return;
    }
    for (const [key, child] of Object.entries(value)) {
      if (!info.fields.has(key)) out.push([...path, key]);
      else if (info.fields.get(key)) walk(child, info.fields.get(key)!, [...path, key]);
    }
  };
  walk(data, root, []);
  return out;
}
