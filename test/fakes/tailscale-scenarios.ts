/**
 * Scenario builders for the Tailscale runbook tests: routy's state as the fake `ssh` answers it (in the real
 * formats: `tailscale status --json`, `tailscale debug prefs`, `sysctl -n`, `ethtool -k`), devices as the fake
 * API serves them, and readers of what was sent.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ApiDevice } from '../../src/lib/clients/tailscale-api.ts';
import type { FakeCall, Rule } from './run-runbook.ts';
import type { RecordedRequest } from './tailscale-api-server.ts';
import { bundleFile } from './runbook-bundle.ts';

export const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/tailscale/${name}`, import.meta.url), 'utf8');
const json = (name: string) => JSON.parse(fixture(name));

/** A fake API key, made at run time (FAKE in it, and never a literal the secret scan would have to allow). */
export function fakeApiKey(): string {
  return ['tskey', 'api', 'kFAKE0000CNTRL', `FAKE${randomBytes(12).toString('hex')}`].join('-');
}

// The sysctl file of the frozen bundle the Tailscale runbook tests run against (runbook-bundle.ts).
export const SYSCTL_TEXT = bundleFile('manifests/routy/99-tailscale.conf');
/**
 * The keys the bundled sysctl file sets, in order: the runbook reads exactly these (derived, so a change to the file
 * needs no change here).
 */
const SYSCTL_KEYS = [...SYSCTL_TEXT.matchAll(/^\s*([\w.\-/]+)\s*=\s*(\S+)\s*$/gm)].map((m) => ({
  key: m[1],
  value: m[2],
}));
export const SYSCTL_READ = `sysctl -n ${SYSCTL_KEYS.map((k) => k.key).join(' ')}`;
export const EXIT = ['0.0.0.0/0', '::/0'];

export interface RoutyState {
  /** `sysctl -n` output values, one per key of the bundled sysctl file, in its order. */
  forwarding: string[];
  /** Content of /etc/sysctl.d/99-tailscale.conf; undefined = no file. */
  file?: string;
  /** Patch over test/fixtures/tailscale/debug-prefs-routy.json. */
  prefs?: Record<string, unknown>;
  /** Patch over the Self of test/fixtures/tailscale/status-routy.json (whole status when `BackendState` is set). */
  self?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

export const CONFIGURED: RoutyState = { forwarding: SYSCTL_KEYS.map((k) => k.value), file: SYSCTL_TEXT };
export const FRESH: RoutyState = {
  forwarding: SYSCTL_KEYS.map(() => '0'),
  prefs: { AdvertiseRoutes: null, NoStatefulFiltering: '' },
  self: { AllowedIPs: ['100.121.204.6/32', 'fd7a:115c:a1e0::6b01:cc06/128'], PrimaryRoutes: null },
};

export function statusOf(state: RoutyState): unknown {
  if (state.status) return state.status;
  const base = json('status-routy.json');
  return { ...base, Self: { ...base.Self, ...state.self } };
}

export function prefsOf(state: RoutyState): unknown {
  return { ...json('debug-prefs-routy.json'), ...state.prefs };
}

const remote = (command: string) => ({ tool: 'ssh', match: ['routy', '--', command] });

/** The fake ssh answers: reads give `before` the first time and `after` from then on; writes succeed. */
export function routyRules(before: RoutyState, after: RoutyState = before, extra: Rule[] = []): Rule[] {
  const both = (a: (s: RoutyState) => unknown) => [{ stdout: a(before) }, { stdout: a(after) }];
  const file = (s: RoutyState) =>
    s.file === undefined
      ? { code: 1, stderr: 'cat: /etc/sysctl.d/99-tailscale.conf: No such file or directory\n' }
      : { stdout: s.file };
  return [
    ...extra,
    { ...remote('command -v tailscale'), stdout: '/usr/bin/tailscale\n' },
    { ...remote('tailscale version'), stdout: fixture('version.txt') },
    { ...remote('tailscale status --json'), responses: both(statusOf) },
    { ...remote(SYSCTL_READ), responses: both((s) => `${s.forwarding.join('\n')}\n`) },
    { ...remote('cat /etc/sysctl.d/99-tailscale.conf'), responses: [file(before), file(after)] },
    { ...remote('tailscale debug prefs'), responses: both(prefsOf) },
    { ...remote('ethtool -k eth0'), stdout: fixture('ethtool-k-eth0.txt') },
    { ...remote('sudo -n tee /etc/sysctl.d/99-tailscale.conf'), stdout: SYSCTL_TEXT },
    {
      ...remote('sudo -n sysctl -p /etc/sysctl.d/99-tailscale.conf'),
      stdout: SYSCTL_KEYS.map((k) => `${k.key} = ${k.value}\n`).join(''),
    },
    { tool: 'ssh', argv: '/ -- sudo -n tailscale set /', stdout: '' },
    // Rollback commands.
    { ...remote('sudo -n rm -f /etc/sysctl.d/99-tailscale.conf'), stdout: '' },
    { tool: 'ssh', argv: '/ -- sudo -n sysctl -w /', stdout: '' },
  ];
}

export function routyDevice(patch: Partial<ApiDevice> = {}): ApiDevice {
  return { ...json('api-devices.json').devices[0], ...patch };
}

export function otherDevices(): ApiDevice[] {
  return json('api-devices.json').devices.slice(1);
}

/** The remote command lines routy was sent over ssh, in order. */
export function remoteCommands(calls: FakeCall[]): string[] {
  return calls.filter((c) => c.tool === 'ssh').map((c) => c.argv[c.argv.indexOf('--') + 1]);
}

/** Only the remote commands that change something (sudo ...). */
export function remoteWrites(calls: FakeCall[]): string[] {
  return remoteCommands(calls).filter((c) => c.startsWith('sudo '));
}

/** API writes as "METHOD path body" lines. */
export function apiWrites(requests: RecordedRequest[]): string[] {
  return requests
    .filter((r) => r.method !== 'GET')
    .map((r) => `${r.method} ${r.path}${r.path.endsWith('/acl') ? '' : ` ${r.body}`}`);
}
