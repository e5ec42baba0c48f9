/**
 * Tailnet policy rules (manifests/tailscale/policy.hujson): it parses as HuJSON, every tag is owned, every
 * group and host is defined, the auto-approved route is the inventory's subnet, no exit node is approved or
 * granted while the inventory says "no exit nodes", and the policy's own `tests` pass (tailscale-eval.ts).
 * Syntax: https://tailscale.com/docs/reference/syntax/policy-file (validated 2026-04-08); the sections Tailscale
 * accepts: tailscale-sections.ts.
 */
import { findNodeAtLocation, parse, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { subnetRouter } from '../inventory/inventory.ts';
import { isMasked, maskedText, parseAddr, parsePrefix } from './go-parse.ts';
import { POLICY_SECTIONS } from './tailscale-sections.ts';
import { evaluateTests, splitHostPort, type Policy } from './tailscale-eval.ts';
import type { LintContext, Rule } from './types.ts';

const SYNTAX = 'https://tailscale.com/docs/reference/syntax/policy-file';
export const TAILSCALE_RULES: Rule[] = [
  {
    id: 'tailscale/parse',
    severity: 'error',
    description: 'The policy parses as HuJSON (JSON with comments and trailing commas); errors give line:column.',
    source: 'https://github.com/tailscale/hujson',
  },
  {
    id: 'tailscale/unknown-key',
    severity: 'error',
    description:
      'Top-level keys are sections Tailscale documents or its API client declares (grants, acls, postures, defaultSrcPosture, attrConfig, ...; the table in tailscale-sections.ts, each row with its source).',
    source: 'https://github.com/tailscale/tailscale-client-go-v2/blob/v2.9.0/policyfile.go',
  },
  {
    id: 'tailscale/tag-owner',
    severity: 'error',
    description: 'Every tag used anywhere in the policy has an entry in tagOwners.',
    source: `${SYNTAX}#tag-owners`,
  },
  {
    id: 'tailscale/undefined-name',
    severity: 'error',
    description: 'Every group:… and host alias used is defined in groups or hosts.',
    source: `${SYNTAX}#groups`,
  },
  {
    id: 'tailscale/auto-approver-route',
    severity: 'error',
    description:
      "autoApprovers.routes approves exactly the inventory's advertised routes (IPv4 or IPv6 prefixes without host bits), for the subnet router's tag.",
    source: `${SYNTAX}#auto-approvers`,
  },
  {
    id: 'tailscale/exit-node-approver',
    severity: 'error',
    description: 'No autoApprovers.exitNode while the inventory says the tailnet has no exit nodes.',
    source: `${SYNTAX}#auto-approvers`,
  },
  {
    id: 'tailscale/internet-grant',
    severity: 'error',
    description: 'No grant or ACL to autogroup:internet (exit-node use) while the inventory says no exit nodes.',
    source: 'https://tailscale.com/docs/features/exit-nodes',
  },
  {
    id: 'tailscale/test-format',
    severity: 'error',
    description:
      'Each test has a src and destinations of the form host:port with a single address and port (no CIDR, no *, no ranges).',
    source: `${SYNTAX}#tests`,
  },
  {
    id: 'tailscale/test-failed',
    severity: 'error',
    description:
      "The policy's own tests pass when evaluated locally, so a grant change that cuts a device off fails CI before it reaches Tailscale.",
    source: `${SYNTAX}#tests`,
  },
  {
    id: 'tailscale/test-unsupported',
    severity: 'error',
    description:
      'The policy uses only features the local test evaluator models; otherwise the tests cannot be vouched for offline.',
    source: 'src/lib/lint/tailscale-eval.ts',
  },
];

const TOP_LEVEL = POLICY_SECTIONS.map((x) => x.key);
export const POLICY_FILE = 'manifests/tailscale/policy.hujson';

export interface ParsedPolicy {
  policy: Policy;
  tree: Node;
  /** 1-based line of a JSON path, or of its nearest existing ancestor. */
  lineOf(path: (string | number)[]): number;
}

export function parsePolicy(text: string): {
  parsed?: ParsedPolicy;
  errors: { line: number; column: number; message: string }[];
} {
  const errors: ParseError[] = [];
  const options = { allowTrailingComma: true, disallowComments: false };
  const policy = parse(text, errors, options) as Policy;
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const pos = (offset: number) => {
    let line = starts.findLastIndex((s) => s <= offset);
    return { line: line + 1, column: offset - starts[line] + 1 };
  };
  if (errors.length || !policy || typeof policy !== 'object' || Array.isArray(policy)) {
    // The first error is the one to fix; the rest usually cascade from it.
    const first = errors[0];
    const what = first
      ? printParseErrorCode(first.error)
          .replace(/([a-z])([A-Z])/g, '$1 $2')
          .toLowerCase()
      : 'expected a JSON object';
    return { errors: [{ ...pos(first?.offset ?? 0), message: what }] };
  }
  const tree = parseTree(text, [], options)!;
  const lineOf = (path: (string | number)[]) => {
    for (let n = path.length; n >= 0; n--) {
      const node = findNodeAtLocation(tree, path.slice(0, n));
      if (node) return pos(node.parent?.type === 'property' ? node.parent.offset : node.offset).line;
    }
    return 1;
  };
  return { parsed: { policy, tree, lineOf }, errors: [] };
}

export function checkTailscale(ctx: LintContext): ParsedPolicy | undefined {
  const app = ctx.apps.find((a) => a.kind === 'tailscale');
  const file = app?.files.find((f) => f.path === POLICY_FILE);
  if (!file) return undefined;
  const { parsed, errors } = parsePolicy(file.text);
  for (const e of errors)
    ctx.report(
      'tailscale/parse',
      file.path,
      e.line,
      `column ${e.column}: ${e.message}; the policy is HuJSON (JSON with // comments and trailing commas).`,
    );
  if (!parsed) return undefined;
  const { policy, lineOf } = parsed;
  const report = (rule: string, path: (string | number)[], message: string) =>
    ctx.report(rule, file.path, lineOf(path), message);

  for (const key of Object.keys(policy).filter((k) => !TOP_LEVEL.includes(k)))
    report(
      'tailscale/unknown-key',
      [key],
      `unknown section "${key}"; Tailscale's sections are ${TOP_LEVEL.join(', ')}.`,
    );
  const owned = new Set(Object.keys(policy.tagOwners ?? {}));
  const groups = new Set(Object.keys(policy.groups ?? {}));
  const hosts = new Set(Object.keys(policy.hosts ?? {}));
  walkStrings(policy, [], (value, path) => {
    if (path[0] === 'tagOwners' && path.length === 1) return;
    for (const tag of value.match(/\btag:[\w-]+/g) ?? [])
      if (!owned.has(tag))
        report(
          'tailscale/tag-owner',
          path,
          `${tag} is used but has no tagOwners entry; nobody can assign it. Add "${tag}": ["autogroup:admin"].`,
        );
    for (const group of value.match(/\bgroup:[\w-]+/g) ?? [])
      if (!groups.has(group)) report('tailscale/undefined-name', path, `${group} is not defined in groups.`);
    if (['grants', 'acls'].includes(String(path[0])) && ['src', 'dst'].includes(String(path[2]))) {
      const host = path[0] === 'acls' && path[2] === 'dst' ? (splitHostPort(value, true)?.host ?? value) : value;
      if (isAliasLike(host) && !hosts.has(host))
        report(
          'tailscale/undefined-name',
          path,
          `"${host}" is neither a host alias in hosts nor a user, group, tag, autogroup or address.`,
        );
    }
  });

  const router = subnetRouter(ctx.inv);
  const wanted = [...(router.advertise_routes ?? [ctx.inv.lan.subnet])].sort();
  const routes =
    (policy.autoApprovers as { routes?: Record<string, string[]>; exitNode?: string[] } | undefined)?.routes ?? {};
  const approved = Object.keys(routes).sort();
  for (const route of approved) {
    const p = parsePrefix(route);
    if (!p || !isMasked(p))
      report(
        'tailscale/auto-approver-route',
        ['autoApprovers', 'routes', route],
        `"${route}" is not an IP prefix without host bits${p ? ` (expected ${maskedText(p)})` : ''}; routy could never advertise it (tailscale net/netutil/routes.go).`,
      );
  }
  // A stale route is reported at its own line (the one to change); a missing one at the routes object.
  const stale = approved.filter((r) => !wanted.includes(r));
  const missing = wanted.filter((r) => !approved.includes(r));
  for (const route of stale)
    report(
      'tailscale/auto-approver-route',
      ['autoApprovers', 'routes', route],
      `autoApprovers.routes approves ${route}, which the inventory's subnet router ${router.name} does not advertise; it advertises ${wanted.join(', ') || 'nothing'} (src/data/network.yaml).${missing.length ? ` Change it to ${missing.join(', ')}.` : ' Remove it.'}`,
    );
  if (missing.length && !stale.length)
    report(
      'tailscale/auto-approver-route',
      ['autoApprovers', 'routes'],
      `autoApprovers.routes approves ${approved.join(', ') || 'nothing'}; the inventory's subnet router ${router.name} also advertises ${missing.join(', ')} (src/data/network.yaml). Add it.`,
    );
  for (const route of wanted.filter((r) => routes[r])) {
    const tags = router.tags ?? [];
    if (!tags.some((t) => routes[route].includes(t)))
      report(
        'tailscale/auto-approver-route',
        ['autoApprovers', 'routes', route],
        `${route} is approved for ${routes[route].join(', ')}; expected ${router.name}'s tag ${tags.join(', ') || '(none in the inventory)'}, so a re-login by another user does not drop the route.`,
      );
  }
  if (!ctx.inv.tailnet.exit_nodes) {
    if ((policy.autoApprovers as { exitNode?: unknown } | undefined)?.exitNode !== undefined)
      report(
        'tailscale/exit-node-approver',
        ['autoApprovers', 'exitNode'],
        'autoApprovers.exitNode would approve exit nodes, but the inventory says tailnet.exit_nodes: false. Remove it.',
      );
    walkStrings({ grants: policy.grants, acls: policy.acls }, [], (value, path) => {
      if (path[2] === 'dst' && value.startsWith('autogroup:internet'))
        report(
          'tailscale/internet-grant',
          path,
          'a grant to autogroup:internet lets devices use exit nodes, but the inventory says tailnet.exit_nodes: false. Remove it.',
        );
    });
  }
  checkTests(policy, report);
  return parsed;
}

function isAliasLike(s: string): boolean {
  return (
    s !== '*' &&
    !/^(tag|group|autogroup|ipset):/.test(s) &&
    !s.includes('@') &&
    parseAddr(s) === undefined &&
    !parsePrefix(s)
  );
}

function walkStrings(
  value: unknown,
  path: (string | number)[],
  visit: (value: string, path: (string | number)[]) => void,
): void {
  if (typeof value === 'string') visit(value, path);
  else if (Array.isArray(value)) value.forEach((v, i) => walkStrings(v, [...path, i], visit));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) walkStrings(v, [...path, k], visit);
}

