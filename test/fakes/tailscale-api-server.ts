/**
 * A stateful stand-in for the Tailscale API v2 on 127.0.0.1 (port 0), answering the paths the runbooks use
 * with the published JSON shapes (https://tailscale.com/api):
 * devices (fields=all adds the routes), device routes (POST replaces the enabled set), split DNS
 * (GET/PATCH/PUT), and the policy file (HuJSON + ETag, If-Match, validate).
 *
 * It records every request (method, path, query, body, content headers, and only whether and how it was
 * authenticated, never the credential), and can inject failures: a status N times (401, 403, 429 with
 * Retry-After, 500), a missing scope, or a concurrent policy edit right after a policy read.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseJsonc, type ParseError, printParseErrorCode } from 'jsonc-parser';
import type { ApiDevice } from '../../src/lib/clients/tailscale-api.ts';
import { scopeFor } from '../../src/lib/clients/tailscale-api-errors.ts';

export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  body: string;
  /** The body parsed as JSON when it is JSON. */
  json?: unknown;
  auth: 'bearer' | 'basic' | 'none' | 'other';
  /** Whether the credential was the expected key (the key itself is never recorded). */
  authOk: boolean;
  contentType?: string;
  accept?: string;
  ifMatch?: string;
  /** The status the fake answered. */
  status: number;
}

export interface InjectedFailure {
  method?: string;
  /** Matches the path (without query) exactly, or by RegExp. */
  path?: string | RegExp;
  status: number;
  /** How many matching requests fail before the fake answers normally again (default 1). */
  times?: number;
  retryAfter?: string;
  message?: string;
}

export interface FakeTailnet {
  devices: ApiDevice[];
  splitDns: Record<string, string[]>;
  policy: string;
  /** Organisation name also accepted in place of "-". */
  name: string;
}

export interface FakeApiOptions {
  apiKey: string;
  tailnet?: Partial<FakeTailnet>;
  failures?: InjectedFailure[];
  /** When set, a call whose scope (scopeFor) is not listed gets 403, as an under-scoped OAuth token would. */
  scopes?: string[];
  /**
   * Replace the live policy with this text right after the next policy GET (a concurrent edit in the admin console).
   */
  concurrentPolicyEdit?: string;
  /**
   * Called for each authenticated request before it is answered: lets a test play the control plane (e.g.
   * auto-approve).
   */
  onRequest?: (request: RecordedRequest, state: FakeTailnet) => void;
  /** Extra validation of a policy on /acl/validate and /acl POST; return a message to reject it. */
  validatePolicy?: (hujson: string) => { message: string; data?: unknown } | undefined;
}

export interface FakeTailscaleApi {
  url: string;
  requests: RecordedRequest[];
  state: FakeTailnet;
  etag(): string;
  fail(failure: InjectedFailure): void;
  /** Requests that changed something (every method but GET). */
  writes(): RecordedRequest[];
  close(): Promise<void>;
}

export const DEFAULT_POLICY =
  '// Example/default ACLs for unrestricted connections.\n{\n\t"acls": [\n\t\t{"action": "accept", "src": ["*"], "dst": ["*:*"]},\n\t],\n}\n';

