/**
 * What `kubectl kustomize DIR` builds from a kustomization limited to `resources` (the only kind this
 * repository allows: src/lib/inventory/manifests.ts), reproduced so the tests need no kubectl:
 * the documents of each listed file in order, empty documents skipped, a `kind: List` replaced by its
 * items, YAML anchors resolved, and two objects with the same group, kind, namespace and name refused
 * (kustomize: "may not add resource with an already registered id").
 * A resource that is a folder with its own resources-only kustomization (`../shared`, as every app includes
 * manifests/namespace) contributes that folder's build in its place. Anything beyond that (another
 * kustomization field, a remote base) is refused here rather than guessed.
 * test/fixtures/kustomize/*.expected.yaml are what the real kustomize (v5.5.0) printed for the fixtures
 * beside them, and test/inventory/manifests.test.ts holds this reproduction to them.
 * https://github.com/kubernetes-sigs/kustomize/blob/kustomize/v5.5.0/api/krusty/kustomizer.go
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

export type Obj = Record<string, unknown> & {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
};

const ALLOWED = new Set(['apiVersion', 'kind', 'resources']);

export function kustomizeResources(dir: string, ids = new Set<string>()): Obj[] {
  const file = join(dir, 'kustomization.yaml');
  const k = (parse(readFileSync(file, 'utf8')) ?? {}) as Record<string, unknown>;
  const beyond = Object.keys(k).filter((key) => !ALLOWED.has(key));
  if (beyond.length)
    throw new Error(`${file}: ${beyond.join(', ')}: this reproduction of kustomize covers resources only`);
  const out: Obj[] = [];
  for (const resource of (k.resources ?? []) as string[]) {
    const path = join(dir, resource);
    if (!resource.includes('://') && existsSync(join(path, 'kustomization.yaml')) && statSync(path).isDirectory()) {
      out.push(...kustomizeResources(path, ids));
      continue;
    }
    if (resource.includes('/') || resource.includes('://') || !existsSync(path) || !statSync(path).isFile()) {
      throw new Error(
        `${file}: resource "${resource}" is not a file of the folder: this reproduction covers plain files only`,
      );
    }
    for (const doc of parseAllDocuments(readFileSync(path, 'utf8'))) {
      if (doc.errors.length) throw new Error(`${path}: ${doc.errors[0]!.message}`);
      const js = doc.toJS() as Obj | null;
      if (js === null || js === undefined) continue;
      const objects = js.kind === 'List' && Array.isArray(js.items) ? (js.items as Obj[]) : [js];
      for (const o of objects) {
        const group = String(o.apiVersion ?? '').includes('/') ? String(o.apiVersion).split('/')[0] : '';
        const id = `${group}/${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
        if (ids.has(id)) throw new Error(`${path}: may not add resource with an already registered id: ${id}`);
        ids.add(id);
        out.push(o);
      }
    }
  }
  return out;
}
