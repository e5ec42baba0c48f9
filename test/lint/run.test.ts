import { afterEach, describe, expect, test } from 'vitest';
import { appKind, listApps, loadApp } from '../../src/lib/inventory/manifests.ts';
import { findingsFor, formatFinding, lint } from '../../src/lib/lint/index.ts';
import { bundledCopy, type Fixture } from './fixture.ts';
import { loadInventory, sharedProxies } from '../../src/lib/inventory/inventory.ts';

/** A proxy of the bundled inventory, whichever regions it has today. */
const PROXY = sharedProxies(loadInventory())[0]!.name;

const fixtures: Fixture[] = [];
afterEach(() => fixtures.splice(0).forEach((f) => f.cleanup()));

describe('lint()', () => {
  test('counts what it checked', async () => {
    const r = await lint();
    // Every folder once, and every object once even when a folder includes another (../namespace).
    const objects = new Set(
      listApps()
        .filter((a) => appKind(a) === 'kubernetes')
        .flatMap((a) => loadApp(a).objects.map((o) => `${o.file}#${o.doc}`)),
    );
    expect(r).toMatchObject({ errors: 0, warnings: 0, objects: objects.size, apps: listApps() });
    // At least one file per folder (kustomization or settings) besides the objects' own.
    expect(r.files).toBeGreaterThanOrEqual(listApps().length);
  });

  test('reports an app that cannot be loaded as a finding and still lints the others', async () => {
    const f = bundledCopy();
    fixtures.push(f);
    f.replace('manifests/qbittorrent/service.yaml', '  type: ClusterIP', '  type: ClusterIP\n\tbad: 1');
    f.replace(`manifests/${PROXY}/deployment.yaml`, 'name: SERVER_COUNTRIES', 'name: SERVER_COUNTRY');
    const r = await lint({ root: f.root, inventory: f.inventory });
    expect(r.findings.map((x) => x.rule)).toEqual(expect.arrayContaining(['k8s/yaml', 'gluetun/unknown-env']));
    expect(r.apps).not.toContain('qbittorrent');
  });
});

describe('findingsFor()', () => {
  test('keeps the findings in one app folder', async () => {
    const f = bundledCopy();
    fixtures.push(f);
    f.replace(
      'manifests/marmithon/deployment.yaml',
      'automountServiceAccountToken: false',
      'automountServiceAccountTokens: false',
    );
    f.replace('manifests/routy/99-tailscale.conf', 'net.ipv4.ip_forward = 1', 'net.ipv4.ip_forward = 0');
    const r = await lint({ root: f.root, inventory: f.inventory });
    expect(findingsFor(r, 'marmithon').map((x) => x.rule)).toEqual(['k8s/unknown-field']);
    expect(findingsFor(r, 'routy').map(formatFinding)).toEqual([
      'manifests/routy/99-tailscale.conf:5: routy/sysctl: net.ipv4.ip_forward = 0; expected 1 (routy advertises an IPv4 route).',
    ]);
  });
});