export async function startFakeTailscaleApi(options: FakeApiOptions): Promise<FakeTailscaleApi> {
  const state: FakeTailnet = {
    devices: [],
    splitDns: {},
    policy: DEFAULT_POLICY,
    name: 'alice@example.com',
    ...structuredClone(options.tailnet ?? {}),
  };
  const failures = (options.failures ?? []).map((f) => ({ ...f, left: f.times ?? 1 }));
  const requests: RecordedRequest[] = [];
  let pendingEdit = options.concurrentPolicyEdit;
  const etag = () => `"${createHash('sha256').update(state.policy).digest('hex').slice(0, 32)}"`;

  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.search,
      body,
      ...authOf(req, options.apiKey),
      status: 0,
    };
    try {
      record.json = body ? JSON.parse(body) : undefined;
    } catch {
      /* HuJSON or text */
    }
    for (const [key, header] of [
      ['contentType', 'content-type'],
      ['accept', 'accept'],
      ['ifMatch', 'if-match'],
    ] as const) {
      if (req.headers[header]) record[key] = String(req.headers[header]);
    }
    requests.push(record);
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
      res.writeHead(status, {
        'Content-Type': typeof payload === 'string' ? 'application/hujson' : 'application/json',
        ...headers,
      });
      res.end(text);
    };

    if (!record.authOk) return send(401, { message: 'API token invalid' });
    options.onRequest?.(record, state);
    const failure = failures.find(
      (f) => f.left > 0 && (!f.method || f.method === record.method) && matches(f.path, record.path),
    );
    if (failure) {
      failure.left--;
      return send(
        failure.status,
        { message: failure.message ?? defaultMessage(failure.status) },
        failure.retryAfter !== undefined ? { 'Retry-After': failure.retryAfter } : {},
      );
    }
    if (
      options.scopes &&
      !options.scopes.includes(scopeFor(record.method, record.path)) &&
      !options.scopes.includes('all')
    ) {
      return send(403, { message: 'calling actor does not have enough permissions to perform this function' });
    }
    route(record, url, send);
  });

  function route(
    r: RecordedRequest,
    url: URL,
    send: (status: number, payload: unknown, headers?: Record<string, string>) => void,
  ): void {
    const tailnetMatch = /^\/api\/v2\/tailnet\/([^/]+)\/(.+)$/.exec(r.path);
    const deviceMatch = /^\/api\/v2\/device\/([^/]+)(\/routes)?$/.exec(r.path);
    if (tailnetMatch) {
      const [, t, rest] = tailnetMatch;
      if (decodeURIComponent(t) !== '-' && decodeURIComponent(t) !== state.name)
        return send(404, { message: 'tailnet not found' });
      const key = `${r.method} ${rest}`;
      if (key === 'GET devices') {
        const all = url.searchParams.get('fields') === 'all';
        return send(200, { devices: state.devices.map((d) => (all ? d : withoutRoutes(d))) });
      }
      if (key === 'GET dns/split-dns') return send(200, state.splitDns);
      if (key === 'PATCH dns/split-dns' || key === 'PUT dns/split-dns') {
        const patch = r.json as Record<string, string[] | null> | undefined;
        if (!patch || typeof patch !== 'object' || Array.isArray(patch))
          return send(400, { message: 'invalid split DNS body' });
        if (r.method === 'PUT') state.splitDns = {};
        for (const [domain, ns] of Object.entries(patch)) {
          if (ns === null || (Array.isArray(ns) && ns.length === 0)) delete state.splitDns[domain];
          else state.splitDns[domain] = ns;
        }
        return send(200, state.splitDns);
      }
      if (key === 'GET acl') {
        const current = etag();
        const text = r.accept?.includes('application/json')
          ? parseJsonc(state.policy, [], { allowTrailingComma: true })
          : state.policy;
        if (pendingEdit !== undefined) {
          state.policy = pendingEdit;
          pendingEdit = undefined;
        }
        return send(200, text, { ETag: current });
      }
      if (key === 'POST acl/validate') {
        const problem = checkPolicy(r.body);
        return send(200, problem ?? {});
      }
      if (key === 'POST acl') {
        if (r.ifMatch && r.ifMatch !== etag()) return send(412, { message: 'precondition failed, invalid old hash' });
        const problem = checkPolicy(r.body);
        // Warnings alone do not keep a policy from being applied; errors do.
        if (problem && !warningsOnly(problem)) return send(400, problem);
        state.policy = r.body;
        return send(200, state.policy, { ETag: etag() });
      }
    }
    if (deviceMatch) {
      const device = state.devices.find((d) => d.nodeId === deviceMatch[1] || d.id === deviceMatch[1]);
      if (!device) return send(404, { message: 'device not found' });
      if (!deviceMatch[2] && r.method === 'GET')
        return send(200, url.searchParams.get('fields') === 'all' ? device : withoutRoutes(device));
      if (deviceMatch[2] && r.method === 'GET')
        return send(200, {
          advertisedRoutes: device.advertisedRoutes ?? [],
          enabledRoutes: device.enabledRoutes ?? [],
        });
      if (deviceMatch[2] && r.method === 'POST') {
        const routes = (r.json as { routes?: unknown } | undefined)?.routes;
        if (!Array.isArray(routes) || routes.some((x) => typeof x !== 'string'))
          return send(400, { message: 'routes must be a list of CIDRs' });
        device.enabledRoutes = [...routes] as string[];
        return send(200, { advertisedRoutes: device.advertisedRoutes ?? [], enabledRoutes: device.enabledRoutes });
      }
    }
    send(404, { message: `no fake for ${r.method} ${r.path}` });
  }

  function checkPolicy(text: string): { message: string; data?: unknown } | undefined {
    const errors: ParseError[] = [];
    parseJsonc(text, errors, { allowTrailingComma: true, disallowComments: false });
    if (errors.length) {
      const e = errors[0];
      return { message: `parse error at offset ${e.offset}: ${printParseErrorCode(e.error)}` };
    }
    return options.validatePolicy?.(text);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    state,
    etag,
    fail: (f) => failures.push({ ...f, left: f.times ?? 1 }),
    writes: () => requests.filter((r) => r.method !== 'GET'),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A validation answer with warnings and no errors ({"message":"warning(s) found", "data":[{warnings}]}). */
function warningsOnly(problem: { message: string; data?: unknown }): boolean {
  const data = Array.isArray(problem.data) ? (problem.data as Array<{ errors?: unknown[]; warnings?: unknown[] }>) : [];
  return (
    !data.some((d) => d.errors?.length) && (data.some((d) => d.warnings?.length) || /warning/i.test(problem.message))
  );
}

function authOf(req: IncomingMessage, key: string): Pick<RecordedRequest, 'auth' | 'authOk'> {
  const header = req.headers.authorization ?? '';
  if (!header) return { auth: 'none', authOk: false };
  if (header.startsWith('Bearer ')) return { auth: 'bearer', authOk: header.slice(7) === key };
  if (header.startsWith('Basic '))
    return { auth: 'basic', authOk: Buffer.from(header.slice(6), 'base64').toString() === `${key}:` };
  return { auth: 'other', authOk: false };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function matches(pattern: string | RegExp | undefined, path: string): boolean {
  if (pattern === undefined) return true;
  return typeof pattern === 'string' ? pattern === path : pattern.test(path);
}

function withoutRoutes(d: ApiDevice): ApiDevice {
  const { advertisedRoutes: _a, enabledRoutes: _e, ...rest } = d;
  return rest;
}

function defaultMessage(status: number): string {
  if (status === 401) return 'API token invalid';
  if (status === 403) return 'calling actor does not have enough permissions to perform this function';
  if (status === 429) return 'rate limit exceeded';
  return 'internal server error';
}
