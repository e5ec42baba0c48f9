/**
 * verify-remote-access: from the operator's tailnet machine, the checks that together mean "the phone can
 * reach a home service": the subnet router online and primary for the LAN route, not an exit node, this client
 * accepting
 * routes, a `.internal` name resolving through the tailnet's DNS to a LAN address, a TCP connection to that
 * service, and the tailnet's split-DNS setting equal to the inventory. Every check runs and is reported; any
 * failure fails the step (exit 1) with the likely fix. Tailscale's CLI and its JSON:
 * ../../src/lib/clients/tailscale-*.ts.
 */
import { InputError } from '../../src/lib/core/errors.ts';
import { subnetRouter } from '../../src/lib/inventory/inventory.ts';
import { cidrContains } from '../../src/lib/core/net.ts';
import type { Ctx, VerifyConfig } from './state.ts';
import {
  aRecords,
  compareVersions,
  parseDnsQuery,
  parseDnsStatus,
  parseVersion,
} from '../../src/lib/clients/tailscale-cli.ts';
import {
  ACCEPT_ROUTES_HEALTH,
  backendProblem,
  findNode,
  offersExitNode,
  parsePrefs,
  parseStatus,
} from '../../src/lib/clients/tailscale-status.ts';
import { apiFor, loadApiKey, sameSet } from '../../src/lib/steps/tailscale.ts';

/** `tailscale dns query` appeared in 1.76 (https://tailscale.com/kb/1080/cli#dns). */
export const DNS_QUERY_SINCE = '1.76.0';

export async function loadVerifyConfig(ctx: Ctx): Promise<void> {
  const inv = ctx.setup.inventory;
  const router = subnetRouter(inv);
  const wanted = ctx.args.service ?? [];
  const cfg: VerifyConfig = {
    router: router.name,
    routes: router.advertise_routes ?? [inv.lan.subnet],
    lan: inv.lan.subnet,
    services: inv.lan.services.filter((s) => !wanted.length || wanted.includes(s.name)),
    split: inv.tailnet.split_dns,
  };
  ctx.log(
    `expecting ${cfg.router} to route ${cfg.routes.join(', ')}; services ${cfg.services.map((s) => `${s.fqdn}:${s.port}`).join(', ')}; split DNS ${cfg.split.domain} -> ${cfg.split.nameservers.join(', ')}`,
  );
  if (ctx.args.noApi) ctx.log('--no-api: the tailnet split-DNS setting is not read through the API');
  else {
    try {
      cfg.key = await loadApiKey(ctx);
    } catch (error) {
      if ((error as { code?: string }).code === 'E_SECRET_MISSING')
        throw new InputError(
          `${(error as Error).message} Or pass --no-api to skip the tailnet split-DNS check.`,
          'E_SECRET_MISSING',
        );
      throw error;
    }
  }
  ctx.state.cfg = cfg;
}

/** preflight: this machine's tailscale is new enough and logged in; its status is what the checks read. */
export async function checkClient(ctx: Ctx): Promise<void> {
  const version = await ctx.run(['tailscale', 'version']);
  if (version.ran) {
    const v = parseVersion(version.stdout).short;
    ctx.log(`tailscale ${v} on this machine`);
    if (compareVersions(v, DNS_QUERY_SINCE) < 0)
      ctx.fail({
        code: 'E_OLD_TAILSCALE',
        expected: `tailscale ${DNS_QUERY_SINCE} or newer (for \`tailscale dns query\`)`,
        found: v,
        next: 'update tailscale on this machine (https://tailscale.com/download)',
      });
  }
  const out = await ctx.run(['tailscale', 'status', '--json']);
  if (!out.ran) return;
  const status = parseStatus(out.stdout);
  const problem = backendProblem(status);
  if (problem)
    ctx.fail({
      code: 'E_NOT_RUNNING',
      expected: 'this machine logged in to the tailnet (BackendState Running)',
      found: problem,
      next: 'fix that here, then run again',
    });
  ctx.state.status = status;
}

/** A check that, when it fails, also prints its fix on the next line. */
function check(ctx: Ctx, name: string, ok: boolean, expected: string, found: string, next: string): boolean {
  const passed = ctx.check(name, ok, { expected, found, next });
  if (!passed) ctx.log(`  → ${next}`);
  return passed;
}

