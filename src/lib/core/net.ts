/** IPv4 address and CIDR helpers (no dependency: four functions, fully tested). */

export function parseIPv4(ip: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

export interface Cidr {
  base: number;
  bits: number;
  text: string;
}

/** Parses a canonical IPv4 CIDR ("10.1.0.0/24"); host bits must be zero, as Tailscale requires. */
export function parseCidr(text: string): Cidr | undefined {
  const [ip, bitsText, ...rest] = text.split('/');
  if (rest.length || bitsText === undefined || !/^\d{1,2}$/.test(bitsText)) return undefined;
  const base = parseIPv4(ip);
  const bits = Number(bitsText);
  if (base === undefined || bits > 32) return undefined;
  if ((base & mask(bits)) >>> 0 !== base) return undefined;
  return { base, bits, text };
}

function mask(bits: number): number {
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

export function cidrContains(cidr: Cidr | string, ip: string): boolean {
  const c = typeof cidr === 'string' ? parseCidr(cidr) : cidr;
  const addr = parseIPv4(ip);
  if (!c || addr === undefined) return false;
  return (addr & mask(c.bits)) >>> 0 === c.base;
}

export function cidrsOverlap(a: string, b: string): boolean {
  const x = parseCidr(a);
  const y = parseCidr(b);
  if (!x || !y) return false;
  const bits = Math.min(x.bits, y.bits);
  return (x.base & mask(bits)) >>> 0 === (y.base & mask(bits)) >>> 0;
}

/** Masks the host part of an IPv4 address for reports ("203.0.113.7" -> "203.0.113.x"). */
export function maskIp(ip: string): string {
  return parseIPv4(ip) === undefined ? 'x.x.x.x' : ip.replace(/\.\d+$/, '.x');
}
