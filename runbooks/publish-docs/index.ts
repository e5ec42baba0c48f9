// publish-docs: build this site and serve it to the tailnet with `tailscale serve` (tailnet only, never
// Funnel); --stop ends it. The step code is beside this file (steps.ts), its state in state.ts.
import { confirmStep, defineRunbook } from '../../src/lib/harness/index.ts';
import {
  BUILD_TIMEOUT_S,
  buildSite,
  checkServe,
  loadPublishConfig,
  publishQuestion,
  serveOrStop,
  verifyServed,
} from './steps.ts';
import { flags, type Args, type State } from './state.ts';

export default defineRunbook<State, Args>('publish-docs', () => {
  return {
    name: 'publish-docs',
    title: 'Publish these docs to the tailnet',
    summary:
      'Builds the site and serves it over HTTPS to the tailnet only with tailscale serve, prints the URL and checks it answers; --stop ends it.',
    purpose:
      'The docs are read over Tailscale, often from a phone away from home. This runbook builds the site and has tailscaled on this machine serve the built folder at https://<this machine>.<tailnet>.ts.net/ with a certificate from Tailscale, reachable only inside the tailnet (never Funnel, never the internet). It then fetches the URL to check the home page answers. `--stop` removes only this handler (port 443), leaving anything else this machine serves.',
    prerequisites: [
      'tailscale logged in on this machine, with MagicDNS and HTTPS certificates enabled for the tailnet (admin console, DNS page).',
      'On Linux, permission to change serve settings: run as root, or once `sudo tailscale set --operator=$USER`.',
      'Node and the project installed (`npm ci`) for `npm run build`.',
    ],
    flags,
    examples: ['', '--no-build', '--stop', '--dry-run'],
    steps: [
      { id: 'config', kind: 'config', title: 'Decide what to serve', run: loadPublishConfig },
      {
        id: 'tailnet',
        kind: 'preflight',
        title: 'This machine is on the tailnet, with a MagicDNS name; port 443 is free or ours',
        run: checkServe,
      },
      confirmStep<State, Args>({
        question: publishQuestion,
        nothing: (ctx) =>
          ctx.state.cfg.stop ? 'the docs are not being served' : `already serving ${ctx.state.cfg.target}`,
      }),
      {
        id: 'build',
        kind: 'apply',
        title: 'Build the site for its tailnet URL (npm run build)',
        changes: 'Rebuilds the built folder (dist/, or --dir) with AVALANCHE_SITE_URL set to the URL it is served at.',
        undo: 'Nothing to undo: the folder is build output, rebuilt on every run.',
        budgetS: BUILD_TIMEOUT_S + 30,
        run: buildSite,
      },
      {
        id: 'serve',
        kind: 'apply',
        title: 'Serve it to the tailnet (or stop, with --stop)',
        changes:
          'Adds (or with --stop removes) the HTTPS handler for / on port 443 of this machine in tailscale serve.',
        undo: '`tailscale serve --https=443 off` (or run publish-docs again after --stop).',
        run: serveOrStop,
      },
      {
        id: 'verify',
        kind: 'verify',
        title: 'Check the URL answers, tailnet only',
        budgetS: (ctx) => ctx.state.cfg.waitS + 60,
        run: verifyServed,
      },
      {
        id: 'summary',
        kind: 'summary',
        title: 'Summary',
        run: (ctx) => {
          const { stop, url } = ctx.state.cfg;
          const where = url ?? 'https://<this machine>/';
          if (ctx.dryRun)
            ctx.log(
              stop ? 'The docs would no longer be served.' : `The docs would be served to the tailnet at ${where}`,
            );
          else ctx.log(stop ? 'The docs are no longer served.' : `The docs are served to the tailnet at ${where}`);
        },
      },
    ],
  };
});
