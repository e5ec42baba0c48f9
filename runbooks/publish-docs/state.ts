/** publish-docs' flags and the state its steps share. */
import type { ArgsOf, StepContext } from '../../src/lib/harness/index.ts';
import type { HttpHandler } from '../../src/lib/clients/tailscale-cli.ts';

export const flags = [
  { name: 'stop', type: 'boolean', description: 'Stop serving the docs (`tailscale serve --https=443 off`).' },
  { name: 'no-build', type: 'boolean', description: 'Serve the existing build without running `npm run build` first.' },
  {
    name: 'dir',
    type: 'string',
    valueName: 'DIR',
    default: 'dist',
    description:
      'Where the site is built and served from, relative to the repository (default dist). With --no-build it must already hold a built site.',
  },
  {
    name: 'port',
    type: 'string',
    valueName: 'PORT',
    description:
      'Proxy to a server already running on 127.0.0.1:PORT instead of serving the folder (for clients that cannot serve paths).',
  },
  {
    name: 'wait',
    type: 'string',
    valueName: 'SECONDS',
    default: '60',
    description: 'How long to wait for the URL to answer (a first serve may be getting its certificate).',
  },
] as const;
export type Args = ArgsOf<typeof flags>;

export interface PublishConfig {
  stop: boolean;
  build: boolean;
  dir: string;
  /** What `tailscale serve` is given: the absolute dist folder, or http://127.0.0.1:PORT. */
  target: string;
  waitS: number;
  host?: string;
  url?: string;
  current?: HttpHandler;
  funnel?: boolean;
}

export interface State {
  cfg: PublishConfig;
}

export type Ctx = StepContext<State, Args>;
