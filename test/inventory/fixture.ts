/**
 * The fixture inventory (test/fixtures/inventory/network.yaml) and a way to edit a copy of it: tests that
 * need fixed values use these instead of the bundled network, so changing the network breaks no test.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { loadInventory, type Inventory } from '../../src/lib/inventory/inventory.ts';

export const FIXTURE = join(import.meta.dirname, '../fixtures/inventory/network.yaml');
export const fixtureText = readFileSync(FIXTURE, 'utf8');

/** The fixture's text with `from` replaced by `to` (fails when `from` is not there). */
export function editFixture(from: string, to: string, text = fixtureText): string {
  expect(text).toContain(from);
  return text.replace(from, to);
}

export function fixtureInventory(text = fixtureText): Inventory {
  return loadInventory(FIXTURE, text);
}
