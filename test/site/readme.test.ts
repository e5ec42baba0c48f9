/** The README stays true about the commands: every npm script is documented there, and every one it names exists. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const readme = readFileSync(new URL('README.md', root), 'utf8');
const scripts = Object.keys(JSON.parse(readFileSync(new URL('package.json', root), 'utf8')).scripts as object);

describe('README commands', () => {
  it('documents every npm script', () => {
    const undocumented = scripts.filter(
      (name) =>
        !readme.includes(`npm run ${name}`) && !(['test', 'start'].includes(name) && readme.includes(`npm ${name}`)),
    );
    expect(undocumented, 'add a row to the README\'s "Other commands" table').toEqual([]);
  });

  it('names only scripts that exist', () => {
    const named = [...readme.matchAll(/npm run ([a-z][\w:-]*)/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(0);
    expect([...new Set(named.filter((n) => !scripts.includes(n)))]).toEqual([]);
  });
});
