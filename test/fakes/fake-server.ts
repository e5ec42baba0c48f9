/**
 * The other half of fake-tool.sh: one TCP server on 127.0.0.1 per test process that answers every
 * fake tool call. Each fake env registers its scenario here under an id; a call names its id, tool,
 * argv, stdin and the names of its environment, and gets back an exit code and its output. The
 * server records the call (in memory and as one JSON line in the env's log), picks the answer from
 * the first matching rule, plays `responses` in order, and honours `delayMs`.
 */
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import type { Answer, FakeCall, Rule, Scenario } from './run-runbook.ts';

interface FakeState {
  scenario: Scenario;
  /** Folder for stdin and answer files. */
  io: string;
  log: string;
  calls: FakeCall[];
  seq: number;
}

const states = new Map<string, FakeState>();
let nextId = 0;

/** "/body/flags" is a regex when the flags are valid regex flags; "/v1/vpn/status" is a plain path. */
function toRegExp(m: unknown): RegExp | undefined {
  if (typeof m !== 'string' || !m.startsWith('/') || m.lastIndexOf('/') < 1) return undefined;
  const flags = m.slice(m.lastIndexOf('/') + 1);
  return /^[dgimsuy]*$/.test(flags) ? new RegExp(m.slice(1, m.lastIndexOf('/')), flags) : undefined;
}
const fits = (pattern: string, value: string) => {
  const re = toRegExp(pattern);
  return re ? re.test(value) : pattern === value;
};

export function ruleMatches(rule: Rule, tool: string, argv: string[], stdin: string): boolean {
  if (rule.tool && rule.tool !== tool) return false;
  // Every element of `match` must equal some argument (or, as "/regex/", match one), in any order.
  if (rule.match && !rule.match.every((m) => argv.some((a) => fits(m, a)))) return false;
  if (rule.argv && !fits(rule.argv, argv.join(' '))) return false;
  if (rule.not && rule.not.some((m) => argv.some((a) => fits(m, a)))) return false;
  if (rule.stdin && !fits(rule.stdin, stdin)) return false;
  return true;
}

/** Answers one call: the first matching rule (the n-th of its `responses`), or the scenario's default. */
export function answerCall(
  state: Pick<FakeState, 'scenario' | 'calls'>,
  tool: string,
  argv: string[],
  stdin: string,
): { rule: number; answer: Answer } {
  const rules = state.scenario.rules ?? [];
  const rule = rules.findIndex((r) => ruleMatches(r, tool, argv, stdin));
  if (rule < 0) {
    return {
      rule,
      answer: state.scenario.default ?? {
        stderr: `fake ${tool}: no rule in the scenario matches: ${tool} ${argv.join(' ')}\n`,
        code: 97,
      },
    };
  }
  const { responses } = rules[rule]!;
  const seen = state.calls.filter((c) => c.rule === rule).length;
  return { rule, answer: responses ? responses[Math.min(seen, responses.length - 1)]! : rules[rule]! };
}

/** Answers one call and records it (in memory and as one JSON line in the env's log). */
export function recordCall(
  state: FakeState,
  tool: string,
  argv: string[],
  env: string[],
  stdin: string,
): { rule: number; answer: Answer } {
  const { rule, answer } = answerCall(state, tool, argv, stdin);
  const call: FakeCall = { tool, argv, stdin, env: [...env].sort(), rule };
  state.calls.push(call);
  appendFileSync(state.log, `${JSON.stringify({ ...call, t: Date.now() })}\n`);
  return { rule, answer };
}

/** A call made in-process (test/fakes/in-process.ts), answered exactly as the bash fake's would be. */
export function callFake(id: string, tool: string, argv: string[], env: string[], stdin: string): Answer {
  const state = states.get(id);
  if (!state) throw new Error(`no fake env ${id} (cleaned up already?)`);
  return recordCall(state, tool, argv, env, stdin).answer;
}

export const answerText = (v: unknown) =>
  v === undefined ? '' : typeof v === 'string' ? v : `${JSON.stringify(v, null, 2)}\n`;
const text = answerText;

function handle(socket: Socket) {
  const chunks: Buffer[] = [];
  let done = false;
  const fail = (message: string) => {
    done = true;
    socket.end(`98\0\0\0`);
    process.stderr.write(`fake server: ${message}\n`);
  };
  socket.on('error', () => undefined); // the fake was killed (a runbook timeout): nothing to answer
  socket.on('data', (chunk) => {
    if (done) return;
    chunks.push(chunk);
    const fields = Buffer.concat(chunks).toString('utf8').split('\0');
    if (fields.length < 4) return; // three NUL-terminated fields: the message is complete
    done = true;
    const [magic, id, requestFile] = fields as [string, string, string];
    if (magic !== 'fake1') return fail(`not a fake tool call: ${JSON.stringify(magic)}`);
    const state = states.get(id);
    if (!state) return fail(`no fake env ${id} (cleaned up already?)`);
    let request: string[];
    try {
      request = readFileSync(requestFile, 'utf8').split('\0');
    } catch (error) {
      return fail(`cannot read the call's request file: ${(error as Error).message}`);
    } finally {
      rmSync(requestFile, { force: true });
    }
    // <tool> <argc> <arg>... <env names, one per line> <stdin>
    const [tool, argc] = request as [string, string];
    const n = Number(argc);
    const argv = request.slice(2, 2 + n);
    const env = (request[2 + n] ?? '').split('\n').filter(Boolean).sort();
    const stdin = request[3 + n] ?? '';
    const { answer } = recordCall(state, tool, argv, env, stdin);
    const seq = (state.seq += 1);
    const file = (stream: 'out' | 'err', v: unknown) => {
      const body = text(v);
      if (!body) return '';
      const path = join(state.io, `${seq}.${stream}`);
      writeFileSync(path, body);
      return path;
    };
    const reply = `${answer.code ?? 0}\0${file('out', answer.stdout)}\0${file('err', answer.stderr)}\0`;
    if (answer.delayMs) setTimeout(() => socket.end(reply), answer.delayMs);
    else socket.end(reply);
  });
}

let server: Server | undefined;
let port = 0;

/** Starts this process's fake server once (127.0.0.1, a free port); it never keeps the process alive. */
export async function fakeServerPort(): Promise<number> {
  if (!server) {
    server = createServer(handle);
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(0, '127.0.0.1', resolve);
    });
    server.unref();
    port = (server.address() as { port: number }).port;
  }
  return port;
}

export function registerFake(state: Omit<FakeState, 'calls' | 'seq'>): { id: string; state: FakeState } {
  const id = `${process.pid}-${(nextId += 1)}`;
  const full: FakeState = { ...state, calls: [], seq: 0 };
  states.set(id, full);
  return { id, state: full };
}

export function unregisterFake(id: string): void {
  states.delete(id);
}
