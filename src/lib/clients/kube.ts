/**
 * A thin typed kubectl client. Every call pins `--context`, so a runbook never acts on whatever cluster
 * happens to be current. Reads return `undefined` when --dry-run kept the command from running, so a
 * step can tell "not checked" from "absent" (null).
 *
 * kubectl facts used here (https://kubernetes.io/docs/reference/kubectl/generated/):
 * - `kubectl diff` exits 0 for no differences, 1 for differences, >1 for an error; an external diff tool
 *   (KUBECTL_EXTERNAL_DIFF) "is expected to follow that convention" (kubectl diff --help). The exit status
 *   is the answer; the output's format is the tool's, so it only helps to tell which objects differ.
 * - `kubectl apply` applies the objects one by one, goes on past an object the server refuses, prints
 *   `<kind>[.<group>]/<name> serverside-applied` for each one applied and exits 1 if any failed
 *   (ApplyOptions.Run, https://github.com/kubernetes/kubectl/blob/v0.33.0/pkg/cmd/apply/apply.go).
 * - Every call has a process timeout (at most 30 s, or the wait the operator asked for, such as
 *   --rollout-timeout): a hung kubectl fails the step naming the command.
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
    return r.ran
      ? r.stdout
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean)
      : undefined;
  }

  /** The API server's version; throws CommandError when the cluster does not answer. */
  async serverVersion(): Promise<string | undefined> {
    const r = await this.#run(this.argv('version', '-o', 'json', '--request-timeout=10s'), { timeoutMs: 20_000 });
    return r.ran ? (JSON.parse(r.stdout).serverVersion?.gitVersion as string) : undefined;
  }

  /** The live object, null when absent, undefined when not run. */
  async get(ref: ObjectRef): Promise<KubeJson | null | undefined> {
    const ns = ref.namespace ? ['-n', ref.namespace] : [];
    const r = await this.#run(this.argv('get', kindArg(ref), ref.name, ...ns, '-o', 'json', '--ignore-not-found'), {
      timeoutMs: 20_000,
    });
    if (!r.ran) return undefined;
    return r.stdout.trim() ? (JSON.parse(r.stdout) as KubeJson) : null;
  }

  /**
   * Pods in any namespace that carry the label `key=value` (e.g. the apps that use a proxy); undefined when not run.
   */
  async podsLabelled(key: string, value: string): Promise<KubeJson[] | undefined> {
    const r = await this.#run(this.argv('get', 'pods', '--all-namespaces', '-l', `${key}=${value}`, '-o', 'json'), {
      timeoutMs: 20_000,
    });
    if (!r.ran) return undefined;
    return (JSON.parse(r.stdout) as { items?: KubeJson[] }).items ?? [];
  }

  /** Server-side diff of a kustomize folder or of objects on stdin; undefined when not run. */
  async diff(
    source: { kustomize: string } | { stdin: string },
  ): Promise<{ changed: boolean; text: string } | undefined> {
    const src = 'kustomize' in source ? ['-k', source.kustomize] : ['-f', '-'];
    const r = await this.#run(this.argv('diff', '--server-side', `--field-manager=${this.fieldManager}`, ...src), {
      mode: 'read',
      okCodes: [0, 1],
      input: 'stdin' in source ? source.stdin : undefined,
      timeoutMs: 30_000,
    });
    return r.ran ? { changed: r.code === 1, text: r.stdout } : undefined;
  }

  /** Server-side apply; `check` asks the server to validate without persisting (--dry-run=server). */
  async apply(
    source: { kustomize: string } | { stdin: string },
    opts: { check?: boolean; forceConflicts?: boolean } = {},
  ): Promise<CommandResult> {
    const src = 'kustomize' in source ? ['-k', source.kustomize] : ['-f', '-'];
    const extra = [...(opts.check ? ['--dry-run=server'] : []), ...(opts.forceConflicts ? ['--force-conflicts'] : [])];
    return this.#run(this.argv('apply', '--server-side', `--field-manager=${this.fieldManager}`, ...extra, ...src), {
      mode: opts.check ? 'check' : 'write',
      input: 'stdin' in source ? source.stdin : undefined,
      timeoutMs: 30_000,
    });
  }

  async rolloutStatus(ref: ObjectRef, timeoutS: number): Promise<CommandResult> {
    // A wait the operator asked for (--rollout-timeout): kubectl ends it itself; ours is the backstop.
    return this.#run(
      this.argv(
        'rollout',
        'status',
        `${ref.kind.toLowerCase()}/${ref.name}`,
        '-n',
        ref.namespace!,
        `--timeout=${timeoutS}s`,
      ),
      {
        timeoutMs: (timeoutS + 10) * 1000,
      },
    );
  }

  async rolloutRestart(ref: ObjectRef): Promise<CommandResult> {
    return this.#run(this.argv('rollout', 'restart', `${ref.kind.toLowerCase()}/${ref.name}`, '-n', ref.namespace!), {
      mode: 'write',
      timeoutMs: 30_000,
    });
  }

  async delete(ref: ObjectRef): Promise<CommandResult> {
    const ns = ref.namespace ? ['-n', ref.namespace] : [];
    // --timeout bounds kubectl's wait for the object to go (finalizers); the process gets a few seconds more.
    return this.#run(
      this.argv('delete', kindArg(ref), ref.name, ...ns, '--ignore-not-found', '--wait=true', '--timeout=20s'),
      { mode: 'write', timeoutMs: 30_000 },
    );
  }

  /** Runs a command in a container (read-only by intent: status endpoints). */
  async exec(
    target: { resource: string; namespace: string; container: string },
    command: string[],
    opts: { input?: string; timeoutMs?: number; okCodes?: number[] | 'any' } = {},
  ) {
    return this.#run(
      this.argv(
        'exec',
        ...(opts.input !== undefined ? ['-i'] : []),
        '-n',
        target.namespace,
        target.resource,
        '-c',
        target.container,
        '--',
        ...command,
      ),
      {
        mode: 'read',
        input: opts.input,
        timeoutMs: opts.timeoutMs ?? 30_000,
        okCodes: opts.okCodes,
      },
    );
  }

  /**
   * A throwaway pod that runs one command and is deleted whatever happens (`--rm`, then an explicit
   * delete in `finally` in case kubectl was interrupted). Returns undefined when not run.
   */
  async probe(p: {
    name: string;
    namespace: string;
    image: string;
    labels: Record<string, string>;
    command: string[];
    timeoutS: number;
  }): Promise<ProbeResult | undefined> {
    const labels = Object.entries(p.labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    try {
      const r = await this.#run(
        this.argv(
          'run',
          p.name,
          '-n',
          p.namespace,
          `--image=${p.image}`,
          '--restart=Never',
          '--rm',
          '-i',
          '--quiet',
          `--labels=${labels}`,
          `--pod-running-timeout=${p.timeoutS}s`,
          '--command',
          '--',
          ...p.command,
        ),
        // The pod's start (image pull) plus its command (curl --max-time 20 at most).
        { mode: 'write', okCodes: 'any', timeoutMs: (p.timeoutS + 20) * 1000 },
      );
      return r.ran ? { code: r.code, stdout: r.stdout, stderr: r.stderr } : undefined;
    } finally {
      await this.#run(this.argv('delete', 'pod', p.name, '-n', p.namespace, '--ignore-not-found', '--wait=false'), {
        mode: 'write',
        okCodes: [0, 1],
        timeoutMs: 20_000,
      });
    }
  }
}

