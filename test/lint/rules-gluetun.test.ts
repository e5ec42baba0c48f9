import { describe, test } from 'vitest';
import { runCase } from './cases.ts';
import { GLUETUN_ENV_CASES } from './cases/gluetun-env.ts';

describe.each(GLUETUN_ENV_CASES)('$rule', (c) => {
  test(`${c.expect}s ${c.what}`, () => runCase(c));
});
