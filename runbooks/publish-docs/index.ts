// Build this site and serve it to the tailnet with `tailscale serve` (tailnet only, never Funnel); --stop ends it.
// Logic: runbooks/publish-docs/steps.ts.
import { defineRunbook } from '../../src/lib/harness/index.ts';
import { buildSite, checkServe, loadPublishConfig, serveOrStop, verifyServed } from './steps.ts';

export default defineRunbook('publish-docs', (setup) => {
  return {
    name: 'publish-docs',
    title: 'Publish these docs to the tailnet',
    summary: 'Builds the site and serves it over HTTPS to the tailnet only with tailscale serve, prints the URL and checks it answers; --stop ends it.',
    purpose:
      'The docs are read over Tailscale, often from a phone away from home. This runbook builds the site and has tailscaled on this machine serve the built folder at https://<this machine>.<tailnet>.ts.net/ with a certificate from Tailscale, reachable only inside the tailnet (never Funnel, never the internet). It then fetches the URL to check the home page answers. `--stop` removes only this handler (port 443), leaving anything else this machine serves.',
    prerequisites: [
      'tailscale logged in on this machine, with MagicDNS and HTTPS certificates enabled for the tailnet (admin console, DNS page).',
      'On Linux, permission to change serve settings: run as root, or once `sudo tailscale set --operator=$USER`.',
      'Node and the project installed (`npm ci`) for `npm run build`.',
    ],
    flags: [
      { name: 'stop', type: 'boolean', description: 'Stop serving the docs (`tailscale serve --https=443 off`).' },
      { name: 'no-build', type: 'boolean', description: 'Serve the existing build without running `npm run build` first.' },
      { name: 'dir', type: 'string', valueName: 'DIR', default: 'dist', description: 'The built site to serve, relative to the repository (default dist).' },
      { name: 'port', type: 'string', valueName: 'PORT', description: 'Proxy to a server already running on 127.0.0.1:PORT instead of serving the folder (for clients that cannot serve paths).' },
      { name: 'wait', type: 'string', valueName: 'SECONDS', default: '60', description: 'How long to wait for the URL to answer (a first serve may be getting its certificate).' },
    ],
    examples: ['', '--no-build', '--stop', '--dry-run'],
    steps: [
      { id: 'config', kind: 'config', title: 'Decide what to serve', run: loadPublishConfig },
      { id: 'tailnet', kind: 'preflight', title: 'This machine is on the tailnet, with a MagicDNS name; port 443 is free or ours', run: checkServe },
      { id: 'build', kind: 'apply', title: 'Build the site (npm run build)', changes: 'Rebuilds the built folder (dist/).', undo: 'Nothing to undo: dist/ is build output, rebuilt on every run.', run: buildSite },
      { id: 'serve', kind: 'apply', title: 'Serve it to the tailnet (or stop, with --stop)', changes: 'Adds (or with --stop removes) the HTTPS handler for / on port 443 of this machine in tailscale serve.', undo: '`tailscale serve --https=443 off` (or run publish-docs again after --stop).', run: serveOrStop },
      { id: 'verify', kind: 'verify', title: 'Check the URL answers, tailnet only', run: verifyServed },
      {
        id: 'summary',
        kind: 'summary',
        title: 'Summary',
        run: (ctx) => {
          const { stop, url } = ctx.state.cfg;
          const where = url ?? 'https://<this machine>/';
          if (ctx.dryRun) ctx.log(stop ? 'The docs would no longer be served.' : `The docs would be served to the tailnet at ${where}`);
          else ctx.log(stop ? 'The docs are no longer served.' : `The docs are served to the tailnet at ${where}`);
        },
      },
    ],
  };
});
