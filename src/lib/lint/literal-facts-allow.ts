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

export const LITERAL_ALLOW: AllowedLiteral[] = [
  {
    file: 'src/content/docs/manifests/lint-rules.mdx',
    literal: 'routy',
    why: "the lint rules' namespace (routy/*), a rule id, not the host",
  },
  {
    file: 'src/content/docs/reference/running-it-for-real.mdx',
    literal: 'routy',
    why: 'names the lint rule routy/sysctl; rule ids keep their namespace',
  },
];
