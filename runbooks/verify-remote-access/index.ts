// Check, from the operator's tailnet machine, that remote access to the home LAN works end to end.
// Logic: runbooks/verify-remote-access/steps.ts. Facts and sources: ../shared/research/tailscale.md.
import { defineRunbook } from '../../src/lib/harness/index.ts';
import { checkClient, loadVerifyConfig, serviceNames, verifyRemoteAccess } from './steps.ts';

export default defineRunbook('verify-remote-access', (setup) => {
  return {
    name: 'verify-remote-access',
    title: 'Verify remote access to the home LAN',
    summary: 'Checks from this tailnet machine that routy routes the LAN, is no exit node, and that .internal names resolve and LAN services answer.',
    purpose:
      'Remote access breaks in ways that are slow to diagnose away from home: routy offline or its route unapproved, an exit node still offered, a Linux client ignoring subnet routes, split DNS pointing at the wrong server, a grant missing. This runbook checks each link from the machine it runs on, reports every check (human summary, or --json), and exits 1 naming each failed check with its likely fix. It changes nothing.',
    prerequisites: [
      'Run it on a machine in the tailnet (calypso or a laptop), away from the LAN or with the LAN route in use, with tailscale 1.76 or newer.',
      'nc (netcat) on PATH for the TCP check (OpenBSD netcat, ncat or BusyBox nc).',
      'A Tailscale API token with dns:read (or use --no-api to skip the tailnet split-DNS check).',
    ],
    flags: [
      { name: 'service', type: 'string', multiple: true, valueName: 'NAME', choices: serviceNames, description: 'LAN service(s) from the inventory to resolve and connect to (default: all).' },
      { name: 'no-api', type: 'boolean', description: 'Skip reading the tailnet split-DNS setting through the API (no API key needed).' },
    ],
    secrets: [{ env: 'TAILSCALE_API_KEY', description: 'Tailscale API token, read-only use (dns:read). TAILSCALE_TAILNET names the tailnet (default "-").' }],
    examples: ['', '--service kanidm', '--json', '--no-api'],
    steps: [
      { id: 'config', kind: 'config', title: 'Read the inventory: router, route, LAN services, split DNS', run: loadVerifyConfig },
      { id: 'client', kind: 'preflight', title: 'This machine is logged in to the tailnet', run: checkClient },
      { id: 'checks', kind: 'verify', title: 'Check remote access end to end', run: verifyRemoteAccess },
      { id: 'summary', kind: 'summary', title: 'Summary', run: (ctx) => ctx.log(ctx.dryRun ? 'Every check above would run.' : 'Remote access works: every check passed.') },
    ],
  };
});
