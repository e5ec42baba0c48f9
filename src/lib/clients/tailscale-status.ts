/**
 * `tailscale status --json`, typed: the fields the runbooks read, validated loosely (the help text warns the
 * format is "subject to change", so unknown fields are kept and only what we use is required).
 * Field meanings: ipn/ipnstate/ipnstate.go, https://github.com/tailscale/tailscale/blob/v1.76.0/ipn/ipnstate/ipnstate.go.
 */
import { z } from 'zod';
import { AvalancheError } from '../core/errors.ts';

/** Output of a tool that is not what we expected (a different version, or not the tool at all). */
export class CliOutputError extends AvalancheError {
  constructor(command: string, expected: string, received: string) {
    const shown = received.trim().slice(0, 200) || '(nothing)';
    super(
      'E_TS_CLI_OUTPUT',
      `\`${command}\` printed something unexpected: expected ${expected}, got: ${shown}. Is this the real tailscale CLI, version 1.74 or newer?`,
    );
  }
}

const list = z
  .array(z.string())
  .nullish()
  .transform((v) => v ?? []);
const bool = z
  .boolean()
  .nullish()
  .transform((v) => v ?? false);

const peerSchema = z.looseObject({
  ID: z.string().default(''),
  HostName: z.string().default(''),
  /** FQDN with a trailing dot, e.g. "routy.tail1234.ts.net." */
  DNSName: z.string().default(''),
  OS: z.string().default(''),
  TailscaleIPs: list,
  /** Own /32 and /128 plus approved routes; omitted when empty. */
  AllowedIPs: list,
  /** Routes this node is the primary router for, as the control plane decided; omitted when empty. */
  PrimaryRoutes: list,
  Tags: list,
  Online: bool,
  ExitNode: bool,
  /** True only when both 0.0.0.0/0 and ::/0 are offered and approved. */
  ExitNodeOption: bool,
  Active: bool,
});

const statusSchema = z.looseObject({
  Version: z.string().default(''),
  BackendState: z.string(),
  AuthURL: z.string().default(''),
  Self: peerSchema.nullish(),
  Peer: z
    .record(z.string(), peerSchema)
    .nullish()
    .transform((v) => v ?? {}),
  Health: list,
  MagicDNSSuffix: z.string().default(''),
  CurrentTailnet: z
    .looseObject({ Name: z.string().default(''), MagicDNSSuffix: z.string().default(''), MagicDNSEnabled: bool })
    .nullish(),
});

export type PeerStatus = z.infer<typeof peerSchema>;
export type TailscaleStatus = z.infer<typeof statusSchema>;

/** The health message a Linux client shows while it ignores advertised routes (health/healthmsg). */
export const ACCEPT_ROUTES_HEALTH = 'Some peers are advertising routes but --accept-routes is false';
export const EXIT_ROUTES = ['0.0.0.0/0', '::/0'];

/** Parses `tailscale status --json`; throws CliOutputError when it is not that. */
export function parseStatus(text: string): TailscaleStatus {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new CliOutputError('tailscale status --json', 'a JSON object', text);
  }
  const parsed = statusSchema.safeParse(raw);
  if (!parsed.success)
    throw new CliOutputError(
      'tailscale status --json',
      `an object with BackendState (${parsed.error.issues[0]?.message})`,
      text,
    );
  return parsed.data;
}

/** The MagicDNS name without its trailing dot. */
export function dnsName(peer: Pick<PeerStatus, 'DNSName'>): string {
  return peer.DNSName.replace(/\.$/, '');
}

/** A node by name: its MagicDNS label first (unique in the tailnet), else its OS hostname. Looks at Self too. */
export function findNode(status: TailscaleStatus, name: string): PeerStatus | undefined {
  const nodes = [...(status.Self ? [status.Self] : []), ...Object.values(status.Peer)];
  return nodes.find((p) => dnsName(p).split('.')[0] === name) ?? nodes.find((p) => p.HostName === name);
}

/**
 * Whether the node is offered as an exit node: exit routes in AllowedIPs, or the flag (ipnstate.go's
 * PeerStatus.ExitNodeOption).
 */
export function offersExitNode(peer: PeerStatus): boolean {
  return peer.ExitNodeOption || peer.AllowedIPs.some((ip) => EXIT_ROUTES.includes(ip));
}

/** Why a node is not usable, or undefined when it is logged in and running. */
export function backendProblem(status: TailscaleStatus): string | undefined {
  switch (status.BackendState) {
    case 'Running':
      return undefined;
    case 'NeedsLogin':
      return `tailscale is logged out (BackendState NeedsLogin)${status.AuthURL ? `; log in at ${status.AuthURL}` : '; run `sudo tailscale login`'}`;
    case 'NeedsMachineAuth':
      return 'tailscale waits for an admin to approve this machine (BackendState NeedsMachineAuth): approve it in the admin console, Machines';
    case 'Stopped':
      return 'tailscale is stopped (BackendState Stopped); run `sudo tailscale up` with no flags to bring it back without changing settings';
    default:
      return `tailscale is not running (BackendState ${status.BackendState}); check \`systemctl status tailscaled\``;
  }
}

const prefsSchema = z.looseObject({
  RouteAll: bool,
  CorpDNS: bool,
  WantRunning: bool,
  AdvertiseRoutes: list,
  NoSNAT: bool,
});
export type TailscalePrefs = z.infer<typeof prefsSchema>;

/** Parses `tailscale debug prefs`: RouteAll is --accept-routes, CorpDNS is --accept-dns (ipn/prefs.go, https://github.com/tailscale/tailscale/blob/v1.76.0/ipn/prefs.go). */
export function parsePrefs(text: string): TailscalePrefs {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new CliOutputError('tailscale debug prefs', 'a JSON object', text);
  }
  const parsed = prefsSchema.safeParse(raw);
  if (!parsed.success) throw new CliOutputError('tailscale debug prefs', 'a JSON object of preferences', text);
  return parsed.data;
}
