#!/usr/bin/env node
// A fake command-line tool for runbook tests. Installed (symlinked) as `kubectl`, `curl`, `ssh`,
// `tailscale`, ... in a temp bin dir placed first on PATH. It records every call (argv, stdin, the
// NAMES of its environment variables) as one JSON line in $FAKE_LOG, and answers from the scenario
// in $FAKE_SCENARIO: the first rule whose `tool` and `match` fit gives stdout, stderr, exit code and
// delay; `responses` gives a sequence (the n-th matching call gets the n-th, the last one repeats).
// Plain JS with no imports beyond node: so it starts fast and runs under any Node.
import { appendFileSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';

const tool = basename(process.argv[1]);
const argv = process.argv.slice(2);
const log = process.env.FAKE_LOG;
const scenarioFile = process.env.FAKE_SCENARIO;

let stdin = '';
try {
  stdin = readFileSync(0, 'utf8');
} catch {
  stdin = ''; // stdin closed or a TTY: nothing to record
}

const scenario = scenarioFile ? JSON.parse(readFileSync(scenarioFile, 'utf8')) : { rules: [] };
const previous = log
  ? readFileSync(log, { encoding: 'utf8', flag: 'a+' })
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
  : [];

// "/body/flags" is a regex when the flags are valid regex flags; "/v1/vpn/status" is a plain path.
const toRegExp = (m) => {
  if (typeof m !== 'string' || !m.startsWith('/') || m.lastIndexOf('/') < 1) return undefined;
  const flags = m.slice(m.lastIndexOf('/') + 1);
  return /^[dgimsuy]*$/.test(flags) ? new RegExp(m.slice(1, m.lastIndexOf('/')), flags) : undefined;
};
const fits = (pattern, value) => {
  const re = toRegExp(pattern);
  return re ? re.test(value) : pattern === value;
};
const joined = argv.join(' ');

function matches(rule) {
  if (rule.tool && rule.tool !== tool) return false;
  // Every element of `match` must equal some argument (or, as "/regex/", match one), in any order.
  if (rule.match && !rule.match.every((m) => argv.some((a) => fits(m, a)))) return false;
  if (rule.argv && !fits(rule.argv, joined)) return false;
  if (rule.not && rule.not.some((m) => argv.some((a) => fits(m, a)))) return false;
  if (rule.stdin && !fits(rule.stdin, stdin)) return false;
  return true;
}

const index = (scenario.rules ?? []).findIndex(matches);
const rule = index >= 0 ? scenario.rules[index] : undefined;
let answer;
if (rule) {
  const seen = previous.filter((c) => c.rule === index).length;
  answer = rule.responses ? rule.responses[Math.min(seen, rule.responses.length - 1)] : rule;
} else {
  answer = scenario.default ?? { stderr: `fake ${tool}: no rule in the scenario matches: ${tool} ${joined}\n`, code: 97 };
}

if (log) {
  const record = { tool, argv, stdin, env: Object.keys(process.env).sort(), rule: index, t: Date.now() };
  appendFileSync(log, `${JSON.stringify(record)}\n`);
}

const text = (v) => (v === undefined ? '' : typeof v === 'string' ? v : `${JSON.stringify(v, null, 2)}\n`);
const finish = () => {
  process.stdout.write(text(answer.stdout));
  process.stderr.write(text(answer.stderr));
  process.exitCode = answer.code ?? 0;
};
if (answer.delayMs) setTimeout(finish, answer.delayMs);
else finish();
