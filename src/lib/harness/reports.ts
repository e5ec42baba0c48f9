/**
 * Saved verification reports: a runbook's `--json` report saved into a reports folder (`--report-dir DIR`
 * or AVALANCHE_REPORT_DIR), one file per target it verified, `<runbook>-<target>-<timestamp>.json`; read back
 * and validated at build time (AVALANCHE_REPORTS_DIR, default `reports/`) for the site's "verified
 * 2026-11-20: exit IP in Iceland". A report that does not validate fails the build, naming its file.
 *
 * What a saved report never holds: a secret (the run's redactor already replaced every registered one; on
 * top, anything that looks like a WireGuard or Tailscale key is replaced, and loading rejects a file that
 * still has one) and a public IP address in full (every public IPv4 is masked to a.b.c.x with net.ts's
 * maskIp, every global IPv6 to its first two groups; loading rejects a full one). Masking every public
 * address, not only the home IP, is what makes this hold even when a runbook forgot to mask: the VPN's exit
 * IP is masked too, which the site does not need ("exit IP in Iceland").
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findNodeAtLocation, parseTree } from 'jsonc-parser';
import { findSecrets } from '../core/secret-patterns.ts';
import { DataFileError } from '../core/errors.ts';
import { sharedProxies, type Inventory } from '../inventory/inventory.ts';
import { cidrContains, maskIp, parseIPv4 } from '../core/net.ts';
import { SAVED_SCHEMA, savedReportSchema, type RunbookReport, type SavedReport } from './report-schema.ts';
import type { Redactor } from '../core/secrets.ts';

export { runbookReportSchema, savedReportSchema, type SavedReport } from './report-schema.ts';

// ---- masking ------------------------------------------------------------------------------------------

/** Addresses that identify no one: private, loopback, link-local, the tailnet's CGNAT range, multicast, 0/8. */
const NOT_PUBLIC_V4 = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '224.0.0.0/3',
];
const V4 = /(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])/g;
// An IPv6 address with "::" or all eight groups; "10:30:00" (a time) and MAC addresses are neither.
const V6 =
  /(?<![\w:])(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}(?![\w:])|(?<![\w:])(?:[0-9a-f]{1,4}:){1,6}:(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){0,5})?(?![\w:])/gi;
const NOT_PUBLIC_V6 = /^(?:f[cd]|fe[89ab]|ff|::)/i;

const isPublicV4 = (ip: string) => parseIPv4(ip) !== undefined && !NOT_PUBLIC_V4.some((c) => cidrContains(c, ip));
const isPublicV6 = (ip: string) => !NOT_PUBLIC_V6.test(ip) && ip.split(':').filter(Boolean).length >= 2;
const maskV6 = (ip: string) => `${ip.split(':').slice(0, 2).join(':')}:x::x`;

/** Every public address in the text, masked (203.0.113.7 -> 203.0.113.x; 2a01:e0a:12:34::1 -> 2a01:e0a:x::x). */
export function maskPublicIps(text: string): string {
  return text
    .replace(V4, (ip) => (isPublicV4(ip) ? maskIp(ip) : ip))
    .replace(V6, (ip) => (isPublicV6(ip) ? maskV6(ip) : ip));
}

function fullPublicIp(text: string): string | undefined {
  return (
    [...text.matchAll(V4)].map((m) => m[0]).find(isPublicV4) ?? [...text.matchAll(V6)].map((m) => m[0]).find(isPublicV6)
  );
}

function withoutSecrets(text: string): string {
  let out = text;
  for (const m of findSecrets(text).reverse()) out = `${out.slice(0, m.start)}[secret]${out.slice(m.end)}`;
  return out;
}

// ---- targets and results -----------------------------------------------------------------------------

export interface Target {
  target: string;
  title: string;
  runbook: string;
  /** The command that verifies it and saves the report. */
  command: string;
  /** Words that tie a finding to this target in a report covering several (its name, region, country). */
  terms: string[];
  country?: string;
}

