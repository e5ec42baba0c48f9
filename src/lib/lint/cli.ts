/**
 * `npm run lint` (node src/lib/lint/cli.ts [--json] [--rules] [--root DIR]): lints every bundled manifest
 * and the tailnet policy offline. Prints `file:line: rule: message` per finding and a summary line; exits 1
 * when any error is found, 2 on bad input (an invalid inventory, an unknown flag), 0 otherwise.
 */
import { enableCompileCache } from 'node:module';
import { parseArgs } from 'node:util';

// Cache compiled modules between runs (kubernetes-models is hundreds of small files): keeps lint well under 1 s.
enableCompileCache?.();

const { AvalancheError } = await import('../core/errors.ts');
const { formatFinding, lint, RULES } = await import('./index.ts');

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        json: { type: 'boolean' },
        rules: { type: 'boolean' },
        root: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    process.stderr.write(`lint: ${(err as Error).message}. Usage: npm run lint [-- --json | --rules | --root DIR]\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(
      'Usage: npm run lint [-- --json] [-- --rules] [-- --root DIR]\nLints manifests/ and the tailnet policy offline; exit 1 on any error.\n',
    );
    return 0;
  }
  if (values.rules) {
    for (const r of RULES) process.stdout.write(`${r.id}\t${r.severity}\t${r.description}\n`);
    return 0;
  }
  const started = performance.now();
  const result = await lint({ root: values.root });
  const ms = Math.round(performance.now() - started);
  if (values.json) {
    process.stdout.write(
      `${JSON.stringify({ findings: result.findings, errors: result.errors, warnings: result.warnings, rules: result.rules.length, apps: result.apps, objects: result.objects, files: result.files, ms }, null, 2)}\n`,
    );
  } else {
    for (const f of result.findings) process.stdout.write(`${formatFinding(f)}\n`);
    const verdict = result.errors ? 'FAILED' : 'ok';
    process.stdout.write(
      `lint ${verdict}: ${result.errors} error(s), ${result.warnings} warning(s) in ${result.files} files (${result.objects} objects, ${result.apps.length} apps), ${result.rules.length} rules, ${ms} ms\n`,
    );
  }
  return result.errors ? 1 : 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`lint: ${(err as Error).message}\n`);
  process.exitCode = err instanceof AvalancheError ? err.exitCode : 1;
}
