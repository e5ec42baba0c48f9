/**
 * The Go standard-library parsers gluetun's settings go through, rewritten so the linter accepts exactly
 * what gluetun v3.41.1 (Go 1.25) accepts: strconv.ParseUint/ParseInt/ParseFloat, time.ParseDuration,
 * net/netip.ParseAddr/ParsePrefix and net.SplitHostPort. Each returns undefined (or an error string) the
 * way the Go function returns an error. Sources: https://pkg.go.dev/strconv, https://pkg.go.dev/time#ParseDuration,
 * https://pkg.go.dev/net/netip, https://pkg.go.dev/net#SplitHostPort.
 */

/** strconv.ParseUint(s, 10, 64) then a range check, as gosettings' parseUnsigned does. */
export function parseUint(s: string, max: number): number | undefined {
  if (!/^\d+$/.test(s)) return undefined;
  const n = Number(s);
  return n <= max ? n : undefined;
}

/** strconv.ParseInt(s, 10, 64): an optional sign, then decimal digits. */
export function parseInt64(s: string): number | undefined {
  return /^[+-]?\d+$/.test(s) ? Number(s) : undefined;
}

/** strconv.ParseFloat(s, 64) for decimal input, "inf", "infinity" and "nan" in any case (hex floats: not modelled). */
export function parseFloat64(s: string): number | undefined {
  if (/^[+-]?(inf|infinity)$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(s)) return NaN;
  return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s) ? Number(s) : undefined;
}

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, μs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** time.ParseDuration: "0", or a sequence of decimal numbers each with a unit (300ms, 1.5h, 2h45m). Nanoseconds. */
export function parseDuration(s: string): number | undefined {
  const m = /^([-+]?)(.*)$/.exec(s)!;
  if (m[2] === '0') return 0;
  if (m[2] === '') return undefined;
  let total = 0;
  let rest = m[2];
  while (rest) {
    const part = /^(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/.exec(rest);
    if (!part) return undefined;
    total += Number(part[1]) * UNIT_NS[part[2]];
    rest = rest.slice(part[0].length);
  }
  return m[1] === '-' ? -total : total;
}

export interface GoAddr {
  /** 4 bytes for IPv4, 16 for IPv6. */
  bytes: number[];
  is4: boolean;
  zone?: string;
}

function parseIPv4Bytes(s: string): number[] | undefined {
  const fields = s.split('.');
  if (fields.length !== 4) return undefined;
  const bytes = fields.map((f) => (/^(0|[1-9]\d{0,2})$/.test(f) ? Number(f) : NaN));
  return bytes.every((b) => b <= 255) ? bytes : undefined;
}

function parseIPv6Bytes(s: string): number[] | undefined {
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groups = (text: string): number[] | undefined => {
    if (text === '') return [];
    const out: number[] = [];
    const parts = text.split(':');
    for (const [i, p] of parts.entries()) {
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = parseIPv4Bytes(p);
        if (!v4) return undefined;
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else if (/^[0-9a-f]{1,4}$/i.test(p)) out.push(parseInt(p, 16));
      else return undefined;
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...head, ...new Array(missing).fill(0), ...tail];
  return all.flatMap((g) => [g >> 8, g & 0xff]);
}

/** netip.ParseAddr: dotted IPv4 without leading zeros, or IPv6 (optionally with a %zone). */
export function parseAddr(s: string): GoAddr | undefined {
  if (!s.includes(':')) {
    const bytes = parseIPv4Bytes(s);
    return bytes && { bytes, is4: true };
  }
  const [addr, zone, ...extra] = s.split('%');
  if (extra.length || zone === '') return undefined;
  const bytes = parseIPv6Bytes(addr);
  return bytes && { bytes, is4: false, zone };
}

export interface GoPrefix {
  addr: GoAddr;
  bits: number;
}

/** netip.ParsePrefix: an address without zone, "/" and a decimal length without leading zeros. */
export function parsePrefix(s: string): GoPrefix | undefined {
  const slash = s.lastIndexOf('/');
  if (slash < 0) return undefined;
  const addr = parseAddr(s.slice(0, slash));
  const bitsText = s.slice(slash + 1);
  if (!addr || addr.zone !== undefined || !/^(0|[1-9]\d{0,2})$/.test(bitsText)) return undefined;
  const bits = Number(bitsText);
  return bits <= addr.bytes.length * 8 ? { addr, bits } : undefined;
}

export const isUnspecified = (a: GoAddr) => a.bytes.every((b) => b === 0);

/** Prefix.Masked() == prefix: no bits set beyond the prefix length (Tailscale requires it for routes). */
export function isMasked(p: GoPrefix): boolean {
  return p.addr.bytes.every((b, i) => {
    const keep = Math.max(0, Math.min(8, p.bits - i * 8));
    return (b & (0xff >> keep)) === 0;
  });
}

export function maskedText(p: GoPrefix): string {
  const bytes = p.addr.bytes.map((b, i) => b & (0xff00 >> Math.max(0, Math.min(8, p.bits - i * 8))) & 0xff);
  if (p.addr.is4) return `${bytes.join('.')}/${p.bits}`;
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  return `${groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::')}/${p.bits}`;
}

/** True when two prefixes share an address (one contains the other's network). */
export function prefixesOverlap(a: GoPrefix, b: GoPrefix): boolean {
  if (a.addr.is4 !== b.addr.is4) return false;
  const bits = Math.min(a.bits, b.bits);
  return a.addr.bytes.every((x, i) => {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    const mask = (0xff00 >> keep) & 0xff;
    return (x & mask) === (b.addr.bytes[i] & mask);
  });
}

/** net.SplitHostPort: "host:port", "[v6]:port" or ":port"; the error text is Go's. */
export function splitHostPort(s: string): { host: string; port: string } | string {
  const last = s.lastIndexOf(':');
  if (last < 0) return 'missing port in address';
  let host = s.slice(0, last);
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    if (end < 0) return "missing ']' in address";
    if (end !== host.length - 1) return 'missing port in address';
    host = host.slice(1, end);
  } else if (host.includes(':')) return 'too many colons in address';
  if (s.slice(0, last).includes('[') && !s.startsWith('[')) return "unexpected '[' in address";
  if (s.slice(last + 1).includes(']')) return "unexpected ']' in address";
  return { host, port: s.slice(last + 1) };
}
