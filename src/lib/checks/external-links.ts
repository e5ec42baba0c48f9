/**
 * `npm run check:links -- --external`: fetch each external link once, when a network is there.
 * Never part of CI or the tests (the build machine and the tailnet reader may be offline).
 * HEAD first, GET when a server refuses HEAD (many answer 405 or 403 to it).
 */
export interface ExternalResult {
  url: string;
  ok: boolean;
  status: number | string;
}

async function probe(url: string, timeoutMs: number): Promise<ExternalResult> {
  for (const method of ['HEAD', 'GET']) {
    try {
      const res = await fetch(url, { method, redirect: 'follow', signal: AbortSignal.timeout(timeoutMs) });
      await res.body?.cancel();
      if (res.ok) return { url, ok: true, status: res.status };
      if (method === 'GET' || ![403, 405, 501].includes(res.status)) return { url, ok: false, status: res.status };
    } catch (error) {
      if (method === 'GET')
        return {
          url,
          ok: false,
          status: (error as Error).name === 'TimeoutError' ? 'timeout' : String((error as Error).message),
        };
    }
  }
  return { url, ok: false, status: 'unreachable' };
}

export async function fetchExternal(
  urls: string[],
  { concurrency = 8, timeoutMs = 10_000 } = {},
): Promise<ExternalResult[]> {
  const results: ExternalResult[] = [];
  const queue = [...new Set(urls.map((u) => u.split('#')[0]!))];
  const worker = async () => {
    for (let url = queue.shift(); url !== undefined; url = queue.shift()) results.push(await probe(url, timeoutMs));
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
  return results.sort((a, b) => a.url.localeCompare(b.url));
}
