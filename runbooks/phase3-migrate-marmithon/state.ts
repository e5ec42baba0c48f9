/**
 * phase3-migrate-marmithon's flags and the state its steps share (imported by index.ts and the step files,
 * so neither imports the other).
 */
import type { Kube, KubeJson } from '../../src/lib/clients/kube.ts';
import type { ArgsOf, StepContext, StepDecl } from '../../src/lib/harness/index.ts';
import type { MigrationRecord } from '../../src/lib/harness/records.ts';
import { ECHO_URL, PROBE_IMAGE, type EgressOptions } from '../../src/lib/steps/egress-checks.ts';
import type { MarmithonConfig, MarmithonRecord, RestoreOp } from './migration.ts';

export const flags = [
  {
    name: 'echo-url',
    type: 'string',
    valueName: 'URL',
    default: ECHO_URL,
    description: "An IP-echo endpoint fetched from the pod (it answers with the caller's IP as plain text).",
  },
  {
    name: 'probe-image',
    type: 'string',
    valueName: 'IMAGE',
    default: PROBE_IMAGE,
    description: 'Image of the throwaway probe pods of the proxy check and of the home-IP measurement (needs curl).',
  },
  {
    name: 'settle',
    type: 'string',
    valueName: 'SECONDS',
    default: '60',
    description: 'How long to wait for gluetun to report the VPN running and a public IP.',
  },
  {
    name: 'rollout-timeout',
    type: 'string',
    valueName: 'SECONDS',
    default: '180',
    description: 'How long to wait for marmithon to roll out.',
  },
] as const;
export type Args = ArgsOf<typeof flags>;

export interface State {
  cfg: MarmithonConfig;
  kube: Kube;
  context: string;
  contextFromFlag: boolean;
  namespace: string;
  egress: EgressOptions;
  rolloutTimeoutS: number;
  recordFile: string;
  previous?: MigrationRecord<MarmithonRecord>;
  live: Map<string, KubeJson | null | undefined>;
  changed?: boolean;
  nsExists?: boolean;
  /** --rollback: what is done to each recorded object. */
  ops: RestoreOp[];
}

export type Step = StepDecl<State, Args>;
export type Ctx = StepContext<State, Args>;
