/** Shared shapes of the linter: a finding, a rule, and the context every check reads. */
import type { Inventory } from '../inventory/inventory.ts';
import type { KubeObject, LoadedApp } from '../inventory/manifests.ts';

export type Severity = 'error' | 'warning';

/** One problem, printed as `file:line: rule: message`. `file` is relative to the repository root. */
export interface Finding {
  file: string;
  line: number;
  rule: string;
  severity: Severity;
  message: string;
}

export interface Rule {
  /** `<concern>/<name>`, e.g. gluetun/unknown-env. */
  id: string;
  severity: Severity;
  /** What the rule catches, one sentence. */
  description: string;
  /** Where the behaviour it guards is documented (upstream source, docs or issue). */
  source: string;
}

export interface LintContext {
  root: string;
  inv: Inventory;
  /** The inventory's path as findings show it. */
  inventoryFile: string;
  /** Every app that loaded; apps that failed to load were already reported. */
  apps: LoadedApp[];
  /** Every Kubernetes object of every app, in app then kustomization order. */
  objects: KubeObject[];
  report(rule: string, file: string, line: number, message: string): void;
}
