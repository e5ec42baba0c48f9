/**
 * publish-docs: serve the built site to the tailnet from the operator's machine with `tailscale serve`
 * (HTTPS by Tailscale, tailnet only, never Funnel), print the URL and check it answers; `--stop` ends it.
 *
 * - The built folder is served directly (`tailscale serve --bg --https=443 /abs/dist`): tailscaled serves the
 *   files itself, so no server process has to stay up (serve_v2.go applyWebServe: an absolute path becomes a
 *   Path handler). `--port N` proxies to a server already running on 127.0.0.1:N instead (needed where path
 *   serving is not supported, e.g. the macOS App Store variant).
 * - `tailscale serve` (not `funnel`) also clears Funnel for that host:port (serve_v2.go applyFunnel), so the
 *   docs are never on the internet; the verify step checks AllowFunnel anyway.
 * - Stopping uses `tailscale serve --https=443 off`, which removes only the web handlers of port 443
 *   (serve_v2.go removeWebServe). `tailscale serve reset` would also drop everything else this machine serves
 *   (other ports, services), so it is not used.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { DEFAULT_ROOT } from '../../src/lib/inventory/manifests.ts';
import type { Ctx, PublishConfig } from './state.ts';
import {
  funnelHostPorts,
  parseServeStatus,
  webHandlers,
  type HttpHandler,
} from '../../src/lib/clients/tailscale-cli.ts';
import { backendProblem, dnsName, parseStatus } from '../../src/lib/clients/tailscale-status.ts';

const OFF = ['tailscale', 'serve', '--https=443', 'off'];
/** This repository (the one that holds this runbook), as a plain absolute path. */
const ROOT = resolve(DEFAULT_ROOT);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function isOurs(handler: HttpHandler | undefined, target: string): boolean {
  return Boolean(handler && (handler.Path === target || handler.Proxy === target));
}

const describe = (h: HttpHandler) =>
  h.Path ? `the folder ${h.Path}` : h.Proxy ? `a proxy to ${h.Proxy}` : `text "${h.Text}"`;

