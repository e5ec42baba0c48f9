/**
 * src/lib/harness/records.ts and the record helpers of runbooks/phase3-migrate-marmithon/migration.ts: where records
 * live,
 * that they are written whole and private, read back validated, and restored exactly.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { z } from 'zod';
import { InputError } from '../../src/lib/core/errors.ts';
import { loadInventory } from '../../src/lib/inventory/inventory.ts';
import { DEFAULT_ROOT } from '../../src/lib/inventory/manifests.ts';
import type { KubeJson } from '../../src/lib/clients/kube.ts';
import {
  canonical,
  forDisplay,
  marmithonConfig,
  recordable,
  restoreOps,
  sameConfig,
  selectorConflict,
} from '../../runbooks/phase3-migrate-marmithon/migration.ts';
import { nextRecord, readRecord, recordPath, stateDir, writeRecord } from '../../src/lib/harness/records.ts';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'state-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('stateDir()', () => {
  test.each([
    [{ AVALANCHE_STATE_DIR: '/x/state', XDG_STATE_HOME: '/y', HOME: '/home/op' }, '/x/state'],
    [{ XDG_STATE_HOME: '/y', HOME: '/home/op' }, '/y/avalanche'],
    [{ HOME: '/home/op' }, '/home/op/.local/state/avalanche'],
  ])('%j -> %s', (env, dir) => {
    expect(stateDir(env)).toBe(dir);
  });
});

describe('writeRecord() / readRecord()', () => {
  const data = z.strictObject({ n: z.number() });
  test('round trip, file mode 0600, recordedAt kept across updates', () => {
    const file = recordPath('demo', { AVALANCHE_STATE_DIR: join(tmp(), 'nested') });
    const first = nextRecord('demo', undefined, { n: 1 }, 'applied', new Date('2026-11-20T10:00:00Z'));
    writeRecord(file, first);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = nextRecord('demo', readRecord(file, data), { n: 2 }, 'applied', new Date('2026-11-21T10:00:00Z'));
    writeRecord(file, second);
    expect(readRecord(file, data)).toEqual({
      schema: 'avalanche-migration-record/v1',
      runbook: 'demo',
      status: 'applied',
      recordedAt: '2026-11-20T10:00:00.000Z',
      updatedAt: '2026-11-21T10:00:00.000Z',
      data: { n: 2 },
    });
  });
  test('absent: undefined', () => {
    expect(readRecord(join(tmp(), 'none.json'), data)).toBeUndefined();
  });
  test.each([
    ['not JSON', '{'],
    ['another shape', '{"schema":"avalanche-migration-record/v1","runbook":"demo","status":"done"}'],
  ])('%s: InputError naming the file', (_, text) => {
    const file = join(tmp(), 'bad.json');
    writeFileSync(file, text);
    expect(() => readRecord(file, data)).toThrow(InputError);
    expect(() => readRecord(file, data)).toThrow(file);
  });
});

describe('marmithon record helpers', () => {
  const live = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'marmithon',
      namespace: 'vpn-egress',
      uid: 'u',
      resourceVersion: '7',
      generation: 3,
      managedFields: [{ manager: 'kubectl-client-side-apply' }],
      annotations: {
        'kubectl.kubernetes.io/last-applied-configuration': '{}',
        'deployment.kubernetes.io/revision': '4',
        keep: 'me',
      },
    },
    spec: {
      selector: { matchLabels: { 'app.kubernetes.io/name': 'marmithon' } },
      template: {
        spec: {
          containers: [
            {
              name: 'marmithon',
              image: 'bot:1',
              env: [
                { name: 'IRC_PASSWORD', value: 'p4ssw0rd-long' },
                { name: 'IRC_NICK', value: 'marmithon' },
              ],
            },
          ],
        },
      },
    },
    status: { replicas: 1 },
  } as unknown as KubeJson;

  test('recordable() drops what the server sets and the last-applied copy, keeps the rest', () => {
    const r = recordable(live);
    expect(r.metadata).toEqual({ name: 'marmithon', namespace: 'vpn-egress', annotations: { keep: 'me' } });
    expect(r).not.toHaveProperty('status');
  });
  test('forDisplay() hides private-looking values only', () => {
    const env = (forDisplay(live).spec as any).template.spec.containers[0].env;
    expect(env).toEqual([
      { name: 'IRC_PASSWORD', value: '(recorded, not shown)' },
      { name: 'IRC_NICK', value: 'marmithon' },
    ]);
    expect((live.spec as any).template.spec.containers[0].env[0].value).toBe('p4ssw0rd-long');
  });
  test('sameConfig() ignores server fields and key order', () => {
    const reordered = JSON.parse(
      JSON.stringify({
        status: {},
        spec: live.spec,
        metadata: { ...live.metadata, resourceVersion: '99' },
        kind: 'Deployment',
        apiVersion: 'apps/v1',
      }),
    );
    expect(sameConfig(reordered, recordable(live))).toBe(true);
    expect(canonical({ b: 1, a: [2, { d: 1, c: 2 }] })).toBe('{"a":[2,{"c":2,"d":1}],"b":1}');
  });
  test('restoreOps(): replace what changed, delete what did not exist, keep the rest, in reverse order', () => {
    const rec = {
      context: 'avalanche',
      objects: [
        { ref: { kind: 'Deployment', name: 'marmithon', namespace: 'vpn-egress' }, live: recordable(live) },
        { ref: { kind: 'NetworkPolicy', name: 'marmithon', namespace: 'vpn-egress' }, live: null },
      ],
    };
    const changed = { ...live, spec: { ...(live.spec as object), replicas: 2 } } as KubeJson;
    const ops = restoreOps(
      rec as never,
      new Map<string, KubeJson | null>([
        ['Deployment/vpn-egress/marmithon', changed],
        ['NetworkPolicy/vpn-egress/marmithon', { kind: 'NetworkPolicy' } as KubeJson],
      ]),
    );
    expect(ops.map((o) => `${o.op} ${o.ref.kind}`)).toEqual(['delete NetworkPolicy', 'replace Deployment']);
    const same = restoreOps(
      rec as never,
      new Map<string, KubeJson | null>([
        ['Deployment/vpn-egress/marmithon', live],
        ['NetworkPolicy/vpn-egress/marmithon', null],
      ]),
    );
    expect(same.map((o) => o.op)).toEqual(['keep', 'keep']);
  });
  test('restoreOps(): a live object read through the redactor (private values masked) still matches its record', () => {
    const rec = {
      context: 'avalanche',
      objects: [{ ref: { kind: 'Deployment', name: 'marmithon', namespace: 'vpn-egress' }, live: recordable(live) }],
    };
    const masked = JSON.parse(JSON.stringify(live).replace('p4ssw0rd-long', '(recorded, not shown)')) as KubeJson;
    const read = new Map<string, KubeJson | null>([['Deployment/vpn-egress/marmithon', masked]]);
    expect(restoreOps(rec as never, read).map((o) => o.op)).toEqual(['replace']);
    const ops = restoreOps(rec as never, read, (t) => t.replaceAll('p4ssw0rd-long', '(recorded, not shown)'));
    expect(ops.map((o) => o.op)).toEqual(['keep']);
  });
  test('selectorConflict() names both selectors when they differ', () => {
    const bundled = marmithonConfig(loadInventory(), DEFAULT_ROOT).objects.find((o) => o.kind === 'Deployment')!;
    expect(selectorConflict(live, bundled)).toBeUndefined();
    expect(
      selectorConflict({ ...live, spec: { selector: { matchLabels: { app: 'bot' } } } } as KubeJson, bundled),
    ).toMatch(/live Deployment selects .*"app":"bot".*spec\.selector cannot change in place/);
  });
  test('marmithonConfig(): the bundle, the proxy from the inventory, the placeholder flagged', () => {
    const cfg = marmithonConfig(loadInventory(), DEFAULT_ROOT);
    const inv = loadInventory();
    expect(cfg.proxy.name).toBe(inv.workloads.find((w) => w.name === 'marmithon')!.egress);
    expect(cfg.recorded.map((r) => r.kind)).toEqual(['Deployment', 'NetworkPolicy']);
    expect(cfg.placeholder).toMatch(/^registry\.invalid\//);
    expect(cfg.manifest).toBe(
      ['namespace/namespace.yaml', 'marmithon/deployment.yaml', 'marmithon/networkpolicy.yaml']
        .map((f) => readFileSync(`manifests/${f}`, 'utf8').replace(/\n*$/, '\n'))
        .join('---\n'),
    );
  });
});
