import { describe, test } from 'vitest';
import { runCase } from './cases.ts';
import { GLUETUN_POD_CASES } from './cases/gluetun-pod.ts';

describe.each(GLUETUN_POD_CASES)('$rule', (c) => {
  test(`${c.expect}s ${c.what}`, () => runCase(c));
});
