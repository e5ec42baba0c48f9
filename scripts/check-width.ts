/**
 * `npm run format:check` runs this after `prettier --check`: no line of code over 120 characters unless a
 * string, template, regular expression or URL makes it long (src/lib/checks/width.ts says why and how).
 * Reads the same folders Prettier formats. Exit 0 within the limit, 1 with findings as file:line.
 */
import { globSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { checkWidth, MAX_WIDTH } from '../src/lib/checks/width.ts';

const root = resolve(import.meta.dirname, '..');
const files = globSync(['{src,runbooks,scripts,test}/**/*.{ts,mjs,cjs,astro}', '*.{ts,mjs,cjs}'], {
  cwd: root,
  exclude: (name) => /(^|\/)(node_modules|fixtures|dist)$/.test(name),
});
const findings = files.flatMap((f) => checkWidth(f, readFileSync(resolve(root, f), 'utf8')));
for (const f of findings) {
  console.error(
    `${relative(root, resolve(root, f.file))}:${f.line}: ${f.width} characters (${f.codeWidth} not counting literals and URLs); wrap it to ${MAX_WIDTH}`,
  );
}
console.log(`width: ${findings.length} line(s) over ${MAX_WIDTH} characters of code in ${files.length} files`);
process.exit(findings.length ? 1 : 0);
