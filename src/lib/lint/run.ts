/**
 * Lint everything bundled: every app under manifests/ and the tailnet policy, against each other and the
 * inventory. This is the programmatic entry point (npm run lint, the benchmark, runbook preflights).
 */
import { relative } from 'node:path';
import { DEFAULT_INVENTORY, loadInventory, type Inventory } from '../inventory/inventory.ts';
import { DEFAULT_ROOT, listApps, loadApp, ManifestError, type LoadedApp } from '../inventory/manifests.ts';
import { checkGenerated } from './generated.ts';
import { checkGluetunPods } from './gluetun-pod.ts';
import { checkGluetunRuntime } from './gluetun-runtime.ts';
import { checkGluetunEnv } from './gluetun.ts';
import { checkInventory } from './inventory.ts';
import { checkRefs } from './k8s-refs.ts';
import { checkKubernetes } from './kubernetes.ts';
import { checkLiteralFacts } from './literal-facts.ts';
import { checkOverlap } from './overlap.ts';
import { checkPolicyAddresses, checkPolicyFacts } from './policy-facts.ts';
import { checkProxyClients } from './proxy-clients.ts';
import { checkRouty } from './routy.ts';
import { ruleById, RULES } from './rules.ts';
import { checkTailscale } from './tailscale.ts';
import type { Finding, LintContext, Rule } from './types.ts';

export interface LintOptions {
  /** Repository root holding manifests/ (default: this repository). */
  root?: string;
  /** The inventory to check against (default: loaded from inventoryFile). */
  inventory?: Inventory;
  inventoryFile?: string;
}

export interface LintResult {
  findings: Finding[];
  errors: number;
  warnings: number;
  rules: readonly Rule[];
  apps: string[];
  objects: number;
  files: number;
}

export async function lint(options: LintOptions = {}): Promise<LintResult> {
  const root = options.root ?? DEFAULT_ROOT;
  const inventoryFile = options.inventoryFile ?? DEFAULT_INVENTORY;
  const inv = options.inventory ?? loadInventory(inventoryFile);
  const findings: Finding[] = [];
  const seen = new Set<string>();
  const report = (rule: string, file: string, line: number, message: string) => {
    const { severity } = ruleById(rule);
    const key = `${file}:${line}:${rule}:${message}`;
    if (!seen.has(key)) findings.push({ file, line, rule, severity, message });
    seen.add(key);
  };
  const apps: LoadedApp[] = [];
  for (const app of listApps(root)) {
    try {
      apps.push(loadApp(app, root));
    } catch (err) {
      if (!(err instanceof ManifestError)) throw err;
      report(err.rule, err.file, err.line, err.message.slice(`${err.file}:${err.line}: `.length));
    }
  }
  const shownInventory = relative(root, inventoryFile).startsWith('..') ? inventoryFile : relative(root, inventoryFile);
  // An object a folder includes from another (../namespace) is the same object: check it once.
  const objects = [...new Map(apps.flatMap((a) => a.objects).map((o) => [`${o.file}#${o.doc}`, o])).values()];
  const ctx: LintContext = { root, inv, inventoryFile: shownInventory, apps, objects, report };
  await checkKubernetes(ctx);
  checkRefs(ctx);
  checkGluetunEnv(ctx);
  checkGluetunPods(ctx);
  checkGluetunRuntime(ctx);
  const policy = checkTailscale(ctx);
  checkRouty(ctx);
  checkInventory(ctx, policy);
  checkProxyClients(ctx);
  checkGenerated(ctx);
  checkOverlap(ctx);
  checkPolicyFacts(ctx, policy);
  checkPolicyAddresses(ctx, policy);
  checkLiteralFacts(ctx);
  findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.rule.localeCompare(b.rule));
  const errors = findings.filter((f) => f.severity === 'error').length;
  return {
    findings,
    errors,
    warnings: findings.length - errors,
    rules: RULES,
    apps: apps.map((a) => a.app),
    objects: ctx.objects.length,
    files: apps.reduce((n, a) => n + a.files.length, 0),
  };
}

/** The findings in one app's folder (lint everything, then filter: rules look across apps). */
export function findingsFor(result: LintResult, app: string): Finding[] {
  return result.findings.filter((f) => f.file.startsWith(`manifests/${app}/`));
}

/** `file:line: rule: message`, the format editors and CI annotate. */
export function formatFinding(f: Finding): string {
  return `${f.file}:${f.line}: ${f.rule}: ${f.severity === 'warning' ? 'warning: ' : ''}${f.message}`;
}
