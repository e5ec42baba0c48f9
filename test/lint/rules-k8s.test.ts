import { describe, test } from 'vitest';
import { runCase } from './cases.ts';
import { K8S_CASES } from './cases/k8s.ts';

describe.each(K8S_CASES)('$rule', (c) => {
  test(`${c.expect}s ${c.what}`, () => runCase(c));
});