/** What the site shows a status for: each shared proxy, each sidecar deployment, remote access, each workload. */
export function verificationTargets(inv: Inventory): Target[] {
  const save = '--report-dir reports';
  return [
    ...sharedProxies(inv).map((p) => ({
      target: p.name,
      title: `${p.name}: shared proxy, ${p.country}`,
      runbook: 'verify-proxy',
      command: `npx zx runbooks/verify-proxy.mjs --region ${p.region} ${save}`,
      terms: [p.name, p.region!, p.country],
      country: p.country,
    })),
    ...inv.vpn.deployments
      .filter((d) => d.pattern === 'sidecar')
      .map((d) => ({
        target: d.name,
        title: `${d.name}: gluetun sidecar, ${d.country}`,
        runbook: `verify-${d.name}`,
        command: `npx zx runbooks/verify-${d.name}.mjs ${save}`,
        terms: [d.name, d.country],
        country: d.country,
      })),
    {
      target: 'remote-access',
      title: 'remote access: routy, split DNS, LAN services',
      runbook: 'verify-remote-access',
      command: `npx zx runbooks/verify-remote-access.mjs ${save}`,
      terms: ['remote-access'],
    },
    ...inv.workloads.map((w) => {
      const proxy = inv.vpn.deployments.find((d) => d.name === w.egress);
      return {
        target: w.name,
        title: `${w.name}: egress through ${w.egress}`,
        runbook: `phase3-migrate-${w.name}`,
        command: `npx zx runbooks/phase3-migrate-${w.name}.mjs ${save}`,
        terms: [w.name],
        country: proxy?.country,
      };
    }),
  ];
}

/** The targets a run covered: by runbook, from its flags (verify-proxy --region) or the inventory. */
export function reportTargets(
  report: Pick<RunbookReport, 'runbook'>,
  args: Record<string, unknown>,
  inv: Inventory,
): string[] {
  const all = verificationTargets(inv);
  if (report.runbook === 'verify-proxy' || report.runbook === 'phase2-deploy-proxy') {
    const regions =
      Array.isArray(args.region) && args.region.length
        ? (args.region as string[])
        : sharedProxies(inv).map((p) => p.region!);
    return regions.map((r) => `vpn-proxy-${r}`);
  }
  const mine = all.filter((t) => t.runbook === report.runbook).map((t) => t.target);
  return mine.length ? mine : [report.runbook];
}

const mentions = (f: object, terms: string[]) =>
  terms.some((t) => JSON.stringify(f).toLowerCase().includes(t.toLowerCase()));

/** verified or failed for one target, with the one-line summary the site shows. */
export function targetResult(
  report: RunbookReport,
  target: Target,
  others: Target[],
): { result: 'verified' | 'failed'; summary: string } {
  const findings = report.steps.flatMap((s) => s.findings);
  const failed = findings.filter((f) => f.ok === false);
  const facts = report.facts as Record<string, unknown>;
  const verified = () => {
    const country = (facts[`${target.target}.country`] as string | undefined) ?? target.country;
    const port = facts[`${target.target}.forwardedPort`];
    const checks = findings.filter((f) => f.ok === true && (others.length === 0 || mentions(f, target.terms))).length;
    return {
      result: 'verified' as const,
      summary: country
        ? `exit IP in ${country}${port ? `, port ${port} forwarded` : ''}`
        : `all ${checks} checks passed`,
    };
  };
  if (report.status === 'ok') return verified();
  // One run, several targets (verify-proxy of every region): a failure tied only to another target is not this one's.
  if (others.length && report.status === 'failed' && failed.length) {
    const mine = failed.filter((f) => mentions(f, target.terms));
    const orphan = failed.filter((f) => ![target, ...others].some((t) => mentions(f, t.terms)));
    const ran = findings.some((f) => f.ok === true && mentions(f, target.terms));
    if (!mine.length && !orphan.length && ran) return verified();
    const f = mine[0] ?? orphan[0];
    return { result: 'failed', summary: clip(`${f.check}: ${f.found ?? 'not ok'}`) };
  }
  const f = failed[0];
  const e = report.error;
  const why = f
    ? `${f.check}: ${f.found ?? 'not ok'}`
    : e
      ? `${report.status === 'refused' ? 'refused' : 'failed'} at step ${e.step}: ${e.found ?? e.message}`
      : `exit ${report.exitCode}`;
  return { result: 'failed', summary: clip(why) };
}

const clip = (s: string) => (s.length > 200 ? `${s.slice(0, 199)}…` : s);

// ---- saving -------------------------------------------------------------------------------------------

/**
 * Saves a finished run's report, one file per target, into `dir`; returns the files written. Dry runs and
 * rollbacks verify nothing and are not saved. Commands keep their argv but not their stdin (manifests,
 * recorded objects), which the site never needs.
 */
