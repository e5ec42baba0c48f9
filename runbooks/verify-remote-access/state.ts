/** verify-remote-access's flags (from the inventory: its LAN services) and the state its steps share. */
import type { Secret } from '../../src/lib/core/secrets.ts';
import type { ArgsOf, StepContext } from '../../src/lib/harness/index.ts';
import type { Inventory } from '../../src/lib/inventory/inventory.ts';
import type { TailscaleStatus } from '../../src/lib/clients/tailscale-status.ts';

export const flags = (inv: Inventory) =>
  [
    {
      name: 'service',
      type: 'string',
      multiple: true,
      valueName: 'NAME',
      choices: inv.lan.services.map((s) => s.name),
      description: 'LAN service(s) from the inventory to resolve and connect to (default: all).',
    },
    {
      name: 'no-api',
      type: 'boolean',
      description: 'Skip reading the tailnet split-DNS setting through the API (no API key needed).',
    },
  ] as const;
export type Args = ArgsOf<ReturnType<typeof flags>>;

export interface VerifyConfig {
  router: string;
  routes: string[];
  lan: string;
  services: Array<{ name: string; fqdn: string; port: number }>;
  split: { domain: string; nameservers: string[] };
  key?: Secret;
}

export interface State {
  cfg: VerifyConfig;
  /** This machine's `tailscale status --json` (undefined under --dry-run). */
  status?: TailscaleStatus;
}

export type Ctx = StepContext<State, Args>;
