/** verify-qbittorrent's flags and the state its steps share. */
import type { GluetunTarget } from '../../src/lib/clients/gluetun.ts';
import type { Kube, ObjectRef } from '../../src/lib/clients/kube.ts';
import type { ArgsOf } from '../../src/lib/harness/index.ts';
import { ECHO_URL, PROBE_IMAGE, type EgressOptions } from '../../src/lib/steps/egress-checks.ts';

/** The app's folder, manifests/<APP>, and its entry in the inventory's vpn.deployments. */
export const APP = 'qbittorrent';

export const flags = [
  {
    name: 'echo-url',
    type: 'string',
    valueName: 'URL',
    default: ECHO_URL,
    description: "An IP-echo endpoint (answers with the caller's IP as plain text).",
  },
  {
    name: 'probe-image',
    type: 'string',
    valueName: 'IMAGE',
    default: PROBE_IMAGE,
    description: 'Image of the throwaway pod that measures the home IP (needs curl).',
  },
  {
    name: 'settle',
    type: 'string',
    valueName: 'SECONDS',
    default: '60',
    description: 'How long to wait for gluetun to report the VPN running and a public IP.',
  },
] as const;
export type Args = ArgsOf<typeof flags>;

export interface State {
  country: string;
  namespace: string;
  deployment: ObjectRef;
  webuiPort: number;
  context: string;
  settleS: number;
  egress: EgressOptions;
  gluetunTarget: GluetunTarget;
  kube: Kube;
}
