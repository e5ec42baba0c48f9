/**
 * A thin typed kubectl client. Every call pins `--context`, so a runbook never acts on whatever cluster
 * happens to be current. Reads return `undefined` when --dry-run kept the command from running, so a
 * step can tell "not checked" from "absent" (null).
 *
 * kubectl facts used here (https://kubernetes.io/docs/reference/kubectl/generated/):
 * - `kubectl diff` exits 0 for no differences, 1 for differences, >1 for an error.
 * - `apply --server-side --field-manager=NAME` records NAME as the owner of the fields it sets, so anyone
 *   can see what the runbooks manage (`kubectl get -o yaml --show-managed-fields`).
 * - `rollout status --timeout=Ns` exits non-zero with "timed out waiting for the condition" on timeout.
 */
import type { CommandResult, RunOptions } from '../core/exec.ts';

export type Run = (argv: string[], opts?: RunOptions) => Promise<CommandResult>;

export interface ObjectRef {
  apiVersion?: string;
  kind: string;
  name: string;
  namespace?: string;
}
export interface KubeJson {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [k: string]: unknown };
  [field: string]: unknown;
}
export interface ProbeResult {
  code: number;
  stdout: string;
  stderr: string;
}

export const refName = (r: ObjectRef) => `${r.kind}/${r.namespace ? `${r.namespace}/` : ''}${r.name}`;

export class Kube {
  readonly context: string;
  readonly fieldManager: string;
  #run: Run;
  constructor(run: Run, context: string, fieldManager: string) {
    this.#run = run;
    this.context = context;
    this.fieldManager = fieldManager;
  }

  argv(...args: string[]): string[] {
    return ['kubectl', '--context', this.context, ...args];
  }

  /** kubectl's own version (no cluster needed); undefined under --dry-run. */
  async clientVersion(): Promise<string | undefined> {
    const r = await this.#run(['kubectl', 'version', '--client', '-o', 'json'], { timeoutMs: 10_000 });
    return r.ran ? (JSON.parse(r.stdout).clientVersion?.gitVersion as string) : undefined;
  }

  async currentContext(): Promise<string | undefined> {
    const r = await this.#run(['kubectl', 'config', 'current-context'], { okCodes: [0, 1], timeoutMs: 10_000 });
    if (!r.ran) return undefined;
    return r.code === 0 ? r.stdout.trim() : ''; // exit 1: "current-context is not set"
  }

  async contexts(): Promise<string[] | undefined> {
    const r = await this.#run(['kubectl', 'config', 'get-contexts', '-o', 'name'], { timeoutMs: 10_000 });
    return r.ran ? r.stdout.split('\n').map((l) => l.trim()).filter(Boolean) : undefined;
  }

  /** The API server's version; throws CommandError when the cluster does not answer. */
  async serverVersion(): Promise<string | undefined> {
    const r = await this.#run(this.argv('version', '-o', 'json', '--request-timeout=10s'), { timeoutMs: 20_000 });
    return r.ran ? (JSON.parse(r.stdout).serverVersion?.gitVersion as string) : undefined;
  }

  /** The live object, null when absent, undefined when not run. */
  async get(ref: ObjectRef): Promise<KubeJson | null | undefined> {
    const ns = ref.namespace ? ['-n', ref.namespace] : [];
    const r = await this.#run(this.argv('get', kindArg(ref), ref.name, ...ns, '-o', 'json', '--ignore-not-found'), { timeoutMs: 20_000 });
    if (!r.ran) return undefined;
    return r.stdout.trim() ? (JSON.parse(r.stdout) as KubeJson) : null;
  }

  /** Pods in any namespace that carry the label `key=value` (e.g. the apps that use a proxy); undefined when not run. */
  async podsLabelled(key: string, value: string): Promise<KubeJson[] | undefined> {
    const r = await this.#run(this.argv('get', 'pods', '--all-namespaces', '-l', `${key}=${value}`, '-o', 'json'), { timeoutMs: 20_000 });
    if (!r.ran) return undefined;
    return ((JSON.parse(r.stdout) as { items?: KubeJson[] }).items ?? []);
  }

