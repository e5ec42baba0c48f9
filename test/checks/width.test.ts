/** src/lib/checks/width.ts: lines over the limit are findings unless a literal or a URL makes them long. */
import { describe, expect, it } from 'vitest';
import { checkWidth } from '../../src/lib/checks/width.ts';

const MAX = 40;
const long = (n: number) => 'x'.repeat(n);

describe('checkWidth', () => {
  it('passes lines within the limit', () => {
    expect(checkWidth('a.ts', `const a = 1;\n// ${long(30)}\n`, MAX)).toEqual([]);
  });

  it('finds a long comment, a long JSDoc line and long code, with their line numbers', () => {
    const text = ['const a = 1;', `// ${long(50)}`, `/** ${long(50)} */`, `const ${long(40)} = 2;`].join('\n');
    expect(checkWidth('a.ts', text, MAX).map((f) => f.line)).toEqual([2, 3, 4]);
  });

  it('allows a line made long by a string, a template (with its substitutions) or a regular expression', () => {
    const text = [`f('${long(60)}');`, `f(\`${long(30)} \${a.b.c} ${long(30)}\`);`, `const r = /${long(60)}/;`].join(
      '\n',
    );
    expect(checkWidth('a.ts', text, MAX)).toEqual([]);
  });

  it('still finds a line whose code is long besides its string', () => {
    const findings = checkWidth('a.ts', `callSomething(${long(30)}, '${long(30)}');`, MAX);
    expect(findings).toHaveLength(1);
    expect(findings[0].codeWidth).toBe(`callSomething(${long(30)}, );`.length + 2);
  });

  it('allows a URL in a comment, not the rest of a long comment', () => {
    expect(checkWidth('a.ts', `// see https://example.org/${long(60)}`, MAX)).toEqual([]);
    expect(checkWidth('a.ts', `// ${long(40)} https://example.org/`, MAX)).toHaveLength(1);
  });

  it('reads .mjs as JavaScript and .astro frontmatter as TypeScript, markup attributes as literals', () => {
    expect(checkWidth('a.mjs', `f('${long(60)}');\n// ${long(50)}`, MAX).map((f) => f.line)).toEqual([2]);
    const astro = [
      '---',
      `const t = '${long(60)}';`,
      `// ${long(50)}`,
      '---',
      `<a href="${long(60)}">x</a>`,
      `<p>${long(50)}</p>`,
    ].join('\n');
    expect(checkWidth('a.astro', astro, MAX).map((f) => f.line)).toEqual([3, 6]);
  });
});
