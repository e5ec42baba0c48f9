/**
 * The HTTP transport under the Tailscale API client: bearer auth, timeouts, and retries.
 *
 * - The key goes in `Authorization: Bearer` only (https://tailscale.com/api, "Authentication"); it is held in a
 *   private field, so it never shows in util.inspect, JSON, errors or events.
 * - 429 and 5xx (and network errors) are retried with exponential backoff and jitter, honouring Retry-After.
 *   Retrying is safe because every call the runbooks make is idempotent: routes and split DNS are
 *   set-to-value, and the policy POST carries If-Match.
 * - 401/403 stop at once with a TailscaleAuthError naming the scope the call needs.
 * - Bounded: each attempt has its own timeout (10 s), and a call with all its retries has a deadline (30 s):
 *   an API that accepts the connection and never answers fails the call within the deadline, naming it.
 *   `signal` (the step's: Ctrl-C or its budget) stops it at once.
 */
import { InputError } from '../core/errors.ts';
import { TailscaleApiError, TailscaleAuthError } from './tailscale-api-errors.ts';

export const DEFAULT_API_URL = 'https://api.tailscale.com';

/** What the transport reports while it works (for progress lines); never contains the key. */
export type ApiEvent =
  | { type: 'request'; method: string; path: string; attempt: number }
  | {
      type: 'retry';
      method: string;
      path: string;
      status: number | 'network';
      attempt: number;
      maxAttempts: number;
      delayMs: number;
    };

export interface TransportOptions {
  apiKey: string;
  baseUrl?: string;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A Retry-After longer than this stops the run instead of sleeping through it. */
  maxRetryAfterMs?: number;
  timeoutMs?: number;
  /** A call, retries included, ends by then (default 30 s). */
  deadlineMs?: number;
  /** Aborts the call (Ctrl-C, the step's budget). */
  signal?: AbortSignal;
  /** Tests only: every wait is multiplied by this; messages keep the real figures. */
  timeScale?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  onEvent?: (event: ApiEvent) => void;
}

export interface ApiRequest {
  body?: string;
  contentType?: string;
  accept?: string;
  headers?: Record<string, string>;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Checks a base URL: https anywhere, plain http only to this machine (tests), so the key never travels in clear. */
export function checkBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InputError(
      `TAILSCALE_API_URL is "${raw}", which is not a URL; expected ${DEFAULT_API_URL} (the default) or another https:// URL.`,
    );
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw new InputError(
      `TAILSCALE_API_URL is "${raw}"; expected an https:// URL (plain http is allowed only to 127.0.0.1), so the API key is never sent in clear.`,
    );
  }
  return url.origin;
}

