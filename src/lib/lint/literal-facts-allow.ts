/**
 * The few places that may type a network fact the inventory holds, each with the reason it must
 * (rule inventory/literal-fact). An entry allows that exact literal anywhere in that file; an entry that
 * matches nothing any more is reported (inventory/literal-allow-stale), so the list only shrinks.
 * Keep it short: almost always the right fix is to read the inventory instead.
 */
export interface AllowedLiteral {
  /** Repo-relative file. */
  file: string;
  literal: string;
  why: string;
}

/**
 * TEMPORARY: facts still typed in runbook declarations, comments and examples. The runbooks belong to the
 * work that makes their titles, descriptions and examples read the inventory (issue 10); delete each entry
 * as that lands (inventory/literal-allow-stale lists the ones that no longer match). Nothing may be added
 * to this group.
 */
const PENDING_RUNBOOKS = 'runbook text not yet drawn from the inventory (issue 10); remove when it is';

export const LITERAL_ALLOW: AllowedLiteral[] = [
  { file: 'runbooks/configure-routy.mjs', literal: 'routy', why: PENDING_RUNBOOKS },
  { file: 'runbooks/configure-routy/apply.ts', literal: 'routy', why: PENDING_RUNBOOKS },
  { file: 'runbooks/configure-routy/index.ts', literal: 'routy', why: PENDING_RUNBOOKS },
  { file: 'runbooks/configure-routy/routy.ts', literal: 'routy', why: PENDING_RUNBOOKS },
  { file: 'runbooks/configure-routy/steps.ts', literal: 'routy', why: PENDING_RUNBOOKS },
  { file: 'runbooks/configure-routy/state.ts', literal: 'routy', why: PENDING_RUNBOOKS },
  { file: 'runbooks/phase3-migrate-marmithon.mjs', literal: 'vpn-proxy-iceland', why: PENDING_RUNBOOKS },
  { file: 'runbooks/phase4-retire-exit-nodes/exit-nodes.ts', literal: '10.1.0.0/24', why: PENDING_RUNBOOKS },
  { file: 'runbooks/phase4-retire-exit-nodes/exit-nodes.ts', literal: 'routy', why: PENDING_RUNBOOKS },
  { file: 'runbooks/phase4-retire-exit-nodes/index.ts', literal: 'routy', why: PENDING_RUNBOOKS },
  { file: 'runbooks/phase4-retire-exit-nodes/verify.ts', literal: 'routy', why: PENDING_RUNBOOKS },
  { file: 'runbooks/verify-remote-access/index.ts', literal: 'routy', why: PENDING_RUNBOOKS },
  { file: 'runbooks/verify-remote-access/index.ts', literal: 'calypso', why: PENDING_RUNBOOKS },
  { file: 'runbooks/verify-remote-access/steps.ts', literal: 'routy', why: PENDING_RUNBOOKS },

  { file: 'src/content/docs/manifests/lint-rules.mdx', literal: 'routy', why: 'the lint rules\' namespace (routy/*), a rule id, not the host' },
  { file: 'src/content/docs/reference/running-it-for-real.mdx', literal: 'routy', why: 'names the lint rule routy/sysctl; rule ids keep their namespace' },
];