export async function verifyRemoteAccess(ctx: Ctx): Promise<void> {
  const cfg = ctx.state.cfg;
  const listed = !ctx.runs('read');
  const status = ctx.state.status;
  const routes = cfg.routes.join(', ');

  const peer = status && findNode(status, cfg.router);
  check(
    ctx,
    `${cfg.router} is online in the tailnet`,
    Boolean(peer?.Online),
    'Online',
    peer?.Online ? 'online' : peer ? 'offline' : `no node named ${cfg.router}`,
    `check that ${cfg.router} is powered and \`tailscale status\` there says Running; run configure-routy`,
  );
  check(
    ctx,
    `${cfg.router} is the primary router for ${routes}`,
    Boolean(peer && cfg.routes.every((r) => peer.PrimaryRoutes.includes(r))),
    routes,
    peer?.PrimaryRoutes.join(', ') || 'no primary routes',
    'the route is advertised but not approved, or not advertised: run configure-routy',
  );
  check(
    ctx,
    `${cfg.router} is not offered as an exit node`,
    Boolean(peer && !offersExitNode(peer)),
    'no 0.0.0.0/0 or ::/0 in AllowedIPs',
    peer?.AllowedIPs.join(', ') ?? 'unknown',
    `run configure-routy (tailscale set --advertise-exit-node=false on ${cfg.router}, exit-route approval withdrawn)`,
  );

  const prefsOut = await ctx.run(['tailscale', 'debug', 'prefs'], { okCodes: [0, 1] });
  const routeAll =
    prefsOut.ran && prefsOut.code === 0
      ? parsePrefs(prefsOut.stdout).RouteAll
      : !status?.Health.includes(ACCEPT_ROUTES_HEALTH);
  check(
    ctx,
    'this machine accepts subnet routes',
    routeAll,
    'RouteAll true (--accept-routes)',
    `RouteAll ${routeAll}`,
    '`sudo tailscale set --accept-routes` (Linux defaults to false; but not on a Linux machine that lives on the LAN itself: tailscale/tailscale#5999)',
  );

  for (const svc of cfg.services) {
    const answer = await ctx.run(['tailscale', 'dns', 'query', svc.fqdn], { okCodes: [0, 1] });
    const result = answer.ran && answer.code === 0 ? parseDnsQuery(answer.stdout) : undefined;
    const ips = result ? aRecords(result) : [];
    const lanIp = ips.find((ip) => cidrContains(cfg.lan, ip));
    const found = !answer.ran
      ? 'not asked'
      : !result
        ? answer.stderr.trim() || `exit ${answer.code}`
        : `${result.responseCode}${ips.length ? ` ${ips.join(', ')}` : ''} via ${result.resolvers.join(', ') || 'no resolver'}`;
    const fix = lanIp || !answer.ran ? '' : await dnsFix(ctx, cfg);
    if (
      !check(
        ctx,
        `${svc.fqdn} resolves through the tailnet DNS to a LAN address`,
        Boolean(lanIp),
        `an A record in ${cfg.lan}`,
        found,
        fix,
      )
    ) {
      check(
        ctx,
        `${svc.fqdn} accepts TCP connections on ${svc.port}`,
        false,
        'a connection',
        'not tried: the name did not resolve to a LAN address',
        'fix the DNS check first',
      );
      continue;
    }
    // nc -z: connect and close without sending anything (OpenBSD netcat, ncat and BusyBox all take -z -w).
    const target = lanIp ?? svc.fqdn;
    const tcp = await ctx.run(['nc', '-z', '-w', '3', target, String(svc.port)], {
      okCodes: [0, 1],
      timeoutMs: 10_000,
    });
    check(
      ctx,
      `${svc.fqdn}${target === svc.fqdn ? '' : ` (${target})`} accepts TCP connections on ${svc.port}`,
      listed || tcp.code === 0,
      'a connection',
      tcp.code === 0
        ? 'connected'
        : `no connection (nc exit ${tcp.code}${tcp.stderr.trim() ? `: ${tcp.stderr.trim()}` : ''})`,
      `is ${svc.name} up on the LAN? Does the policy grant this device ${cfg.lan} (manifests/tailscale/policy.hujson)? Is forwarding on on ${cfg.router} (configure-routy)?`,
    );
  }

  if (!cfg.key) {
    if (listed && !ctx.args.noApi) ctx.log(`would call the Tailscale API: GET /api/v2/tailnet/-/dns/split-dns`);
    if (listed) ctx.check(`split DNS ${cfg.split.domain} in the tailnet settings equals the inventory`, true);
    return;
  }
  const split = await apiFor(ctx, cfg.key).getSplitDns();
  check(
    ctx,
    `split DNS ${cfg.split.domain} in the tailnet settings equals the inventory`,
    sameSet(split[cfg.split.domain], cfg.split.nameservers),
    cfg.split.nameservers.join(', '),
    split[cfg.split.domain]?.join(', ') ?? 'not set',
    'run configure-routy (it PATCHes split DNS), or fix DNS > Nameservers in the admin console',
  );
}

/** The likely reason a name did not resolve, from this machine's `tailscale dns status`. */
async function dnsFix(ctx: Ctx, cfg: VerifyConfig): Promise<string> {
  const generic = `split DNS ${cfg.split.domain} must point at ${cfg.split.nameservers.join(', ')} (configure-routy), and that server must answer through ${cfg.router}`;
  if (!ctx.runs('read')) return generic;
  const out = await ctx.run(['tailscale', 'dns', 'status'], { okCodes: [0, 1] });
  if (out.code !== 0) return generic;
  const dns = parseDnsStatus(out.stdout);
  if (!dns.tailscaleDns) return 'Tailscale DNS is off on this machine: `sudo tailscale set --accept-dns=true`';
  const here = dns.splitDnsRoutes[cfg.split.domain];
  if (!here) return `this machine has no split-DNS route for ${cfg.split.domain}: ${generic}`;
  return `this machine sends ${cfg.split.domain} to ${here.join(', ')}, which did not give a LAN address: is the DNS server up, and does the policy grant it (lan-dns, udp:53)?`;
}
