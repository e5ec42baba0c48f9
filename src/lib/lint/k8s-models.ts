/**
 * Loading kubernetes-models' model classes fast. Each model pulls in its pre-compiled validators as a tree
 * of small ES modules (about 170 files for the five kinds bundled here), and resolving them costs most of
 * the linter's time. So the models a run needs are bundled once into one file under
 * node_modules/.cache/avalanche-lint/, keyed by the kubernetes-models version and the kinds, and imported
 * from there afterwards. The bundle is a pure function of the installed package, so it cannot go stale.
 * esbuild (installed with Vite) does the bundling; without it, or if bundling fails, the models are
 * imported one by one as before: slower, same result.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DEFAULT_ROOT } from '../inventory/manifests.ts';

export type Model = new (data: unknown) => { validate(): void };
export interface Kind {
  apiVersion: string;
  kind: string;
}

const CACHE_DIR = join(DEFAULT_ROOT, 'node_modules/.cache/avalanche-lint');
const key = (k: Kind) => `${k.apiVersion}/${k.kind}`;
const exportName = (k: Kind) => key(k).replace(/[^A-Za-z0-9]/g, '_');
export const modelModule = (k: Kind) => `kubernetes-models/${k.apiVersion}/${k.kind}`;

/** The model file of a kind, or undefined when kubernetes-models has no such kind. */
function modelFile(k: Kind): string | undefined {
  if (!/^[a-z0-9.]+(\/v\d+\w*)?$/.test(k.apiVersion) || !/^[A-Z]\w*$/.test(k.kind)) return undefined;
  try {
    const file = fileURLToPath(import.meta.resolve(modelModule(k)));
    return existsSync(file) ? file : undefined;
  } catch {
    return undefined;
  }
}

/** Model classes by "apiVersion/kind"; null for kinds that do not exist. */
export async function loadModels(kinds: Kind[]): Promise<Map<string, Model | null>> {
  const out = new Map<string, Model | null>();
  const known = new Map<string, Kind>();
  for (const k of kinds) {
    if (modelFile(k)) known.set(key(k), k);
    else out.set(key(k), null);
  }
  const list = [...known.values()].sort((a, b) => key(a).localeCompare(key(b)));
  const bundled = list.length ? await fromBundle(list) : undefined;
  for (const k of list)
    out.set(key(k), (bundled?.[exportName(k)] as Model | undefined) ?? (await import(modelModule(k)))[k.kind] ?? null);
  return out;
}

async function fromBundle(list: Kind[]): Promise<Record<string, unknown> | undefined> {
  try {
    const version = JSON.parse(readFileSync(join(DEFAULT_ROOT, 'node_modules/kubernetes-models/package.json'), 'utf8'))
      .version as string;
    const id = createHash('sha256')
      .update(`${version}\n${list.map(key).join('\n')}`)
      .digest('hex')
      .slice(0, 16);
    const file = join(CACHE_DIR, `models-${id}.mjs`);
    if (!existsSync(file)) {
      const { buildSync } = await import('esbuild');
      const entry = list.map((k) => `export { ${k.kind} as ${exportName(k)} } from '${modelModule(k)}';`).join('\n');
      const result = buildSync({
        stdin: { contents: entry, resolveDir: DEFAULT_ROOT },
        bundle: true,
        format: 'esm',
        platform: 'node',
        write: false,
        logLevel: 'silent',
        // ajv's format helpers use require(); give the bundle one.
        banner: {
          js: `import { createRequire as __avalancheRequire } from 'node:module'; const require = __avalancheRequire(${'import.meta'}.url);`,
        },
      });
      mkdirSync(CACHE_DIR, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, result.outputFiles[0].text);
      renameSync(tmp, file); // atomic: a concurrent run never imports half a file
    }
    return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
