/**
 * Pure parsers of the tailscale CLI's text and JSON output (no process is run here).
 * Formats come from the CLI source (cmd/tailscale/cli/{version,dns-status,dns-query,serve_v2}.go) and
 * https://tailscale.com/kb/1080/cli. Text formats are used where --json is recent (dns --json is v1.96+).
 * `tailscale status --json` and `debug prefs` live in ./tailscale-status.ts and are re-exported here.
 */
import { CliOutputError } from './tailscale-status.ts';

export * from './tailscale-status.ts';

export interface TailscaleVersion {
  /** "1.102.3" */
  short: string;
  /** "1.102.3-t3c9b57f2e-g0c1f4a0b1" when printed */
  long?: string;
}

/** `tailscale version`: the first line is the short version, then indented "key: value" lines. */
export function parseVersion(text: string): TailscaleVersion {
  const lines = text.trim().split('\n');
  const short = lines[0]?.trim() ?? '';
  if (!/^\d+\.\d+\.\d+/.test(short))
    throw new CliOutputError('tailscale version', 'a version such as 1.102.3 on the first line', text);
  const long = lines.map((l) => /^\s*long version:\s*(\S+)/.exec(l)?.[1]).find(Boolean);
  return long ? { short, long } : { short };
}

/** Compares "1.96.0"-style versions: negative, 0 or positive. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).slice(0, 3).map(Number);
  const pb = b.split(/[.-]/).slice(0, 3).map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] || 0) !== (pb[i] || 0)) return (pa[i] || 0) - (pb[i] || 0);
  return 0;
}

export interface DnsStatus {
  /** "Use Tailscale DNS" (--accept-dns) on this device. */
  tailscaleDns: boolean;
  magicDns?: boolean;
  /** Split DNS routes from the netmap, domain (no trailing dot) -> resolver addresses. */
  splitDnsRoutes: Record<string, string[]>;
}

/** `tailscale dns status` (text, v1.74+): "Tailscale DNS: enabled." and the "Split DNS Routes:" section. */
export function parseDnsStatus(text: string): DnsStatus {
  const enabled = /^Tailscale DNS: (enabled|disabled)\./m.exec(text);
  if (!enabled)
    throw new CliOutputError('tailscale dns status', 'a line "Tailscale DNS: enabled." or "... disabled."', text);
  const magic = /^MagicDNS: (enabled|disabled)/m.exec(text);
  const routes: Record<string, string[]> = {};
  const section = /^Split DNS Routes:\n((?:  .*\n?)*)/m.exec(text)?.[1] ?? '';
  for (const line of section.split('\n')) {
    // "  - internal.                      -> 10.1.0.53" (dns-status.go: "  - %-30s -> %v")
    const m = /^\s+-\s+(\S+)\s+->\s+(\S+)/.exec(line);
    if (!m) continue;
    const domain = m[1].replace(/\.$/, '');
    (routes[domain] ??= []).push(m[2]);
  }
  return {
    tailscaleDns: enabled[1] === 'enabled',
    magicDns: magic ? magic[1] === 'enabled' : undefined,
    splitDnsRoutes: routes,
  };
}

export interface DnsAnswer {
  name: string;
  ttl: number;
  type: string;
  body: string;
}

export interface DnsQueryResult {
  responseCode: string;
  resolvers: string[];
  answers: DnsAnswer[];
}

/**
 * `tailscale dns query <name>` (text, v1.76+): asks the in-client forwarder 100.100.100.100, so it shows what the
 * tailnet's DNS (split DNS included) answers. Response codes are Go's dnsmessage names ("RCodeSuccess",
 * "RCodeNameError"); answer rows are "Name TTL Class Type Body" with types such as "TypeA".
 */
export function parseDnsQuery(text: string): DnsQueryResult {
  const rcode = /^Response code: (\S+)/m.exec(text)?.[1];
  if (!rcode) throw new CliOutputError('tailscale dns query', 'a "Response code: ..." line', text);
  const resolvers: string[] = [];
  const single = /^Forwarding to resolver: (\S+)/m.exec(text);
  if (single) resolvers.push(single[1]);
  const multi = /^Multiple resolvers available:\n((?:\s+- .*\n?)*)/m.exec(text)?.[1] ?? '';
  for (const line of multi.split('\n')) {
    const m = /^\s+-\s+(\S+)/.exec(line);
    if (m) resolvers.push(m[1]);
  }
  const answers: DnsAnswer[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\S+)\s+(\d+)\s+(Class\S+)\s+(Type\S+)\s+(.+?)\s*$/.exec(line);
    if (m)
      answers.push({ name: m[1].replace(/\.$/, ''), ttl: Number(m[2]), type: m[4].replace(/^Type/, ''), body: m[5] });
  }
  return { responseCode: rcode.replace(/^RCode/, ''), resolvers, answers };
}

/** The IPv4 addresses an A query returned (CNAME chains are followed by the forwarder already). */
export function aRecords(result: DnsQueryResult): string[] {
  return result.answers.filter((a) => a.type === 'A').map((a) => a.body);
}

export interface HttpHandler {
  Path?: string;
  Proxy?: string;
  Text?: string;
}

/** ipn.ServeConfig as `tailscale serve status --json` prints it (ipn/serve.go). */
export interface ServeConfig {
  TCP?: Record<string, { HTTPS?: boolean; HTTP?: boolean; TCPForward?: string; TerminateTLS?: string }>;
  Web?: Record<string, { Handlers?: Record<string, HttpHandler> }>;
  AllowFunnel?: Record<string, boolean>;
  Foreground?: Record<string, ServeConfig>;
}

/** Parses `tailscale serve status --json`; an empty config may print nothing, `null` or `{}`. */
export function parseServeStatus(text: string): ServeConfig {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === 'null') return {};
  try {
    const parsed = JSON.parse(trimmed);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as ServeConfig;
  } catch {
    /* fall through */
  }
  throw new CliOutputError('tailscale serve status --json', 'a JSON serve config object', text);
}

/** The handlers served at https://<host>:<port>, keyed by mount point ("/"). */
export function webHandlers(config: ServeConfig, host: string, port: number): Record<string, HttpHandler> {
  return config.Web?.[`${host.replace(/\.$/, '')}:${port}`]?.Handlers ?? {};
}

/** Every host:port open to the internet through Funnel; the docs must never be in it. */
export function funnelHostPorts(config: ServeConfig): string[] {
  return Object.entries(config.AllowFunnel ?? {})
    .filter(([, on]) => on)
    .map(([hp]) => hp);
}
