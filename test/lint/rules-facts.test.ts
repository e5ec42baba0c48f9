import { describe, test } from 'vitest';
import { runCase } from './cases.ts';
import { FACT_CASES } from './cases/facts.ts';

describe.each(FACT_CASES)('$rule', (c) => {
  test(`${c.expect}s ${c.what}`, () => runCase(c));
});