/** `kind.group` so a kind name shared by two API groups is unambiguous (NetworkPolicy.networking.k8s.io). */
function kindArg(ref: ObjectRef): string {
  const group = ref.apiVersion?.includes('/') ? ref.apiVersion.split('/')[0] : '';
  return group ? `${ref.kind.toLowerCase()}.${group}` : ref.kind.toLowerCase();
}

/**
 * Objects named in `kubectl diff`'s output. kubectl writes each object to a file named
 * `[group.]version.Kind.namespace.name` (the namespace empty for cluster-scoped kinds: `v1.Namespace..vpn-egress`)
 * in a LIVE-<n> and a MERGED-<n> directory, and runs the diff tool on the two directories
 * (https://github.com/kubernetes/kubectl/blob/v0.33.0/pkg/cmd/diff/diff.go, InfoObject.Name() and
 * DiffProgram). Any tool that names the files it compares (`diff -u -N`, the default; `diff -u`; colordiff)
 * names the LIVE path; a tool that does not (dyff --omit-header) names none, and then only the exit
 * status tells: see Kube.diff.
 */
export function diffObjects(text: string): ObjectRef[] {
  const refs: ObjectRef[] = [];
  // ANSI colours (colordiff) removed first; each object once, even when named by two header lines.
  const plain = text.replace(/\x1b\[[0-9;]*m/g, '');
  const seen = new Set<string>();
  for (const m of plain.matchAll(/\/LIVE-[^/\s]+\/([^\s/]+)/g)) {
    if (seen.has(m[1]!)) continue;
    seen.add(m[1]!);
    const parts = m[1].split('.');
    const k = parts.findIndex((p) => /^[A-Z]/.test(p));
    if (k < 1) continue;
    // A namespace is a DNS label (no dots); the name may contain dots.
    const [namespace, ...name] = parts.slice(k + 1);
    refs.push({ kind: parts[k], name: name.join('.'), ...(namespace ? { namespace } : {}) });
  }
  return refs;
}

/**
 * The objects a `kubectl apply` (server-side) printed as applied: `deployment.apps/x serverside-applied`,
 * `namespace/x serverside-applied`, as kind (lower case) and name. After a failure these went through.
 */
export function appliedObjects(stdout: string): Array<{ kind: string; name: string }> {
  return [...stdout.matchAll(/^([a-z0-9]+)(?:\.[a-z0-9.-]+)?\/(\S+) serverside-applied\b/gm)].map((m) => ({
    kind: m[1]!,
    name: m[2]!,
  }));
}

/** What to do about a refused `kubectl apply`, from kubectl's and the API server's own words. */
export function applyAdvice(message: string): string {
  const ns = /namespaces? "([^"]+)" not found/.exec(message);
  if (ns)
    return `the namespace ${ns[1]} does not exist: create it first (or run without --dry-run=server, which applies the Namespace before the objects in it)`;
  if (/admission webhook "[^"]*" denied/.test(message))
    return 'an admission webhook refused it: its message above says why; change the manifest or the policy it enforces, then run again';
  if (/\(Forbidden\)|is forbidden/.test(message))
    return 'your kubectl user may not do this: ask for the RBAC permission named above, or use a context that has it';
  if (/Apply failed with \d+ conflicts?|conflicts? with "/.test(message))
    return 'another field manager owns these fields (see above): change them there, or take them over with --force-conflicts by hand';
  if (
    /Unable to connect|connection refused|i\/o timeout|context deadline exceeded|did not finish within|EOF/.test(
      message,
    )
  )
    return 'the API server did not answer: check the connection to the cluster, then run again';
  if (/is invalid|Invalid value|Required value|unknown field|strict decoding error/.test(message))
    return 'run `npm run lint`, fix the manifest it names, and run again';
  return "read kubectl's message above, fix the cause and run again";
}

/** A live object made fit to re-apply (undo): server-set fields removed. */
export function reapplyable(obj: KubeJson): KubeJson {
  const {
    resourceVersion: _rv,
    uid: _uid,
    creationTimestamp: _ct,
    managedFields: _mf,
    generation: _g,
    ...metadata
  } = obj.metadata;
  const { status: _status, ...rest } = obj;
  return { ...rest, metadata } as KubeJson;
}
