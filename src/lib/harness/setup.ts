/**
 * The setup every runbook gets: which inventory and which manifests it runs against. The same two
 * settings for every runbook, read once here: $AVALANCHE_INVENTORY (default: the bundled
 * src/data/network.yaml) and $AVALANCHE_MANIFESTS_ROOT (default: this repository, which holds manifests/).
 * Records use $AVALANCHE_STATE_DIR (harness/records.ts), the kube context the inventory or --context.
 */
import { relative } from 'node:path';
import { DEFAULT_INVENTORY, loadInventory } from '../inventory/inventory.ts';
import { DEFAULT_ROOT } from '../inventory/manifests.ts';
import type { RunbookSetup } from './types.ts';

export function loadSetup(env: NodeJS.ProcessEnv): RunbookSetup {
  const file = env.AVALANCHE_INVENTORY || DEFAULT_INVENTORY;
  return {
    inventory: loadInventory(file),
    inventoryFile: env.AVALANCHE_INVENTORY ? file : relative(DEFAULT_ROOT, DEFAULT_INVENTORY),
    inventoryOverridden: Boolean(env.AVALANCHE_INVENTORY),
    manifestsRoot: env.AVALANCHE_MANIFESTS_ROOT || DEFAULT_ROOT,
    manifestsOverridden: Boolean(env.AVALANCHE_MANIFESTS_ROOT),
  };
}