function checkTests(policy: Policy, report: (rule: string, path: (string | number)[], message: string) => void): void {
  (policy.tests ?? []).forEach((t, i) => {
    if (typeof t.src !== 'string' || !t.src)
      report('tailscale/test-format', ['tests', i], 'a test needs "src" (a user, group, tag or host).');
    for (const kind of ['accept', 'allow', 'deny'] as const) {
      (t[kind] ?? []).forEach((dst, j) => {
        const hp = splitHostPort(dst);
        if (!hp || hp.host === '*' || hp.host.includes('/'))
          report(
            'tailscale/test-format',
            ['tests', i, kind, j],
            `"${dst}" must be host:port with a single address and port (tests accept no CIDR, * or port range).`,
          );
      });
    }
  });
  const { outcomes, unsupported } = evaluateTests(policy);
  for (const what of unsupported)
    report(
      'tailscale/test-unsupported',
      ['tests'],
      `the policy uses ${what}, which the local test evaluator does not model (src/lib/lint/tailscale-eval.ts); extend it or drop the feature.`,
    );
  for (const o of outcomes.filter((o) => !o.ok)) {
    const kind = policy.tests![o.test].accept || o.kind === 'deny' ? o.kind : 'allow';
    report('tailscale/test-failed', ['tests', o.test, kind, o.item], `test ${o.test + 1}: ${o.message}.`);
  }
}
