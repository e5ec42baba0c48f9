/**
 * The inventory as the site's components and pages see it.
 *
 * loadInventory()'s default path is derived from import.meta.url, which points into
 * dist/.prerender/chunks/ once Vite has bundled the module, so at build time the file is not
 * found there. Importing the YAML as text lets Vite resolve it from the source tree (and
 * re-render pages when it changes in `astro dev`); loadInventory() validates it exactly as
 * the runbooks and tests do.
 */
import text from '../data/network.yaml?raw';
import { loadInventory, sharedProxies, subnetRouter, yearlySavings, type Inventory } from '../lib/inventory/inventory.ts';

let cached: Inventory | undefined;

export function inventory(): Inventory {
  cached ??= loadInventory('src/data/network.yaml', text);
  return cached;
}

export { sharedProxies, subnetRouter, yearlySavings };
export type { Host, Inventory, Phase, VpnDeployment } from '../lib/inventory/inventory.ts';
