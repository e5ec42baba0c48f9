import { describe, test } from 'vitest';
import { runCase } from './cases.ts';
import { TAILSCALE_ROUTY_CASES } from './cases/tailscale-routy.ts';

describe.each(TAILSCALE_ROUTY_CASES)('$rule', (c) => {
  test(`${c.expect}s ${c.what}`, () => runCase(c));
});
