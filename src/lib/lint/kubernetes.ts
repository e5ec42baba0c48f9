/**
 * Kubernetes rules on each object and file: schema (kubernetes-models, see k8s-schema.ts), unknown fields,
 * layout conventions (one kind per file, schema comment, explicit namespace, recommended labels), images,
 * env vars and YAML scalars that kubectl reads differently. Cross-object rules live in k8s-refs.ts.
 */
import { CST, LineCounter, Parser } from 'yaml';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { KUSTOMIZATION, lineAt, syntaxOf, toManifest, type KubeObject } from '../inventory/manifests.ts';
import { prepareModels, SCHEMA_KUBERNETES_VERSION, unknownFields, validateObject } from './k8s-schema.ts';
import { containers, podTemplates } from './pods.ts';
import type { LintContext, Rule } from './types.ts';

const K8S_DOCS = 'https://kubernetes.io/docs/';
export const KUBERNETES_RULES: Rule[] = [
  {
    id: 'k8s/yaml',
    severity: 'error',
    description:
      'Every manifest file parses as YAML and every document is a Kubernetes object with apiVersion, kind and metadata.name.',
    source: 'https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/resource/',
  },
  {
    id: 'k8s/kustomization',
    severity: 'error',
    description:
      'kustomization.yaml uses only `resources`, each an existing file of the folder, and lists every manifest file of the folder.',
    source: 'https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/',
  },
  {
    id: 'k8s/schema',
    severity: 'error',
    description: 'Every object validates against the Kubernetes OpenAPI schema (kubernetes-models), offline.',
    source: 'https://github.com/tommy351/kubernetes-models-ts',
  },
  {
    id: 'k8s/unknown-kind',
    severity: 'error',
    description: 'apiVersion and kind name a built-in Kubernetes type.',
    source: `${K8S_DOCS}reference/kubernetes-api/`,
  },
  {
    id: 'k8s/unknown-field',
    severity: 'error',
    description:
      'No field the schema does not define (kubectl apply --validate=strict refuses it; a typo in enableServiceLinks would otherwise go unnoticed until apply).',
    source: `${K8S_DOCS}reference/using-api/api-concepts/#field-validation`,
  },
  {
    id: 'k8s/schema-comment',
    severity: 'error',
    description:
      "Each file starts with a `# yaml-language-server: $schema=` line for its kind and the inventory's Kubernetes version, so editors validate too.",
    source: 'https://github.com/yannh/kubernetes-json-schema',
  },
  {
    id: 'k8s/file-per-kind',
    severity: 'error',
    description: 'One kind per file, the file named after the kind (deployment.yaml for Deployment).',
    source: 'https://github.com/onedr0p/home-ops',
  },
  {
    id: 'k8s/namespace-explicit',
    severity: 'error',
    description:
      "Namespaced objects state metadata.namespace (the kustomization sets none, so kubectl would otherwise use the context's namespace).",
    source: `${K8S_DOCS}concepts/overview/working-with-objects/namespaces/`,
  },
  {
    id: 'k8s/recommended-labels',
    severity: 'error',
    description: 'Objects and pod templates carry app.kubernetes.io/name (the app folder), part-of and managed-by.',
    source: `${K8S_DOCS}concepts/overview/working-with-objects/common-labels/`,
  },
  {
    id: 'k8s/duplicate-object',
    severity: 'error',
    description: 'No two objects share kind, namespace and name (the later would silently replace the earlier).',
    source: 'https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/resource/',
  },
  {
    id: 'k8s/namespace-consistent',
    severity: 'error',
    description:
      "A Namespace bundled by several apps is identical in each, so applying one app never flips the others' Pod Security labels.",
    source: `${K8S_DOCS}concepts/security/pod-security-admission/`,
  },
  {
    id: 'k8s/image-pinned',
    severity: 'error',
    description: 'Every image has an explicit tag other than latest, or a digest.',
    source: `${K8S_DOCS}concepts/containers/images/#image-names`,
  },
  {
    id: 'k8s/placeholder-image',
    severity: 'error',
    description:
      'A placeholder image (a registry under .invalid) is declared by the avalanche.network/placeholder-image annotation, and the annotation names an image still in use.',
    source: 'https://www.rfc-editor.org/rfc/rfc2606#section-2',
  },
  {
    id: 'k8s/duplicate-env',
    severity: 'error',
    description: 'No env var is set twice in a container (Kubernetes silently keeps the last).',
    source: `${K8S_DOCS}tasks/inject-data-application/define-environment-variable-container/`,
  },
  {
    id: 'k8s/env-var-reference',
    severity: 'error',
    description:
      'Every $(VAR) in an env value names a variable defined earlier in the same container; otherwise the kubelet leaves the text as is.',
    source: `${K8S_DOCS}tasks/inject-data-application/define-interdependent-environment-variables/`,
  },
  {
    id: 'k8s/ambiguous-scalar',
    severity: 'error',
    description:
      'No unquoted scalar that YAML 1.1 (kubectl apply -f) and YAML 1.2 read differently: on/off/yes/no, 0755, 1:20, 1_000.',
    source: 'https://yaml.org/type/bool.html',
  },
];

