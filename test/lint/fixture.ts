/**
 * Real throwaway fixtures for the linter: a temp directory holding a copy of the bundled manifests/, to
 * which a test applies one edit. Edits fail loudly when the text they replace is not there, so a fixture
 * cannot silently stop breaking what it is meant to break.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { DEFAULT_INVENTORY, loadInventory, type Inventory } from '../../src/lib/inventory/inventory.ts';
import { DEFAULT_ROOT } from '../../src/lib/inventory/manifests.ts';

export interface Fixture {
  root: string;
  inventory: Inventory;
  /** Replace the first (or every, with all) occurrence of `from` in a repo-relative file. */
  replace(file: string, from: string, to: string, all?: boolean): void;
  write(file: string, text: string): void;
  append(file: string, text: string): void;
  remove(path: string): void;
  read(file: string): string;
  /** Every file under manifests/, repo-relative. */
  files(): string[];
  cleanup(): void;
}

export function bundledCopy(): Fixture {
  const root = mkdtempSync(join(tmpdir(), 'avalanche-lint-'));
  cpSync(join(DEFAULT_ROOT, 'manifests'), join(root, 'manifests'), { recursive: true });
  const inventory = structuredClone(loadInventory(DEFAULT_INVENTORY));
  const abs = (file: string) => join(root, file);
  const read = (file: string) => readFileSync(abs(file), 'utf8');
  return {
    root,
    inventory,
    read,
    replace(file, from, to, all = false) {
      const text = read(file);
      if (!text.includes(from)) throw new Error(`fixture edit: ${file} does not contain ${JSON.stringify(from)}`);
      writeFileSync(abs(file), all ? text.split(from).join(to) : text.replace(from, () => to));
    },
    write(file, text) {
      mkdirSync(dirname(abs(file)), { recursive: true });
      writeFileSync(abs(file), text);
    },
    append(file, text) {
      writeFileSync(abs(file), read(file) + text);
    },
    remove(path) {
      if (!existsSync(abs(path))) throw new Error(`fixture edit: ${path} does not exist`);
      rmSync(abs(path), { recursive: true });
    },
    files() {
      return (readdirSync(abs('manifests'), { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
        .filter((d) => d.isFile())
        .map((d) => relative(root, join(d.parentPath, d.name)));
    },
    cleanup() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}
