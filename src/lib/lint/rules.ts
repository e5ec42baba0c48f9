/**
 * The rule registry: every rule the linter can report, with its severity, what it catches and its source.
 * The docs page manifests/lint-rules lists it, and test/lint/rules.test.ts proves each rule has fixtures in
 * both directions: a config it must reject and a valid one near it that it must accept.
 */
import { GLUETUN_COMBO_RULES } from './gluetun-combos.ts';
import { GLUETUN_POD_RULES } from './gluetun-pod.ts';
import { GLUETUN_RUNTIME_RULES } from './gluetun-runtime.ts';
import { GLUETUN_ENV_RULES } from './gluetun.ts';
import { GENERATED_RULES } from './generated.ts';
import { INVENTORY_RULES } from './inventory.ts';
import { REF_RULES } from './k8s-refs.ts';
import { KUBERNETES_RULES } from './kubernetes.ts';
import { LITERAL_RULES } from './literal-facts.ts';
import { OVERLAP_RULES } from './overlap.ts';
import { POLICY_FACT_RULES } from './policy-facts.ts';
import { PROXY_CLIENT_RULES } from './proxy-clients.ts';
import { ROUTY_RULES } from './routy.ts';
import { TAILSCALE_RULES } from './tailscale.ts';
import type { Rule } from './types.ts';

export const RULES: readonly Rule[] = [
  ...KUBERNETES_RULES,
  ...REF_RULES,
  ...PROXY_CLIENT_RULES,
  ...GLUETUN_ENV_RULES,
  ...GLUETUN_COMBO_RULES,
  ...GLUETUN_POD_RULES,
  ...GLUETUN_RUNTIME_RULES,
  ...TAILSCALE_RULES,
  ...ROUTY_RULES,
  ...INVENTORY_RULES,
  ...GENERATED_RULES,
  ...OVERLAP_RULES,
  ...POLICY_FACT_RULES,
  ...LITERAL_RULES,
];

const byId = new Map(RULES.map((r) => [r.id, r]));

export function ruleById(id: string): Rule {
  const rule = byId.get(id);
  if (!rule) throw new Error(`unknown lint rule "${id}"; register it in src/lib/lint/rules.ts`);
  return rule;
}

/** Rules grouped by concern (the part before the slash), in registry order. */
export function rulesByConcern(): Map<string, Rule[]> {
  const groups = new Map<string, Rule[]>();
  for (const r of RULES) {
    const concern = r.id.split('/')[0];
    groups.set(concern, [...(groups.get(concern) ?? []), r]);
  }
  return groups;
}