export function saveRunReport(
  dir: string,
  report: RunbookReport,
  o: { args: Record<string, unknown>; inventory: Inventory; redactor?: Redactor },
): string[] {
  if (report.dryRun || report.mode !== 'apply') return [];
  const targets = verificationTargets(o.inventory);
  const names = reportTargets(report, o.args, o.inventory);
  const known = (name: string): Target =>
    targets.find((t) => t.target === name) ?? {
      target: name,
      title: name,
      runbook: report.runbook,
      command: '',
      terms: [name],
    };
  const base = { ...report, commands: report.commands.map(({ stdin: _stdin, ...c }) => c) };
  mkdirSync(dir, { recursive: true });
  const stamp = report.startedAt.replace(/[:.]/g, '-');
  return names.map((name) => {
    const { result, summary } = targetResult(report, known(name), names.filter((n) => n !== name).map(known));
    const saved: SavedReport = {
      ...base,
      saved: { schema: SAVED_SCHEMA, target: name, result, summary, args: o.args },
    };
    let text = JSON.stringify(saved, null, 2);
    if (o.redactor) text = o.redactor.redact(text);
    text = withoutSecrets(maskPublicIps(text));
    const file = join(dir, `${report.runbook}-${name}-${stamp}.json`);
    writeFileSync(file, `${text}\n`);
    return file;
  });
}

// ---- loading ------------------------------------------------------------------------------------------

export interface LoadedReport {
  file: string;
  report: SavedReport;
}

/**
 * The folder the site reads: AVALANCHE_REPORTS_DIR, else reports/ (relative to the current directory, the repository
 * root in a build).
 */
export function reportsDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.AVALANCHE_REPORTS_DIR || 'reports');
}

/**
 * Every *.json in `dir`, validated; no folder means no history. Any bad file throws a DataFileError naming it (and the
 * line).
 */
export function loadReports(dir: string): LoadedReport[] {
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  return files.map((name) => {
    const file = join(dir, name);
    const text = readFileSync(file, 'utf8');
    const lineAt = (offset: number) => text.slice(0, offset).split('\n').length;
    const fail = (line: number, message: string): never => {
      throw new DataFileError(
        file,
        line,
        `${message} Fix or delete this report (reports are made by \`--report-dir\`; see reports/README.md).`,
      );
    };
    const tree = parseTree(text);
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (err) {
      fail(1, `not a JSON report (${(err as Error).message}).`);
    }
    const parsed = savedReportSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const node = tree && findNodeAtLocation(tree, issue.path as Array<string | number>);
      fail(
        node ? lineAt(node.offset) : 1,
        `${issue.path.join('.') || '(top level)'}: ${issue.message}; expected a saved runbook report (${SAVED_SCHEMA}).`,
      );
    }
    const secret = findSecrets(text)[0];
    if (secret)
      fail(lineAt(secret.start), `holds what looks like a secret (${secret.kind}); a report must never hold one.`);
    const ip = fullPublicIp(text);
    if (ip)
      fail(
        lineAt(text.indexOf(ip)),
        `holds a public IP address in full; reports keep them masked (${ip.includes(':') ? maskV6(ip) : maskIp(ip)}).`,
      );
    return { file, report: parsed.data as SavedReport };
  });
}

export type Verification =
  { result: 'never' } | { result: 'verified' | 'failed'; date: string; summary: string; runbook: string; file: string };

/** The latest saved report for a target (real runs only), or { result: 'never' }. */
export function latestVerification(target: string, reports: LoadedReport[]): Verification {
  const mine = reports.filter((r) => r.report.saved.target === target && r.report.mode === 'apply' && !r.report.dryRun);
  const latest = mine.sort((a, b) => b.report.startedAt.localeCompare(a.report.startedAt))[0];
  if (!latest) return { result: 'never' };
  const { saved, startedAt, runbook } = latest.report;
  return {
    result: saved.result,
    date: new Date(startedAt).toISOString().slice(0, 10),
    summary: saved.summary,
    runbook,
    file: latest.file,
  };
}

/** "verified 2026-11-20: exit IP in Iceland", "failed 2026-11-20: …", "never verified". */
export function verificationText(v: Verification): string {
  return v.result === 'never' ? 'never verified' : `${v.result} ${v.date}: ${v.summary}`;
}