export function loadPublishConfig(ctx: Ctx): void {
  const port = ctx.args.port;
  if (port !== undefined && !(/^\d+$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) {
    ctx.fail({
      code: 'E_INPUT',
      expected: '--port N, a TCP port 1-65535 of a server running on 127.0.0.1',
      found: port,
      next: 'pass the port your local server listens on, or leave --port out to serve the built folder',
    });
  }
  const waitS = Number(ctx.args.wait ?? 60);
  if (!Number.isFinite(waitS) || waitS < 0)
    ctx.fail({
      code: 'E_INPUT',
      expected: '--wait SECONDS, a number >= 0',
      found: String(ctx.args.wait),
      next: 'pass a number such as 60',
    });
  // Relative to the repository, not to wherever the runbook was started from.
  const dir = isAbsolute(ctx.args.dir) ? ctx.args.dir : resolve(ROOT, ctx.args.dir);
  const cfg: PublishConfig = {
    stop: ctx.args.stop,
    build: !ctx.args.noBuild && !port && !ctx.args.stop,
    dir,
    target: port ? `http://127.0.0.1:${port}` : dir,
    waitS,
  };
  // Serving a folder without building it: it must hold a built site now, or nothing is changed (exit 2).
  if (!cfg.stop && !cfg.build && !port && !existsSync(join(dir, 'index.html'))) {
    ctx.fail({
      code: 'E_NO_SITE',
      expected: `a built site in ${dir} (its index.html)`,
      found: existsSync(dir) ? 'a folder with no index.html' : 'no such folder',
      next: `drop --no-build to build it there, or point --dir at a built site (npm run build writes ${join(ROOT, 'dist')})`,
    });
  }
  ctx.log(
    cfg.stop
      ? 'stopping: the docs handler on port 443 will be removed'
      : `serving ${port ? `the server on 127.0.0.1:${port}` : dir} at https://<this machine>/ (tailnet only)${cfg.build ? ', after `npm run build`' : ''}`,
  );
  ctx.state.cfg = cfg;
}

/**
 * The confirm step's question; undefined when there is nothing to do (nothing served to stop, or already served as
 * asked).
 */
export function publishQuestion(ctx: Ctx): string | undefined {
  const { stop, build, target, url, host, current, funnel } = ctx.state.cfg;
  const where = url ?? 'https://<this machine>/';
  if (stop) return host && !current ? undefined : `Stop serving the docs at ${where}?`;
  if (!build && host && isOurs(current, target) && !funnel) return undefined;
  return `${build ? 'Build the site and serve' : 'Serve'} ${target} to the tailnet at ${where}?`;
}

/** preflight: logged in, MagicDNS name known, and port 443 free or already ours. */
export async function checkServe(ctx: Ctx): Promise<void> {
  const cfg = ctx.state.cfg;
  const out = await ctx.run(['tailscale', 'status', '--json']);
  if (out.ran) {
    const status = parseStatus(out.stdout);
    const problem = backendProblem(status);
    if (problem)
      ctx.fail({
        code: 'E_NOT_RUNNING',
        expected: 'this machine logged in to the tailnet',
        found: problem,
        next: 'fix that, then run again',
      });
    cfg.host = dnsName(status.Self!);
    if (!cfg.host)
      ctx.fail({
        code: 'E_NO_DNS_NAME',
        expected: 'a MagicDNS name for this machine (Self.DNSName)',
        found: 'none',
        next: 'turn on MagicDNS and HTTPS certificates in the admin console (DNS page), then run again',
      });
    cfg.url = `https://${cfg.host}/`;
    ctx.log(`this machine is ${cfg.host}`);
  }
  const serve = await ctx.run(['tailscale', 'serve', 'status', '--json']);
  if (!serve.ran || !cfg.host) return;
  const config = parseServeStatus(serve.stdout);
  cfg.current = webHandlers(config, cfg.host, 443)['/'];
  cfg.funnel = funnelHostPorts(config).includes(`${cfg.host}:443`);
  if (cfg.current && !isOurs(cfg.current, cfg.target)) {
    ctx.fail({
      code: 'E_PORT_BUSY',
      expected: `https://${cfg.host}/ free or serving these docs (${cfg.target})`,
      found: `it serves ${describe(cfg.current)}`,
      next: cfg.stop
        ? 'that is not these docs, so it was left alone'
        : 'stop that first (`tailscale serve --https=443 off`) if it is no longer needed; nothing was changed',
    });
  }
  if (cfg.funnel)
    ctx.warn(
      `Funnel is on for ${cfg.host}:443 (public on the internet); ${cfg.stop ? 'removing the handler leaves no content there' : 'serving the docs with `tailscale serve` turns it off for this port'}`,
    );
  if (cfg.stop && !cfg.current) ctx.log('the docs are not being served; nothing to stop');
}

/** How long the build may take (a clean build takes ~20 s on a 2-core machine; diagrams start Chromium). */
export const BUILD_TIMEOUT_S = 600;

/**
 * The build, for the URL it will be served at: AVALANCHE_SITE_URL (astro.config.mjs) makes the canonical
 * link and og:url the tailnet URL, not 127.0.0.1. `npm --prefix` runs it in this repository wherever the
 * runbook was started; `--outDir` (an Astro CLI flag) writes it where it will be served.
 */
export async function buildSite(ctx: Ctx): Promise<void> {
  const cfg = ctx.state.cfg;
  if (!cfg.build) ctx.skip(cfg.stop ? 'stopping' : '--no-build or --port');
  if (!cfg.stop && cfg.current && isOurs(cfg.current, cfg.target) && !cfg.funnel)
    ctx.log('already served; rebuilding updates the served files in place');
  const argv = ['npm', '--prefix', ROOT, 'run', 'build', '--', '--outDir', cfg.dir];
  const env = { AVALANCHE_SITE_URL: cfg.url ?? 'https://<this machine>/' };
  await ctx.change(`rebuilt ${cfg.dir} for ${env.AVALANCHE_SITE_URL}`, () =>
    ctx.wait('npm run build', () => ctx.run(argv, { mode: 'write', env, timeoutMs: BUILD_TIMEOUT_S * 1000 })),
  );
}

export async function serveOrStop(ctx: Ctx): Promise<void> {
  const cfg = ctx.state.cfg;
  if (cfg.stop) {
    if (ctx.runs('read') && !cfg.current) ctx.skip('not serving');
    const serveAgain = async () =>
      void (await ctx.run(['tailscale', 'serve', '--bg', '--https=443', cfg.target], {
        mode: 'write',
        timeoutMs: 60_000,
      }));
    await ctx.change({ summary: `stopped serving https://${cfg.host ?? '<this machine>'}/`, undo: serveAgain }, () =>
      ctx.run(OFF, { mode: 'write' }),
    );
    return;
  }
  if (ctx.runs('read') && isOurs(cfg.current, cfg.target) && !cfg.funnel)
    ctx.skip(`already serving ${cfg.target} at ${cfg.url}`);
  // The first HTTPS serve may provision a certificate (or ask to enable HTTPS): give it a minute.
  const stop = async () => void (await ctx.run(OFF, { mode: 'write' }));
  await ctx.change(
    { summary: `serving ${cfg.target} at ${cfg.url ?? 'https://<this machine>/'} (tailnet only)`, undo: stop },
    () => ctx.run(['tailscale', 'serve', '--bg', '--https=443', cfg.target], { mode: 'write', timeoutMs: 60_000 }),
  );
}

/** The served URL answers with the built home page (its <title>); the check may be pointed at 127.0.0.1 by tests. */
export async function verifyServed(ctx: Ctx): Promise<void> {
  const cfg = ctx.state.cfg;
  const serve = await ctx.run(['tailscale', 'serve', 'status', '--json'], { assume: '{}' });
  const config = parseServeStatus(serve.stdout);
  const root = cfg.host ? webHandlers(config, cfg.host, 443)['/'] : undefined;
  if (cfg.stop) {
    ctx.check(`nothing served at https://${cfg.host ?? '<this machine>'}/`, !isOurs(root, cfg.target), {
      expected: 'no docs handler on port 443',
      found: root ? describe(root) : 'none',
      next: 'run `tailscale serve --https=443 off`',
    });
    return;
  }
  ctx.check(`tailscale serves ${cfg.target} at ${cfg.url ?? 'https://<this machine>/'}`, isOurs(root, cfg.target), {
    expected: cfg.target,
    found: root ? describe(root) : 'no handler',
    next: 'run publish-docs again; see `tailscale serve status`',
  });
  const open = cfg.host ? funnelHostPorts(config).includes(`${cfg.host}:443`) : false;
  ctx.check('tailnet only (no Funnel on port 443)', !open, {
    expected: 'no AllowFunnel entry',
    found: open ? 'Funnel on' : 'no Funnel',
    next: 'run `tailscale funnel --https=443 off`',
  });
  if (!ctx.runs('read'))
    return void ctx.log(
      `would fetch ${cfg.url ?? 'https://<this machine>/'} and compare its <title> with the built index.html`,
    );
  // Tests only: PUBLISH_DOCS_VERIFY_URL sends this fetch to a local server instead of the tailnet name.
  const fetchUrl = ctx.env.PUBLISH_DOCS_VERIFY_URL || cfg.url!;
  const title = existsSync(join(cfg.dir, 'index.html'))
    ? /<title>([^<]*)<\/title>/.exec(readFileSync(join(cfg.dir, 'index.html'), 'utf8'))?.[1]
    : undefined;
  const answer = await ctx.wait(`waiting for ${cfg.url} to answer`, () =>
    fetchUntil(fetchUrl, cfg.waitS, ctx.signal, ctx.timeScale),
  );
  const ok = answer.status === 200 && (!title || answer.body.includes(`<title>${title}</title>`));
  ctx.check(`${cfg.url} answers with the docs${title ? ` ("${title}")` : ''}`, ok, {
    expected: `HTTP 200${title ? ` with <title>${title}</title>` : ''}`,
    found: answer.error ?? `HTTP ${answer.status}${answer.status === 200 && !ok ? ' with another page' : ''}`,
    next: 'a first HTTPS serve may still be getting its certificate: wait a minute and open the URL; check HTTPS is enabled (admin console, DNS page)',
  });
  ctx.fact('url', cfg.url);
}

async function fetchUntil(
  url: string,
  waitS: number,
  stop: AbortSignal,
  scale: number,
): Promise<{ status: number; body: string; error?: string }> {
  const deadline = Date.now() + waitS * 1000 * scale;
  for (;;) {
    try {
      // Each try bounded (10 s), and stopped at once by Ctrl-C or the step's budget.
      const res = await fetch(url, {
        signal: AbortSignal.any([AbortSignal.timeout(10_000 * scale), stop]),
        redirect: 'follow',
      });
      const body = await res.text();
      if (res.status === 200 || Date.now() >= deadline) return { status: res.status, body };
    } catch (error) {
      const reason =
        error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
      if (Date.now() >= deadline || stop.aborted) return { status: 0, body: '', error: reason };
    }
    await sleep(2000 * scale);
  }
}
