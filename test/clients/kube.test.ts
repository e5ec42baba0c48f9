import { describe, expect, test } from 'vitest';
import type { CommandResult, RunOptions } from '../../src/lib/core/exec.ts';
import { diffObjects, Kube, reapplyable, refName } from '../../src/lib/clients/kube.ts';
import { deploymentJson } from '../fakes/kubectl.ts';

/** A recording `run` answering from a table keyed by the joined argv (ran: false when `dry`). */
function fakeRun(answers: Record<string, Partial<CommandResult>> = {}, dry = false) {
  const calls: Array<{ argv: string[]; opts?: RunOptions }> = [];
  const run = async (argv: string[], opts?: RunOptions): Promise<CommandResult> => {
    calls.push({ argv, opts });
    const a = answers[argv.join(' ')] ?? {};
    return {
      argv,
      code: a.code ?? 0,
      stdout: dry ? (opts?.assume ?? '') : (a.stdout ?? ''),
      stderr: a.stderr ?? '',
      durationMs: 1,
      ran: !dry,
    };
  };
  return { run, calls };
}

describe('Kube', () => {
  test('pins --context on every cluster call and classifies writes', async () => {
    const { run, calls } = fakeRun();
    const k = new Kube(run, 'avalanche', 'avalanche-runbooks');
    await k.apply({ kustomize: 'manifests/vpn-proxy-iceland' });
    await k.apply({ stdin: '{}' }, { check: true });
    await k.diff({ kustomize: 'manifests/x' });
    expect(calls.map((c) => [c.argv.join(' '), c.opts?.mode])).toEqual([
      [
        'kubectl --context avalanche apply --server-side --field-manager=avalanche-runbooks -k manifests/vpn-proxy-iceland',
        'write',
      ],
      [
        'kubectl --context avalanche apply --server-side --field-manager=avalanche-runbooks --dry-run=server -f -',
        'check',
      ],
      ['kubectl --context avalanche diff --server-side --field-manager=avalanche-runbooks -k manifests/x', 'read'],
    ]);
    expect(calls[1].opts?.input).toBe('{}');
    expect(calls[2].opts?.okCodes).toEqual([0, 1]);
  });

  test('get() returns the object, null when absent (--ignore-not-found prints nothing), undefined when not run', async () => {
    const dep = deploymentJson('vpn-proxy-iceland', 'vpn-egress');
    const argv = 'kubectl --context c get deployment.apps vpn-proxy-iceland -n vpn-egress -o json --ignore-not-found';
    const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'vpn-proxy-iceland', namespace: 'vpn-egress' };
    expect(await new Kube(fakeRun({ [argv]: { stdout: JSON.stringify(dep) } }).run, 'c', 'm').get(ref)).toEqual(dep);
    expect(await new Kube(fakeRun({ [argv]: { stdout: '' } }).run, 'c', 'm').get(ref)).toBeNull();
    expect(await new Kube(fakeRun({}, true).run, 'c', 'm').get(ref)).toBeUndefined();
  });

  test('diff() reports exit 1 as changed', async () => {
    const argv = 'kubectl --context c diff --server-side --field-manager=m -f -';
    expect(
      await new Kube(fakeRun({ [argv]: { code: 1, stdout: 'diff ...' } }).run, 'c', 'm').diff({ stdin: 'x' }),
    ).toEqual({ changed: true, text: 'diff ...' });
    expect(await new Kube(fakeRun({ [argv]: { code: 0 } }).run, 'c', 'm').diff({ stdin: 'x' })).toEqual({
      changed: false,
      text: '',
    });
  });

  test('probe() runs a labelled pod with --rm and deletes it afterwards even when the run throws', async () => {
    const calls: string[][] = [];
    const run = async (argv: string[]): Promise<CommandResult> => {
      calls.push(argv);
      if (argv.includes('run')) throw new Error('interrupted');
      return { argv, code: 0, stdout: '', stderr: '', durationMs: 0, ran: true };
    };
    const k = new Kube(run, 'c', 'm');
    await expect(
      k.probe({
        name: 'p1',
        namespace: 'ns',
        image: 'img:1',
        labels: { a: 'b', c: 'd' },
        command: ['curl', 'x'],
        timeoutS: 30,
      }),
    ).rejects.toThrow('interrupted');
    expect(calls[0]).toEqual([
      'kubectl',
      '--context',
      'c',
      'run',
      'p1',
      '-n',
      'ns',
      '--image=img:1',
      '--restart=Never',
      '--rm',
      '-i',
      '--quiet',
      '--labels=a=b,c=d',
      '--pod-running-timeout=30s',
      '--command',
      '--',
      'curl',
      'x',
    ]);
    expect(calls[1]).toEqual([
      'kubectl',
      '--context',
      'c',
      'delete',
      'pod',
      'p1',
      '-n',
      'ns',
      '--ignore-not-found',
      '--wait=false',
    ]);
  });
});

describe('diffObjects()', () => {
  test('reads the objects from kubectl diff headers, cluster-scoped ones without a namespace', () => {
    const text = [
      'diff -u -N /tmp/LIVE-2146837432/apps.v1.Deployment.vpn-egress.vpn-proxy-iceland /tmp/MERGED-1193447719/apps.v1.Deployment.vpn-egress.vpn-proxy-iceland',
      '--- /tmp/LIVE-2146837432/apps.v1.Deployment.vpn-egress.vpn-proxy-iceland',
      'diff -u -N /tmp/LIVE-2146837432/v1.Namespace..vpn-egress /tmp/MERGED-1193447719/v1.Namespace..vpn-egress',
      'diff -u -N /tmp/LIVE-1/networking.k8s.io.v1.NetworkPolicy.vpn-egress.vpn-proxy.v2 /tmp/MERGED-1/networking.k8s.io.v1.NetworkPolicy.vpn-egress.vpn-proxy.v2',
    ].join('\n');
    expect(diffObjects(text).map(refName)).toEqual([
      'Deployment/vpn-egress/vpn-proxy-iceland',
      'Namespace/vpn-egress',
      'NetworkPolicy/vpn-egress/vpn-proxy.v2',
    ]);
  });
});

describe('reapplyable()', () => {
  test('drops the server-set fields so the object can be applied back (undo)', () => {
    const obj = reapplyable(deploymentJson('d', 'ns') as never);
    expect(Object.keys(obj.metadata).sort()).toEqual(['annotations', 'labels', 'name', 'namespace']);
    expect(obj).not.toHaveProperty('status');
  });
});
