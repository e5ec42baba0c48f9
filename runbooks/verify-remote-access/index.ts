// verify-remote-access: check, from the operator's tailnet machine, that remote access to the home LAN works
// end to end. Reads top to bottom; the checks are beside this file (steps.ts), its state in state.ts.
import { defineRunbook } from '../../src/lib/harness/index.ts';
import { subnetRouter } from '../../src/lib/inventory/inventory.ts';
import { checkClient, loadVerifyConfig, verifyRemoteAccess } from './steps.ts';
import { flags, type Args, type State } from './state.ts';

export default defineRunbook<State, Args>('verify-remote-access', (setup) => {
  const inv = setup.inventory;
  const router = subnetRouter(inv).name;
  return {
    name: 'verify-remote-access',
    title: 'Verify remote access to the home LAN',
    summary: `Checks from this tailnet machine that ${router} routes the LAN, is no exit node, and that ${inv.tailnet.split_dns.domain} names resolve and LAN services answer.`,
    purpose:
      'Remote access breaks in ways that are slow to diagnose away from home: the subnet router offline or its route unapproved, an exit node still offered, a Linux client ignoring subnet routes, split DNS pointing at the wrong server, a grant missing. This runbook checks each link from the machine it runs on, reports every check (human summary, or --json), and exits 1 naming each failed check with its likely fix. It changes nothing.',
    prerequisites: [
      'Run it on a machine in the tailnet (the workstation or a laptop), away from the LAN or with the LAN route in use, with tailscale 1.76 or newer.',
      'nc (netcat) on PATH for the TCP check (OpenBSD netcat, ncat or BusyBox nc).',
      'A Tailscale API token with dns:read (or use --no-api to skip the tailnet split-DNS check).',
    ],
    flags: flags(inv),
    secrets: [
      {
        env: 'TAILSCALE_API_KEY',
        description:
          'Tailscale API token, read-only use (dns:read). TAILSCALE_TAILNET names the tailnet (default "-").',
      },
    ],
    examples: ['', ...inv.lan.services.slice(0, 1).map((x) => `--service ${x.name}`), '--json', '--no-api'],
    steps: [
      {
        id: 'config',
        kind: 'config',
        title: 'Read the inventory: router, route, LAN services, split DNS',
        run: loadVerifyConfig,
      },
      { id: 'client', kind: 'preflight', title: 'This machine is logged in to the tailnet', run: checkClient },
      { id: 'checks', kind: 'verify', title: 'Check remote access end to end', run: verifyRemoteAccess },
      {
        id: 'summary',
        kind: 'summary',
        title: 'Summary',
        run: (ctx) => ctx.log(ctx.dryRun ? 'Every check above would run.' : 'Remote access works: every check passed.'),
      },
    ],
  };
});
