/**
 * What gluetun's memory use was measured at, by its maintainer, and the limit the linter asks for. The DNS
 * block lists (BLOCK_MALICIOUS is on in the image, Dockerfile ENV) dominate: they are built by the DNS loop
 * when the DNS server runs (internal/dns/run.go, update.go) and rebuilt every DNS_UPDATE_PERIOD beside the
 * lists in use. The limit is twice the measurement: Go's default GOGC=100 lets the heap grow to twice the
 * live data before a collection (https://go.dev/doc/gc-guide#GOGC).
 */
import type { GluetunRef } from './gluetun-ref.ts';

export const MEMORY_MEASUREMENTS = [
  {
    what: 'DNS block lists off',
    mb: 50,
    source: 'https://github.com/qdm12/gluetun/issues/765#issuecomment-1019367595',
    said: 'Turning BLOCK_MALCIOUS=off brings down the container memory usage to about 50MB (2022-01-22)',
  },
  {
    what: 'BLOCK_MALICIOUS on',
    mb: 195,
    source: 'https://github.com/qdm12/gluetun/issues/2054',
    said: 'Using BLOCK_MALICIOUS=on, memory usage went from 550MB on v3.39 to 195MB on the latest image (2024-08-25)',
  },
] as const;
/** The headroom factor over a measurement (chosen here; see the module comment). */
export const HEADROOM = 2;
const MI = 1024 * 1024;

export interface MemoryNeed {
  what: string;
  measuredMb: number;
  source: string;
  blocking: boolean;
  limitMi: number;
  limitBytes: number;
}

/** The measurement that applies to this container's settings. BLOCK_ADS and BLOCK_SURVEILLANCE were not
 * measured separately; they add lists, so the BLOCK_MALICIOUS figure is taken as their floor. */
export function memoryNeed(g: GluetunRef): MemoryNeed {
  const dnsServer = g.on('DNS_SERVER') !== false && g.on('DNS_KEEP_NAMESERVER') !== true;
  const lists = ['BLOCK_MALICIOUS', 'BLOCK_ADS', 'BLOCK_SURVEILLANCE'].filter((k) => g.on(k) !== false);
  const blocking = dnsServer && lists.length > 0;
  const m = MEMORY_MEASUREMENTS[blocking ? 1 : 0];
  const limitMi = Math.ceil((m.mb * 1e6 * HEADROOM) / MI);
  return {
    what: blocking ? `DNS block lists on (${lists.join(', ')})` : m.what,
    measuredMb: m.mb,
    source: m.source,
    blocking,
    limitMi,
    limitBytes: limitMi * MI,
  };
}

const SUFFIX: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 1024,
  Mi: MI,
  Gi: 1024 * MI,
  Ti: 1024 * 1024 * MI,
};

/** A Kubernetes quantity in bytes ("256Mi", "1G", "536870912", "5e8"); undefined when malformed. */
export function parseQuantity(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(?:e(\d+))?(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * 10 ** Number(m[2] ?? 0) * SUFFIX[m[3] ?? ''];
}
