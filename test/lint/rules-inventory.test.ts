import { describe, test } from 'vitest';
import { runCase } from './cases.ts';
import { INVENTORY_CASES } from './cases/inventory.ts';

describe.each(INVENTORY_CASES)('$rule', (c) => {
  test(`${c.expect}s ${c.what}`, () => runCase(c));
});