const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'PersistentVolume',
  'StorageClass',
  'CustomResourceDefinition',
  'PriorityClass',
  'IngressClass',
  'RuntimeClass',
  'Node',
]);
const LABELS = ['app.kubernetes.io/name', 'app.kubernetes.io/part-of', 'app.kubernetes.io/managed-by'];
export const PLACEHOLDER_ANNOTATION = 'avalanche.network/placeholder-image';

export function schemaUrl(apiVersion: string, kind: string, k8sVersion: string): string {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const name = [kind.toLowerCase(), group.split('.')[0], version].filter(Boolean).join('-');
  return `https://raw.githubusercontent.com/yannh/kubernetes-json-schema/master/v${k8sVersion}.0-standalone-strict/${name}.json`;
}
export const KUSTOMIZATION_SCHEMA = 'https://json.schemastore.org/kustomization';

export async function checkKubernetes(ctx: LintContext): Promise<void> {
  await prepareModels(ctx.objects.map((o) => ({ apiVersion: o.apiVersion, kind: o.kind })));
  for (const obj of ctx.objects) {
    const data = toManifest(obj);
    const problems = await validateObject(obj.apiVersion, obj.kind, data);
    if (!problems) {
      ctx.report(
        'k8s/unknown-kind',
        obj.file,
        obj.line,
        `${obj.apiVersion} ${obj.kind} is not a built-in Kubernetes type (schemas: Kubernetes ${SCHEMA_KUBERNETES_VERSION}); check apiVersion and kind.`,
      );
      continue;
    }
    for (const p of problems)
      ctx.report('k8s/schema', obj.file, lineAt(obj, p.path), `${obj.kind}/${obj.metadata.name}: ${p.message}.`);
    for (const path of unknownFields(obj.apiVersion, obj.kind, data)) {
      ctx.report(
        'k8s/unknown-field',
        obj.file,
        lineAt(obj, path),
        `${obj.kind}/${obj.metadata.name}: unknown field "${path.join('.')}"; kubectl apply would refuse it. Check the spelling.`,
      );
    }
    checkLayout(ctx, obj);
  }
  checkFiles(ctx);
  checkDuplicates(ctx);
  checkContainers(ctx);
}

function checkLayout(ctx: LintContext, obj: KubeObject): void {
  const base = obj.file.split('/').pop()!;
  if (base !== `${obj.kind.toLowerCase()}.yaml`) {
    ctx.report(
      'k8s/file-per-kind',
      obj.file,
      obj.line,
      `${obj.kind} "${obj.metadata.name}" is in ${base}; expected ${obj.kind.toLowerCase()}.yaml (one kind per file, named after it).`,
    );
  }
  if (!CLUSTER_SCOPED.has(obj.kind) && !obj.metadata.namespace) {
    ctx.report(
      'k8s/namespace-explicit',
      obj.file,
      lineAt(obj, ['metadata']),
      `${obj.kind}/${obj.metadata.name} has no metadata.namespace; expected "${ctx.inv.kubernetes.namespace}".`,
    );
  }
  const app = obj.file.split('/')[1];
  const expectName = obj.kind === 'Namespace' ? obj.metadata.name : app;
  const check = (labels: Record<string, string> | undefined, path: (string | number)[], what: string) => {
    const missing = LABELS.filter((l) => !labels?.[l]);
    if (missing.length)
      ctx.report('k8s/recommended-labels', obj.file, lineAt(obj, path), `${what} lacks ${missing.join(', ')}.`);
    else if (labels!['app.kubernetes.io/name'] !== expectName) {
      ctx.report(
        'k8s/recommended-labels',
        obj.file,
        lineAt(obj, [...path, 'app.kubernetes.io/name']),
        `${what}: app.kubernetes.io/name is "${labels!['app.kubernetes.io/name']}"; expected "${expectName}" (the app folder).`,
      );
    }
  };
  check(obj.metadata.labels, ['metadata', 'labels'], `${obj.kind}/${obj.metadata.name}`);
  for (const pod of podTemplates([obj]))
    check(pod.labels, [...pod.base, 'metadata', 'labels'], `${obj.kind}/${obj.metadata.name} pod template`);
}

