/**
 * The frozen bundle the Tailscale runbook tests run against (test/fixtures/runbook-bundle/README.md): its
 * inventory and manifests agree with the recorded Tailscale outputs, whatever the bundled network becomes.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const BUNDLE_ROOT = fileURLToPath(new URL('../fixtures/runbook-bundle/', import.meta.url));
/** The environment that points a runbook at it (the harness reads both: src/lib/harness/setup.ts). */
export const BUNDLE_ENV = {
  AVALANCHE_INVENTORY: `${BUNDLE_ROOT}src/data/network.yaml`,
  AVALANCHE_MANIFESTS_ROOT: BUNDLE_ROOT,
};
export const bundleFile = (path: string) => readFileSync(`${BUNDLE_ROOT}${path}`, 'utf8');
