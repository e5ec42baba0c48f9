/**
 * Glue between the runbook harness and the Tailscale clients, shared by configure-routy, verify-remote-access
 * and publish-docs: remote commands over ssh (the harness prints and records every call, so each appears
 * under --dry-run), and Tailscale API calls that obey --dry-run like commands do (reads run under
 * --dry-run=server, writes never under any dry run) and are listed with their bodies.
 */
import type { StepContext } from '../harness/index.ts';
import { describeSecretSource, type Secret, type SecretSpec } from '../core/secrets.ts';
import { sshRunner } from '../clients/ssh.ts';
import { TailscaleApi } from '../clients/tailscale-api.ts';

export const API_KEY_SPEC: SecretSpec = {
  name: 'Tailscale API key',
  env: 'TAILSCALE_API_KEY',
  example: 'pass show tailscale/api-key',
};

/** A remote runner for the step: ssh to `alias` through the harness runner (which prints and records each call). */
export function remote(ctx: StepContext<unknown, unknown>, alias: string) {
  return sshRunner((argv, opts) => ctx.run(argv, opts), alias);
}

/**
 * The API key, read once in the config step. Under --dry-run nothing is read (a `_COMMAND` source would run
 * a command): the step says where the key would come from instead.
 */
export async function loadApiKey(ctx: StepContext<unknown, unknown>): Promise<Secret | undefined> {
  if (!ctx.runs('read')) {
    const source = describeSecretSource(API_KEY_SPEC, ctx.env);
    ctx.log(
      `API key: ${source ? `would be read from ${source}` : `not set; a real run needs ${API_KEY_SPEC.env} (or ${API_KEY_SPEC.env}_FILE / _COMMAND)`}`,
    );
    return undefined;
  }
  return ctx.secret(API_KEY_SPEC);
}

/** The API client for one step; retries are reported as step lines. Base URL and tailnet from the environment. */
export function apiFor(ctx: StepContext<unknown, unknown>, key: Secret): TailscaleApi {
  return new TailscaleApi({
    apiKey: key.reveal(),
    baseUrl: ctx.env.TAILSCALE_API_URL || undefined,
    tailnet: ctx.env.TAILSCALE_TAILNET || '-',
    // Bounded by the step: Ctrl-C or its budget stop a call at once (README, "What the harness guarantees").
    signal: ctx.signal,
    timeScale: ctx.timeScale,
    onEvent: (e) => {
      if (e.type === 'retry') {
        const why = e.status === 'network' ? 'a network error' : `HTTP ${e.status}`;
        ctx.log(
          `Tailscale API ${e.method} ${e.path}: ${why}; retrying in ${(e.delayMs / 1000).toFixed(1)} s (attempt ${e.attempt + 1} of ${e.maxAttempts})`,
        );
      }
    },
  });
}

/**
 * One API call under the dry-run rules. `label` is what a person would read ("PATCH /api/v2/...  {json}");
 * when the call does not happen, it is listed and `fallback` is returned.
 */
export async function apiCall<T>(
  ctx: StepContext<unknown, unknown>,
  mode: 'read' | 'write',
  label: string,
  call: () => Promise<T>,
  fallback?: T,
): Promise<T | undefined> {
  if (!ctx.runs(mode)) {
    ctx.log(`would call the Tailscale API: ${label}`);
    return fallback;
  }
  if (mode === 'write') ctx.log(`Tailscale API: ${label}`);
  return call();
}

/** Sorted copy, for comparing sets of routes or nameservers. */
export function sorted(values: readonly string[]): string[] {
  return [...values].sort();
}

export function sameSet(a: readonly string[] | undefined, b: readonly string[]): boolean {
  return a !== undefined && sorted(a).join(',') === sorted(b).join(',');
}
