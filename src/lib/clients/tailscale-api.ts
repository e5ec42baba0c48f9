/**
 * A typed client of the Tailscale API v2, for the calls the runbooks make: devices, routes, split DNS and
 * the policy file. Shapes and semantics: the published
 * OpenAPI spec (https://tailscale.com/api). Transport, auth and retries: ./tailscale-http.ts.
 */
import { InputError } from '../core/errors.ts';
import { PolicyConflictError, PolicyInvalidError, TailscaleApiError } from './tailscale-api-errors.ts';
import { ApiTransport, DEFAULT_API_URL, safeJson, type ApiRequest, type TransportOptions } from './tailscale-http.ts';

export { DEFAULT_API_URL, type ApiEvent } from './tailscale-http.ts';

/** A device as `GET /tailnet/{t}/devices?fields=all` returns it (the fields we read). */
export interface ApiDevice {
  id: string;
  nodeId: string;
  /** MagicDNS FQDN, e.g. "routy.tail1234.ts.net" (no trailing dot here, unlike the CLI). */
  name: string;
  hostname: string;
  addresses: string[];
  os?: string;
  tags?: string[];
  authorized?: boolean;
  keyExpiryDisabled?: boolean;
  connectedToControl?: boolean;
  lastSeen?: string;
  /** Only with fields=all. */
  advertisedRoutes?: string[];
  enabledRoutes?: string[];
}

export interface DeviceRoutes {
  advertisedRoutes: string[];
  enabledRoutes: string[];
}

/** Split DNS: domain -> nameserver addresses (`GET /tailnet/{t}/dns/split-dns`). */
export type SplitDns = Record<string, string[]>;

/** The policy file as stored (HuJSON text) and the ETag to send back in If-Match. */
export interface PolicyFile {
  hujson: string;
  etag: string;
}

export interface TailscaleApiOptions extends TransportOptions {
  /** "-" is the key's own tailnet (https://tailscale.com/api#tag/devices). */
  tailnet?: string;
}

export class TailscaleApi {
  readonly tailnet: string;
  readonly http: ApiTransport;

  constructor(options: TailscaleApiOptions) {
    this.http = new ApiTransport(options);
    this.tailnet = options.tailnet || '-';
  }

  get baseUrl(): string {
    return this.http.baseUrl;
  }

  toJSON(): object {
    return { baseUrl: this.baseUrl, tailnet: this.tailnet };
  }

  tailnetPath(suffix: string): string {
    return `/api/v2/tailnet/${encodeURIComponent(this.tailnet)}/${suffix}`;
  }

  /** All devices with every field (the default field set omits the routes: https://tailscale.com/api#tag/devices/GET/tailnet/{tailnet}/devices). */
  async listDevices(): Promise<ApiDevice[]> {
    const body = await this.#json<{ devices?: ApiDevice[] }>('GET', this.tailnetPath('devices?fields=all'));
    return body?.devices ?? [];
  }

  async getRoutes(deviceId: string): Promise<DeviceRoutes> {
    return normaliseRoutes(
      await this.#json<DeviceRoutes>('GET', `/api/v2/device/${encodeURIComponent(deviceId)}/routes`),
    );
  }