/** Retry-After is either seconds or an HTTP date (RFC 9110 §10.2.3); returns milliseconds. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function safeJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export class ApiTransport {
  readonly baseUrl: string;
  readonly maxAttempts: number;
  #key: string;
  #opts: Required<Omit<TransportOptions, 'apiKey' | 'baseUrl' | 'maxAttempts' | 'onEvent' | 'signal'>> &
    Pick<TransportOptions, 'onEvent' | 'signal'>;

  constructor(options: TransportOptions) {
    if (!options.apiKey)
      throw new InputError(
        'No Tailscale API key was given; set TAILSCALE_API_KEY (see the runbook page for how to create one).',
      );
    this.#key = options.apiKey;
    this.baseUrl = checkBaseUrl(options.baseUrl ?? DEFAULT_API_URL);
    this.maxAttempts = options.maxAttempts ?? 4;
    this.#opts = {
      baseDelayMs: options.baseDelayMs ?? 500,
      maxDelayMs: options.maxDelayMs ?? 8000,
      maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000,
      timeoutMs: options.timeoutMs ?? 10_000,
      deadlineMs: options.deadlineMs ?? 30_000,
      timeScale: options.timeScale ?? 1,
      signal: options.signal,
      fetch: options.fetch ?? globalThis.fetch,
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      onEvent: options.onEvent,
    };
  }

  toJSON(): object {
    return { baseUrl: this.baseUrl };
  }

  /** Sends one call, retrying what is worth retrying; resolves only with a 2xx response. */
  async request(method: string, path: string, init: ApiRequest = {}): Promise<ApiResponse> {
    const shown = path.replace(/\?.*$/, '');
    const { timeScale: scale, signal } = this.#opts;
    const deadline = Date.now() + this.#opts.deadlineMs * scale;
    const left = () => deadline - Date.now();
    const unreachable = (attempt: number, reason: string) =>
      new TailscaleApiError(
        method,
        shown,
        0,
        `The Tailscale API at ${this.baseUrl} did not answer ${method} ${shown} (${attempt} attempt(s) within ${Math.round(this.#opts.deadlineMs / 1000)} s): ${reason}. Check this machine's internet connection, or TAILSCALE_API_URL.`,
        'E_TS_API_UNREACHABLE',
      );
    for (let attempt = 1; ; attempt++) {
      this.#opts.onEvent?.({ type: 'request', method, path: shown, attempt });
      const headers: Record<string, string> = {
        Authorization: `Bearer ${this.#key}`,
        Accept: init.accept ?? 'application/json',
        ...init.headers,
      };
      if (init.contentType) headers['Content-Type'] = init.contentType;
      let res: Response;
      try {
        const bound = AbortSignal.timeout(Math.max(1, Math.min(this.#opts.timeoutMs * scale, left())));
        res = await this.#opts.fetch(this.baseUrl + path, {
          method,
          headers,
          body: init.body,
          signal: signal ? AbortSignal.any([bound, signal]) : bound,
        });
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        const timedOut =
          error instanceof Error &&
          (error.name === 'TimeoutError' || (error.cause as Error | undefined)?.name === 'TimeoutError');
        const reason = timedOut
          ? `no answer within ${Math.round(this.#opts.timeoutMs / 1000)} s`
          : error instanceof Error
            ? error.cause instanceof Error
              ? error.cause.message
              : error.message
            : String(error);
        const delay = this.#backoff(attempt);
        if (attempt >= this.maxAttempts || left() <= delay * scale) throw unreachable(attempt, reason);
        await this.#wait(method, shown, 'network', attempt, delay);
        continue;
      }
      const text = await res.text();
      if (res.ok) return { status: res.status, headers: res.headers, text };
      const apiMessage = String(safeJson(text)?.message ?? '').slice(0, 300);
      if (res.status === 401 || res.status === 403) throw new TailscaleAuthError(method, shown, res.status, apiMessage);
      const retriable = res.status === 429 || res.status >= 500;
      if (retriable && attempt < this.maxAttempts) {
        const retryAfter = parseRetryAfter(res.headers.get('retry-after'));
        if (retryAfter !== undefined && retryAfter > this.#opts.maxRetryAfterMs) {
          throw new TailscaleApiError(
            method,
            shown,
            res.status,
            `Tailscale API rate limit: ${method} ${shown} answered ${res.status} with Retry-After ${Math.ceil(retryAfter / 1000)} s. Wait that long and run again; nothing more was sent.`,
            'E_TS_API_RATE_LIMITED',
          );
        }
        const delay = retryAfter ?? this.#backoff(attempt);
        if (left() > delay * scale) {
          await this.#wait(method, shown, res.status, attempt, delay);
          continue;
        }
      }
      const tries = retriable ? ` after ${attempt} attempts` : '';
      const hint = retriable
        ? ' Tailscale may be having an outage (https://status.tailscale.com); run again later.'
        : '';
      throw new TailscaleApiError(
        method,
        shown,
        res.status,
        `Tailscale API ${method} ${shown} answered ${res.status}${tries}${apiMessage ? `: ${apiMessage}` : ''}.${hint}`,
      );
    }
  }

  #backoff(attempt: number): number {
    const exp = Math.min(this.#opts.maxDelayMs, this.#opts.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(exp / 2 + (Math.random() * exp) / 2);
  }

  async #wait(
    method: string,
    path: string,
    status: number | 'network',
    attempt: number,
    delayMs: number,
  ): Promise<void> {
    this.#opts.onEvent?.({ type: 'retry', method, path, status, attempt, maxAttempts: this.maxAttempts, delayMs });
    await this.#opts.sleep(delayMs * this.#opts.timeScale);
  }
}