function checkFiles(ctx: LintContext): void {
  for (const app of ctx.apps.filter((a) => a.kind === 'kubernetes')) {
    const listed = new Set(app.files.map((f) => f.path.split('/').pop()));
    for (const name of readdirSync(join(ctx.root, app.dir)).filter((n) => !listed.has(n))) {
      ctx.report(
        'k8s/kustomization',
        `${app.dir}/${KUSTOMIZATION}`,
        1,
        `${name} is in ${app.dir} but not in resources; kubectl apply -k would skip it. List it or move it out.`,
      );
    }
    for (const file of app.files) {
      const expected = file.path.endsWith('/kustomization.yaml') ? KUSTOMIZATION_SCHEMA : firstSchema(ctx, file.path);
      if (expected === undefined) continue; // runbook-secrets.yaml is not a Kubernetes file
      const header = file.text.split('\n').filter((l) => l.startsWith('#'));
      const found = header.map((l) => /^# yaml-language-server: \$schema=(\S+)/.exec(l)?.[1]).find(Boolean);
      if (found !== expected) {
        ctx.report(
          'k8s/schema-comment',
          file.path,
          1,
          found
            ? `schema line points at ${found}; expected ${expected}.`
            : `no "# yaml-language-server: $schema=${expected}" line at the top.`,
        );
      }
      const kinds = new Set(ctx.objects.filter((o) => o.file === file.path).map((o) => o.kind));
      if (kinds.size > 1)
        ctx.report('k8s/file-per-kind', file.path, 1, `holds ${[...kinds].join(' and ')}; expected one kind per file.`);
      for (const err of ambiguousScalars(file.text, syntaxOf(file)))
        ctx.report('k8s/ambiguous-scalar', file.path, err.line, err.message);
    }
  }
}

function firstSchema(ctx: LintContext, path: string): string | undefined {
  const obj = ctx.objects.find((o) => o.file === path);
  return obj ? schemaUrl(obj.apiVersion, obj.kind, ctx.inv.kubernetes.version) : undefined;
}

const YAML11_BOOL = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/;
const YAML11_NUMBER = /^[-+]?(0[0-7_]+|[0-9][0-9_]*(:[0-5]?[0-9])+|[0-9]+(_[0-9]+)+)$/;

/**
 * Plain scalars that YAML 1.1 (sigs.k8s.io/yaml, used by kubectl apply -f) reads differently from 1.2.
 * Works on yaml's concrete syntax tree (no schema resolution), which is all it needs and cheap.
 */
export function ambiguousScalars(text: string, tokens?: Iterable<CST.Token>): { line: number; message: string }[] {
  // A pure function of the text: a file linted again unchanged costs a lookup.
  const known = ambiguous.get(text);
  if (known) return known.map((x) => ({ ...x }));
  const out = scanAmbiguous(text, tokens);
  if (ambiguous.size >= 512) ambiguous.delete(ambiguous.keys().next().value!);
  ambiguous.set(text, out);
  return out.map((x) => ({ ...x }));
}
const ambiguous = new Map<string, { line: number; message: string }[]>();

function scanAmbiguous(text: string, tokens?: Iterable<CST.Token>): { line: number; message: string }[] {
  const out: { line: number; message: string }[] = [];
  const counter = new LineCounter();
  // Reuse the loader's syntax tree when given; line positions come from the text either way.
  if (tokens) for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) counter.addNewLine(i + 1);
  for (const token of tokens ?? new Parser(counter.addNewLine).parse(text)) {
    if (token.type !== 'document') continue;
    CST.visit(token, ({ key, value }) => {
      for (const t of [key, value]) {
        if (t?.type !== 'scalar') continue;
        const why = YAML11_BOOL.test(t.source)
          ? 'a boolean'
          : YAML11_NUMBER.test(t.source)
            ? 'a different number'
            : undefined;
        if (why)
          out.push({
            line: counter.linePos(t.offset).line,
            message: `unquoted ${t.source} is ${why} in YAML 1.1 (kubectl apply -f) but not in YAML 1.2; quote it: "${t.source}".`,
          });
      }
    });
  }
  return out;
}