  /** Replaces the device's set of enabled (approved) routes (https://tailscale.com/api#tag/devices): send the whole wanted set. */
  async setRoutes(deviceId: string, routes: string[]): Promise<DeviceRoutes> {
    const path = `/api/v2/device/${encodeURIComponent(deviceId)}/routes`;
    return normaliseRoutes(await this.#json<DeviceRoutes>('POST', path, { body: JSON.stringify({ routes }) }));
  }

  async getSplitDns(): Promise<SplitDns> {
    return (await this.#json<SplitDns>('GET', this.tailnetPath('dns/split-dns'))) ?? {};
  }

  /** Partial update: only the domains named change; `null` removes one (https://tailscale.com/api#tag/dns/PATCH/tailnet/{tailnet}/dns/split-dns). Returns the whole map. */
  async patchSplitDns(patch: Record<string, string[] | null>): Promise<SplitDns> {
    return (
      (await this.#json<SplitDns>('PATCH', this.tailnetPath('dns/split-dns'), { body: JSON.stringify(patch) })) ?? {}
    );
  }

  /** The live policy as HuJSON (comments kept) and its ETag. */
  async getPolicy(): Promise<PolicyFile> {
    const res = await this.http.request('GET', this.tailnetPath('acl'), { accept: 'application/hujson' });
    return { hujson: res.text, etag: res.headers.get('etag') ?? '' };
  }

  /**
   * Validates a whole policy (and runs its tests) without applying it; returns the API's warnings and throws
   * PolicyInvalidError when it reports an error. The answer is 200 either way: an empty body or {} when clean,
   * else {"message", "data": [{user, errors, warnings}]} (ACLTestFailureSummary in tailscale's
   * client/tailscale/acl.go at v1.102.3). A message that comes with warnings and no errors, such as
   * {"message":"warning(s) found"}, does not reject the policy.
   */
  async validatePolicy(hujson: string): Promise<{ warnings: string[] }> {
    const path = this.tailnetPath('acl/validate');
    const res = await this.http.request('POST', path, { body: hujson, contentType: 'application/hujson' });
    const parsed = res.text.trim() ? safeJson(res.text) : {};
    const message = typeof parsed?.message === 'string' ? parsed.message : '';
    const errors = flattenErrorData(parsed?.data, 'errors');
    const warnings = flattenErrorData(parsed?.data, 'warnings');
    const onlyWarnings = !errors.length && (warnings.length > 0 || /^warnings?\b|warning\(s\)/i.test(message));
    if (message && !onlyWarnings) throw new PolicyInvalidError(path, message, [...errors, ...warnings]);
    return { warnings: warnings.length ? warnings : message ? [message] : [] };
  }

  /** Applies a policy only if the live one still has `etag`; a concurrent edit gives PolicyConflictError (412). */
  async setPolicy(hujson: string, etag: string): Promise<PolicyFile> {
    const path = this.tailnetPath('acl');
    if (!etag)
      throw new InputError(
        'Refusing to apply the policy without the ETag of the live policy (it guards against overwriting a concurrent edit).',
      );
    // Sent quoted, as tailscale-client-go-v2 does (policyfile.go: fmt.Sprintf("%q", strings.Trim(etag, `"`))).
    const ifMatch = `"${etag.replace(/^"|"$/g, '')}"`;
    try {
      const res = await this.http.request('POST', path, {
        body: hujson,
        contentType: 'application/hujson',
        accept: 'application/hujson',
        headers: { 'If-Match': ifMatch },
      });
      return { hujson: res.text, etag: res.headers.get('etag') ?? '' };
    } catch (error) {
      if (error instanceof TailscaleApiError && error.status === 412) throw new PolicyConflictError(path, ifMatch);
      throw error;
    }
  }

  async #json<T>(method: string, path: string, init: ApiRequest = {}): Promise<T | null> {
    const res = await this.http.request(method, path, {
      contentType: init.body ? 'application/json' : undefined,
      ...init,
    });
    if (!res.text.trim()) return null;
    const parsed = safeJson(res.text);
    if (parsed === undefined) {
      throw new TailscaleApiError(
        method,
        path,
        res.status,
        `Tailscale API ${method} ${path} answered ${res.status} with a body that is not JSON: ${res.text.slice(0, 120)}`,
      );
    }
    return parsed as T;
  }
}

/** Builds the client from the environment: TAILSCALE_API_KEY, TAILSCALE_TAILNET (default "-"), TAILSCALE_API_URL. */
export function tailscaleApiFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<TailscaleApiOptions> = {},
): TailscaleApi {
  const apiKey = (overrides.apiKey ?? env.TAILSCALE_API_KEY ?? '').trim();
  if (!apiKey) {
    throw new InputError(
      'TAILSCALE_API_KEY is not set. Expected a Tailscale API access token (tskey-api-...) or an OAuth access token; ' +
        'create one at https://login.tailscale.com/admin/settings/keys and export it (for example from your password manager) before running.',
    );
  }
  const baseUrl = overrides.baseUrl ?? (env.TAILSCALE_API_URL || DEFAULT_API_URL);
  return new TailscaleApi({
    ...overrides,
    apiKey,
    baseUrl,
    tailnet: overrides.tailnet ?? (env.TAILSCALE_TAILNET || '-'),
  });
}

/**
 * The device whose MagicDNS name starts with `name.` (unique in a tailnet), else whose OS hostname is `name`.
 * Throws when none or several match, so a runbook never acts on the wrong machine.
 */
export function findDevice(devices: ApiDevice[], name: string): ApiDevice {
  const byDns = devices.filter((d) => d.name === name || d.name?.startsWith(`${name}.`));
  const matches = byDns.length ? byDns : devices.filter((d) => d.hostname === name);
  if (matches.length === 1) return matches[0];
  const seen = devices.map((d) => d.name || d.hostname).join(', ') || 'none';
  if (!matches.length) {
    throw new InputError(
      `No device named "${name}" in the tailnet (devices seen: ${seen}). Is it logged in to this tailnet, and is TAILSCALE_TAILNET right?`,
      'E_TS_DEVICE_NOT_FOUND',
    );
  }
  throw new InputError(
    `Several devices match "${name}": ${matches.map((d) => `${d.name} (${d.nodeId})`).join(', ')}. Rename or remove the stale one in the admin console.`,
    'E_TS_DEVICE_AMBIGUOUS',
  );
}

function normaliseRoutes(r: Partial<DeviceRoutes> | null): DeviceRoutes {
  return { advertisedRoutes: r?.advertisedRoutes ?? [], enabledRoutes: r?.enabledRoutes ?? [] };
}

/**
 * One list of `data` of a validation answer: [{user, errors: [...], warnings: [...]}], each item prefixed with its
 * user.
 */
function flattenErrorData(data: unknown, field: 'errors' | 'warnings'): string[] {
  if (!Array.isArray(data)) return [];
  return data.flatMap((d) => {
    const who = typeof d?.user === 'string' && d.user ? `${d.user}: ` : '';
    return (Array.isArray(d?.[field]) ? d[field] : []).map((e: unknown) => `${who}${String(e)}`);
  });
}
