/**
 * phase4-retire-exit-nodes' flags and the state its steps share (imported by index.ts and the step files,
 * so neither imports the other).
 */
import type { Secret } from '../../src/lib/core/secrets.ts';
import type { ArgsOf, StepContext, StepDecl } from '../../src/lib/harness/index.ts';
import type { MigrationRecord } from '../../src/lib/harness/records.ts';
import type { Inventory } from '../../src/lib/inventory/inventory.ts';
import type { TailscaleApi } from '../../src/lib/clients/tailscale-api.ts';
import type { TailscaleStatus } from '../../src/lib/clients/tailscale-status.ts';
import type { ExitNode, ExitNodesRecord, Reach, RecordedNode } from './exit-nodes.ts';

export const flags = [
  {
    name: 'ssh-alias',
    type: 'string',
    multiple: true,
    valueName: 'NODE=ALIAS',
    selects: true,
    description: 'How to reach a node over ssh, by its MagicDNS label (repeat for several), e.g. vps=vps.example.net.',
  },
  {
    name: 'vps-done',
    type: 'boolean',
    description:
      'You did the VPS checklist by hand (nothing depends on it, data copied off, cancelled, node removed): needed without a terminal or with --yes.',
  },
  {
    name: 'skip-vps',
    type: 'boolean',
    description: 'Retire only the exit nodes now; leave the VPS checklist for another run.',
  },
  {
    name: 'settle',
    type: 'string',
    valueName: 'SECONDS',
    default: '30',
    description: 'How long to wait for the tailnet to show the change before the verification fails.',
  },
] as const;
export type Args = ArgsOf<typeof flags>;

export interface State {
  inv: Inventory;
  aliases: Record<string, string>;
  settleS: number;
  key?: Secret;
  api?: TailscaleApi;
  recordFile: string;
  previous?: MigrationRecord<ExitNodesRecord>;
  status?: TailscaleStatus;
  nodes: ExitNode[];
  reach: Map<string, Reach>;
  /** Nodes the runbook will run `set --advertise-exit-node=false` on, and those with an approval to withdraw. */
  unadvertise: ExitNode[];
  withdraw: ExitNode[];
  /** The VPS checklist was confirmed. */
  vpsRetired?: boolean;
  /** --rollback: what was put back, for the verification. */
  readvertised: RecordedNode[];
  reapproved: RecordedNode[];
}

export type Step = StepDecl<State, Args>;
export type Ctx = StepContext<State, Args>;
