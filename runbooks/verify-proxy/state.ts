/** verify-proxy's flags and the state its steps share. */
import type { Kube } from '../../src/lib/clients/kube.ts';
import type { ArgsOf, StepDecl } from '../../src/lib/harness/index.ts';
import type { Inventory } from '../../src/lib/inventory/inventory.ts';
import { ECHO_URL, PROBE_IMAGE } from '../../src/lib/steps/egress-checks.ts';
import { proxyFlags, type ProxyConfig } from '../../src/lib/steps/vpn-proxy.ts';

export const flags = (inv: Inventory) => proxyFlags(inv, { echoUrl: ECHO_URL, probeImage: PROBE_IMAGE });
export type Args = ArgsOf<ReturnType<typeof flags>>;

export interface State extends ProxyConfig {
  kube: Kube;
}

export type Step = StepDecl<State, Args>;
