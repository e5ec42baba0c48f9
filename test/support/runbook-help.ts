/**
 * A runbook's --help --json, read in-process from runbooks/<name>/index.ts (the declaration the entry
 * prints) rather than by starting `node runbooks/<name>.mjs --help --json`: the same declaration and
 * the same helpJson(), without a process per runbook. The build itself still asks the real entry
 * (src/lib/site/runbook-help.ts), and check:runbooks runs every entry.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { helpJson, type HelpJson } from '../../src/lib/harness/help.ts';
import { loadSetup } from '../../src/lib/harness/setup.ts';
import type { RunbookDefinition } from '../../src/lib/harness/types.ts';

const ROOT = join(import.meta.dirname, '../..');
const known = new Map<string, HelpJson>();

/** The declaration of runbooks/<name>, or undefined when there is no such runbook. */
export async function declaredHelp(name: string): Promise<HelpJson | undefined> {
  if (known.has(name)) return known.get(name);
  const file = join(ROOT, 'runbooks', name, 'index.ts');
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(name) || !existsSync(file)) return undefined;
  const definition = (await import(pathToFileURL(file).href)).default as RunbookDefinition;
  const help = helpJson(definition.make(loadSetup(process.env)));
  known.set(name, help);
  return help;
}
