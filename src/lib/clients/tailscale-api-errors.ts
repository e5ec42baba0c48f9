/**
 * Errors of the Tailscale API client, each saying what was asked, what came back and what to do.
 * None of them ever carries the API key: messages are built from the method, the path and the
 * API's own `{"message": ...}` body (https://tailscale.com/api, "Errors").
 */
import { AvalancheError } from '../core/errors.ts';

/** Where the operator creates a key; scoped OAuth clients are described at kb/1623 (trust credentials). */
export const KEYS_PAGE = 'https://login.tailscale.com/admin/settings/keys';
export const TRUST_CREDENTIALS_DOC = 'https://tailscale.com/kb/1623/';

/**
 * The OAuth scope each call needs. Names from the published OpenAPI spec ("OAuth Scope: ..." on each
 * operation) and https://tailscale.com/api.
 */
export function scopeFor(method: string, path: string): string {
  const write = method !== 'GET';
  if (/\/device\/[^/]+\/routes$/.test(path)) return write ? 'devices:routes' : 'devices:routes:read';
  if (/\/dns\//.test(path)) return write ? 'dns' : 'dns:read';
  if (/\/acl(\/validate)?$/.test(path)) return write ? 'policy_file' : 'policy_file:read';
  if (/\/devices$|\/device\/[^/]+$/.test(path)) return write ? 'devices:core' : 'devices:core:read';
  return write ? 'all' : 'all:read';
}

/** Any failed call: a status the client does not retry, or retries that ran out. */
export class TailscaleApiError extends AvalancheError {
  readonly status: number;
  readonly method: string;
  readonly path: string;
  constructor(method: string, path: string, status: number, message: string, code = 'E_TS_API') {
    super(code, message);
    this.status = status;
    this.method = method;
    this.path = path;
    // A 4xx is the API refusing the request: nothing was changed (5xx and network errors leave it unknown).
    this.refused = status >= 400 && status < 500;
  }
}

/** 401 or 403: never retried; the message names the scope the call needs. */
export class TailscaleAuthError extends TailscaleApiError {
  readonly scope: string;
  constructor(method: string, path: string, status: number, apiMessage: string) {
    const scope = scopeFor(method, path);
    const what =
      status === 401
        ? 'the API key was not accepted: it is missing, mistyped, expired or revoked'
        : `the API key is valid but may not do this: it needs the scope "${scope}"` +
          ' (an OAuth client without it, or a key owned by a user who is not Owner, Admin or Network admin)';
    super(
      method,
      path,
      status,
      `Tailscale API ${method} ${path} answered ${status}${apiMessage ? ` ("${apiMessage}")` : ''}: ${what}. ` +
        `Create an access token at ${KEYS_PAGE} as an admin, or an OAuth client with the scopes ` +
        `devices:core:read, devices:routes, dns and policy_file (${TRUST_CREDENTIALS_DOC}), ` +
        'and pass it in TAILSCALE_API_KEY. Nothing was changed by this call.',
      status === 401 ? 'E_TS_API_UNAUTHORIZED' : 'E_TS_API_FORBIDDEN',
    );
    this.scope = scope;
  }
}

/** POST /acl with If-Match answered 412: someone changed the policy after we read it. */
export class PolicyConflictError extends TailscaleApiError {
  constructor(path: string, etag: string) {
    super(
      'POST',
      path,
      412,
      `The tailnet policy changed after it was read (ETag ${etag} no longer matches), so it was not overwritten. ` +
        'Someone else edited it: run again with --policy to see the new diff against the live policy, then decide.',
      'E_TS_POLICY_CONFLICT',
    );
  }
}

/** POST /acl/validate answered 200 with a `message`: the policy does not parse or its tests fail. */
export class PolicyInvalidError extends TailscaleApiError {
  readonly details: string[];
  constructor(path: string, message: string, details: string[]) {
    super(
      'POST',
      path,
      200,
      `Tailscale rejected the bundled policy: ${message}${details.length ? `\n  - ${details.join('\n  - ')}` : ''}\n` +
        'Fix manifests/tailscale/policy.hujson (its "tests" run on validation) and run again; the live policy was not changed.',
      'E_TS_POLICY_INVALID',
    );
    this.details = details;
  }
}
