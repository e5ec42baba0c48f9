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
import { assumptionFor, factAt } from '../lib/inventory/facts.ts';
import {
  loadInventory,
  sharedProxies,
  subnetRouter,
  yearlySavings,
  type Inventory,
} from '../lib/inventory/inventory.ts';

let cached: Inventory | undefined;

export function inventory(): Inventory {
  cached ??= loadInventory('src/data/network.yaml', text);
  return cached;
}

export { sharedProxies, subnetRouter, yearlySavings };
export {
  assumptionAnchor,
  assumptionFor,
  exampleProxy,
  factAt,
  hostOf,
  listOf,
  proxyOf,
  proxyUrl,
  regions,
  sidecarOf,
  workloadOf,
} from '../lib/inventory/facts.ts';
export type {
  AccessPattern,
  Assumption,
  Host,
  Inventory,
  Phase,
  Status,
  VpnDeployment,
} from '../lib/inventory/inventory.ts';

/** The site's base path without a trailing slash, for links built in components. */
export const base = () => import.meta.env.BASE_URL.replace(/\/$/, '');

/** "Assumed: <why>" caption for a code block that shows assumed values, or undefined when none is. */
export function assumedCaption(inv: Inventory, keys: string[]): string | undefined {
  const found = keys.map((k) => ({ k, a: assumptionFor(inv, k) })).filter((x) => x.a);
  if (!found.length) return undefined;
  return `Assumed, confirm before running: ${found.map((x) => `${String(factAt(inv, x.k))} (${x.k})`).join('; ')}. See Reference → Assumptions to confirm.`;
}

/** A command block's label with the assumed values it uses: "Reads only; uses assumed eth0 (…): confirm it first". */
export function withAssumed(inv: Inventory, label: string, keys: string[]): string | undefined {
  const found = keys.filter((k) => assumptionFor(inv, k));
  if (!found.length) return undefined;
  return `${label}; uses assumed ${found.map((k) => `${String(factAt(inv, k))} (${k})`).join(', ')}: confirm on Reference > Assumptions to confirm`;
}
