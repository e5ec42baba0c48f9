/**
 * configure-routy's flags and the state its steps share (imported by index.ts and the step files, so
 * neither imports the other).
 */
import type { Secret } from '../../src/lib/core/secrets.ts';
import type { ArgsOf, StepContext, StepDecl } from '../../src/lib/harness/index.ts';
import type { ApiDevice, DeviceRoutes, PolicyFile, SplitDns } from '../../src/lib/clients/tailscale-api.ts';
import type { FlagDiff, RoutyBundle } from './routy.ts';

export const flags = [
  {
    name: 'policy',
    type: 'boolean',
    description:
      'Also validate manifests/tailscale/policy.hujson through the API, show the diff against the live policy and apply it with the ETag read (a concurrent edit makes it fail rather than be overwritten).',
  },
  {
    name: 'approval-wait',
    type: 'string',
    valueName: 'SECONDS',
    default: '10',
    description:
      'How long to wait for the control plane (auto-approval, primary route) before approving through the API or failing the check.',
  },
] as const;
export type Args = ArgsOf<typeof flags>;

export interface RoutyConfig {
  name: string;
  alias: string;
  routes: string[];
  lanInterface?: string;
  split: { domain: string; nameservers: string[] };
  bundle: RoutyBundle;
  key?: Secret;
  policy: boolean;
  approvalWaitS: number;
}

export interface RoutyLive {
  sysctl: Record<string, string | undefined>;
  file?: string;
  flags: FlagDiff[];
  device?: ApiDevice;
  routes?: DeviceRoutes;
  splitDns?: SplitDns;
  policy?: PolicyFile;
}

export type TodoId = 'policy' | 'sysctl-file' | 'sysctl-live' | 'set' | 'approve' | 'split-dns';

export interface State {
  cfg: RoutyConfig;
  live: RoutyLive;
  /** What the plan found to change; empty = already configured. */
  todo: Array<{ id: TodoId; summary: string }>;
  /** The router's node ID as its own tailscale reports it. */
  selfId?: string;
  /** The router as the API lists it. */
  device?: ApiDevice;
  /** The advertise step sent advertise-routes now (so an auto-approver may still approve it). */
  advertisedNow?: boolean;
}

export type Step = StepDecl<State, Args>;
export type Ctx = StepContext<State, Args>;