  /** Server-side diff of a kustomize folder or of objects on stdin; undefined when not run. */
  async diff(source: { kustomize: string } | { stdin: string }): Promise<{ changed: boolean; text: string } | undefined> {
    const src = 'kustomize' in source ? ['-k', source.kustomize] : ['-f', '-'];
    const r = await this.#run(this.argv('diff', '--server-side', `--field-manager=${this.fieldManager}`, ...src), {
      mode: 'read',
      okCodes: [0, 1],
      input: 'stdin' in source ? source.stdin : undefined,
      timeoutMs: 60_000,
    });
    return r.ran ? { changed: r.code === 1, text: r.stdout } : undefined;
  }

  /** Server-side apply; `check` asks the server to validate without persisting (--dry-run=server). */
  async apply(source: { kustomize: string } | { stdin: string }, opts: { check?: boolean; forceConflicts?: boolean } = {}): Promise<CommandResult> {
    const src = 'kustomize' in source ? ['-k', source.kustomize] : ['-f', '-'];
    const extra = [...(opts.check ? ['--dry-run=server'] : []), ...(opts.forceConflicts ? ['--force-conflicts'] : [])];
    return this.#run(this.argv('apply', '--server-side', `--field-manager=${this.fieldManager}`, ...extra, ...src), {
      mode: opts.check ? 'check' : 'write',
      input: 'stdin' in source ? source.stdin : undefined,
      timeoutMs: 60_000,
    });
  }

  async rolloutStatus(ref: ObjectRef, timeoutS: number): Promise<CommandResult> {
    return this.#run(this.argv('rollout', 'status', `${ref.kind.toLowerCase()}/${ref.name}`, '-n', ref.namespace!, `--timeout=${timeoutS}s`), {
      timeoutMs: (timeoutS + 30) * 1000,
    });
  }

  async rolloutRestart(ref: ObjectRef): Promise<CommandResult> {
    return this.#run(this.argv('rollout', 'restart', `${ref.kind.toLowerCase()}/${ref.name}`, '-n', ref.namespace!), { mode: 'write' });
  }

  async delete(ref: ObjectRef): Promise<CommandResult> {
    const ns = ref.namespace ? ['-n', ref.namespace] : [];
    return this.#run(this.argv('delete', kindArg(ref), ref.name, ...ns, '--ignore-not-found', '--wait=true', '--timeout=120s'), { mode: 'write', timeoutMs: 150_000 });
  }

  /** Runs a command in a container (read-only by intent: status endpoints). */
  async exec(target: { resource: string; namespace: string; container: string }, command: string[], opts: { input?: string; timeoutMs?: number; okCodes?: number[] | 'any' } = {}) {
    return this.#run(this.argv('exec', ...(opts.input !== undefined ? ['-i'] : []), '-n', target.namespace, target.resource, '-c', target.container, '--', ...command), {
      mode: 'read',
      input: opts.input,
      timeoutMs: opts.timeoutMs ?? 30_000,
      okCodes: opts.okCodes,
    });
  }

  /**
   * A throwaway pod that runs one command and is deleted whatever happens (`--rm`, then an explicit
   * delete in `finally` in case kubectl was interrupted). Returns undefined when not run.
   */
  async probe(p: { name: string; namespace: string; image: string; labels: Record<string, string>; command: string[]; timeoutS: number }): Promise<ProbeResult | undefined> {
    const labels = Object.entries(p.labels).map(([k, v]) => `${k}=${v}`).join(',');
    try {
      const r = await this.#run(
        this.argv('run', p.name, '-n', p.namespace, `--image=${p.image}`, '--restart=Never', '--rm', '-i', '--quiet', `--labels=${labels}`, `--pod-running-timeout=${p.timeoutS}s`, '--command', '--', ...p.command),
        { mode: 'write', okCodes: 'any', timeoutMs: (p.timeoutS * 2 + 30) * 1000 },
      );
      return r.ran ? { code: r.code, stdout: r.stdout, stderr: r.stderr } : undefined;
    } finally {
      await this.#run(this.argv('delete', 'pod', p.name, '-n', p.namespace, '--ignore-not-found', '--wait=false'), { mode: 'write', okCodes: [0, 1], timeoutMs: 30_000 });
    }
  }
}

/** `kind.group` so a kind name shared by two API groups is unambiguous (NetworkPolicy.networking.k8s.io). */
function kindArg(ref: ObjectRef): string {
  const group = ref.apiVersion?.includes('/') ? ref.apiVersion.split('/')[0] : '';
  return group ? `${ref.kind.toLowerCase()}.${group}` : ref.kind.toLowerCase();
}

/**
 * Objects named by `kubectl diff`'s per-object headers (`diff -u -N /tmp/LIVE-1/apps.v1.Deployment.ns.name ...`).
 * kubectl names each file `[group.]version.Kind.namespace.name`, the namespace empty for cluster-scoped
 * kinds (`v1.Namespace..vpn-egress`): kubernetes/kubectl pkg/cmd/diff/diff.go, InfoObject.Name().
 */
export function diffObjects(text: string): ObjectRef[] {
  const refs: ObjectRef[] = [];
  for (const m of text.matchAll(/^diff -u -N \S*\/LIVE-[^/\s]+\/(\S+) /gm)) {
    const parts = m[1].split('.');
    const k = parts.findIndex((p) => /^[A-Z]/.test(p));
    if (k < 1) continue;
    // A namespace is a DNS label (no dots); the name may contain dots.
    const [namespace, ...name] = parts.slice(k + 1);
    refs.push({ kind: parts[k], name: name.join('.'), ...(namespace ? { namespace } : {}) });
  }
  return refs;
}

/** A live object made fit to re-apply (undo): server-set fields removed. */
export function reapplyable(obj: KubeJson): KubeJson {
  const { resourceVersion: _rv, uid: _uid, creationTimestamp: _ct, managedFields: _mf, generation: _g, ...metadata } = obj.metadata;
  const { status: _status, ...rest } = obj;
  return { ...rest, metadata } as KubeJson;
}
