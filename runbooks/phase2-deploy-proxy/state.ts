/**
 * phase2-deploy-proxy's flags and the state its steps share (imported by index.ts and the step files, so
 * neither imports the other).
 */
import type { Kube, ObjectRef } from '../../src/lib/clients/kube.ts';
import type { Secret } from '../../src/lib/core/secrets.ts';
import type { ArgsOf, StepContext, StepDecl } from '../../src/lib/harness/index.ts';
import type { Inventory } from '../../src/lib/inventory/inventory.ts';
import { ECHO_URL, PROBE_IMAGE } from '../../src/lib/steps/egress-checks.ts';
import { proxyFlags, type ProxyConfig } from '../../src/lib/steps/vpn-proxy.ts';
import type { ProxyPlan } from './deploy.ts';

export const flags = (inv: Inventory) =>
  [
    ...proxyFlags(inv, { echoUrl: ECHO_URL, probeImage: PROBE_IMAGE }),
    {
      name: 'rollout-timeout',
      type: 'string',
      valueName: 'SECONDS',
      default: '300',
      description:
        'How long to wait for each Deployment to roll out (gluetun may take minutes to connect the first time).',
    },
    {
      name: 'force',
      type: 'boolean',
      description:
        'With --rollback: delete a proxy even while pods still use it (their connections through it then fail).',
    },
  ] as const;

export type Args = ArgsOf<ReturnType<typeof flags>>;

export interface State extends ProxyConfig {
  kube: Kube;
  rolloutTimeoutS: number;
  /** Labels the runbook's own objects (the Secrets) carry. */
  labels: Record<string, string>;
  /** Whether the shared namespace exists (undefined: not read, under --dry-run). */
  nsExists?: boolean;
  /** The WireGuard key per region (not read under --dry-run). */
  keys: Record<string, Secret>;
  plans: ProxyPlan[];
  /** How many objects the plan would change. */
  changes: number;
  /** --rollback: the objects that exist and will be deleted. */
  toDelete: ObjectRef[];
}

export type Step = StepDecl<State, Args>;
export type Ctx = StepContext<State, Args>;