function checkDuplicates(ctx: LintContext): void {
  const seen = new Map<string, KubeObject>();
  for (const obj of ctx.objects) {
    const key = `${obj.kind}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
    const first = seen.get(key);
    if (!first) {
      seen.set(key, obj);
    } else if (obj.kind === 'Namespace' && first.file.split('/')[1] !== obj.file.split('/')[1]) {
      if (JSON.stringify(toManifest(first)) !== JSON.stringify(toManifest(obj))) {
        ctx.report(
          'k8s/namespace-consistent',
          obj.file,
          obj.line,
          `Namespace ${obj.metadata.name} differs from ${first.file}; every app must bundle the same Namespace (copy that file).`,
        );
      }
    } else {
      ctx.report(
        'k8s/duplicate-object',
        obj.file,
        obj.line,
        `${obj.kind} ${obj.metadata.name} is also defined at ${first.file}:${first.line}.`,
      );
    }
  }
}

function checkContainers(ctx: LintContext): void {
  for (const pod of podTemplates(ctx.objects)) {
    const { obj } = pod;
    const placeholder = obj.metadata.annotations?.[PLACEHOLDER_ANNOTATION];
    const images: string[] = [];
    for (const { container, path } of containers(pod)) {
      const image = container.image ?? '';
      images.push(image);
      const at = lineAt(obj, [...path, 'image']);
      const lastPart = image.split('/').pop() ?? '';
      if (!image.includes('@sha256:') && (!lastPart.includes(':') || lastPart.endsWith(':latest'))) {
        ctx.report(
          'k8s/image-pinned',
          obj.file,
          at,
          `container ${container.name}: image "${image}" is not pinned; give a release tag (or a digest), never latest.`,
        );
      }
      if (/^[^/]+\.invalid(:\d+)?\//.test(image) && placeholder !== image) {
        ctx.report(
          'k8s/placeholder-image',
          obj.file,
          at,
          `container ${container.name}: "${image}" is a placeholder; declare it with the annotation ${PLACEHOLDER_ANNOTATION}: "${image}" on ${obj.kind}/${obj.metadata.name}.`,
        );
      }
      const defined = new Set<string>();
      (container.env ?? []).forEach((env, i) => {
        if (defined.has(env.name))
          ctx.report(
            'k8s/duplicate-env',
            obj.file,
            lineAt(obj, [...path, 'env', i]),
            `container ${container.name}: ${env.name} is set twice; Kubernetes keeps only the last.`,
          );
        for (const m of (env.value ?? '').matchAll(/(?<!\$)\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)) {
          if (!defined.has(m[1])) {
            ctx.report(
              'k8s/env-var-reference',
              obj.file,
              lineAt(obj, [...path, 'env', i, 'value']),
              `container ${container.name}: ${env.name} refers to $(${m[1]}), which is not defined earlier in env; the kubelet would pass the text unexpanded.`,
            );
          }
        }
        defined.add(env.name);
      });
    }
    if (placeholder && !images.includes(placeholder)) {
      ctx.report(
        'k8s/placeholder-image',
        obj.file,
        lineAt(obj, ['metadata', 'annotations', PLACEHOLDER_ANNOTATION]),
        `annotation ${PLACEHOLDER_ANNOTATION} names "${placeholder}", which no container uses any more; remove the annotation.`,
      );
    }
  }
}
