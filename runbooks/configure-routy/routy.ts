/**
 * The subnet router's desired state, from the bundled files (manifests/<router>/*, manifests/tailscale/policy.hujson),
 * and the comparisons configure-routy makes against what it reads on the router:
 * - the sysctl file (forwarding persisted) and the live forwarding values;
 * - the `tailscale set` flags, read back from `tailscale debug prefs` (works on every version; `tailscale get`
 *   is 1.100+ only: https://tailscale.com/kb/1019/subnets#enable-ip-forwarding);
 * - UDP GRO forwarding on the LAN interface (`ethtool -k`, https://tailscale.com/kb/1320/performance-best-practices#linux-optimizations-for-subnet-routers-and-exit-nodes).
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { InputError } from '../../src/lib/core/errors.ts';
import { EXIT_ROUTES, type TailscalePrefs } from '../../src/lib/clients/tailscale-status.ts';
import { loadYamlFile } from '../../src/lib/core/yaml-data.ts';

const flagValue = z.union([z.boolean(), z.string(), z.array(z.string())]);
const settingsSchema = z.strictObject({
  host: z.string(),
  set: z.record(z.string(), flagValue),
  tags: z.array(z.string()).default([]),
});
export type RoutySettings = z.infer<typeof settingsSchema>;

export interface RoutyBundle {
  settingsFile: string;
  settings: RoutySettings;
  sysctl: { file: string; target: string; text: string; keys: Record<string, string> };
  policy: { file: string; text: string };
}

/**
 * Reads the bundled files configure-routy converges to, in the router's folder (manifests/<router>, named
 * after the inventory's subnet router); a schema problem is a DataFileError with file:line.
 */
export function loadRoutyBundle(root: string, router: string): RoutyBundle {
  const settingsFile = `manifests/${router}/tailscale-settings.yaml`;
  const { data: settings } = loadYamlFile(join(root, settingsFile), settingsSchema);
  for (const flag of Object.keys(settings.set)) {
    if (!(flag in SET_FLAGS)) {
      throw new InputError(
        `${settingsFile}: set.${flag}: configure-routy cannot read the current value of --${flag} back from the router; supported flags: ${Object.keys(SET_FLAGS).join(', ')}.`,
      );
    }
  }
  const sysctlFile = `manifests/${router}/99-tailscale.conf`;
  const sysctlText = readFileSync(join(root, sysctlFile), 'utf8');
  const policyFile = 'manifests/tailscale/policy.hujson';
  return {
    settingsFile,
    settings,
    sysctl: {
      file: sysctlFile,
      target: `/etc/sysctl.d/${basename(sysctlFile)}`,
      text: sysctlText,
      keys: parseSysctlConf(sysctlText),
    },
    policy: { file: policyFile, text: readFileSync(join(root, policyFile), 'utf8') },
  };
}

/** `key = value` lines of a sysctl.d file (comments and blanks skipped), in order. */
export function parseSysctlConf(text: string): Record<string, string> {
  const keys: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*-?([\w.\-/]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (m && !/^\s*[#;]/.test(line)) keys[m[1]] = m[2];
  }
  return keys;
}

/** Same file content, ignoring only a missing final newline. */
export function sameFileText(a: string | undefined, b: string): boolean {
  return a !== undefined && a.replace(/\n?$/, '\n') === b.replace(/\n?$/, '\n');
}

type FlagRead = (prefs: TailscalePrefs & Record<string, unknown>) => boolean | string[] | undefined;

const truthy = (v: unknown) => (v === true || v === 'true' ? true : v === false || v === 'false' ? false : undefined);
const not = (v: boolean | undefined) => (v === undefined ? undefined : !v);
const routesOf = (p: TailscalePrefs) => p.AdvertiseRoutes.filter((r) => !EXIT_ROUTES.includes(r)).sort();

/**
 * `tailscale set` flags and how to read each back from `tailscale debug prefs` (ipn.Prefs field names,
 * ipn/prefs.go, https://github.com/tailscale/tailscale/blob/v1.76.0/ipn/prefs.go). Opt-bools such as NoStatefulFiltering print as "true"/"false"/"" (unset = unknown, so set it).
 */
export const SET_FLAGS: Record<string, FlagRead> = {
  'advertise-routes': routesOf,
  'advertise-exit-node': (p) => EXIT_ROUTES.every((r) => p.AdvertiseRoutes.includes(r)),
  'accept-routes': (p) => truthy(p.RouteAll),
  'accept-dns': (p) => truthy(p.CorpDNS),
  'snat-subnet-routes': (p) => not(truthy(p.NoSNAT)),
  'stateful-filtering': (p) => not(truthy(p.NoStatefulFiltering)),
  ssh: (p) => truthy(p.RunSSH),
  'shields-up': (p) => truthy(p.ShieldsUp),
  webclient: (p) => truthy(p.RunWebClient),
};

export interface FlagDiff {
  flag: string;
  current: boolean | string[] | undefined;
  desired: boolean | string | string[];
}

const norm = (v: boolean | string | string[] | undefined) =>
  Array.isArray(v) ? [...v].sort().join(',') : typeof v === 'string' ? v.split(',').sort().join(',') : v;

/** The flags whose current value differs from the settings file (unknown counts as different). */
export function flagDiffs(settings: RoutySettings, prefs: TailscalePrefs): FlagDiff[] {
  return Object.entries(settings.set)
    .map(([flag, desired]) => ({
      flag,
      desired,
      current: SET_FLAGS[flag](prefs as TailscalePrefs & Record<string, unknown>),
    }))
    .filter((d) => norm(d.current) !== norm(d.desired));
}

/** `--flag=value` arguments for `tailscale set` (lists comma-joined, as the CLI takes them). */
export function setArgs(values: Record<string, boolean | string | string[] | undefined>): string[] {
  return Object.entries(values)
    .filter(([, v]) => v !== undefined)
    .map(([flag, v]) => `--${flag}=${Array.isArray(v) ? v.join(',') : String(v)}`);
}

/** `ethtool -k <if>` output: feature -> on/off (a trailing "[fixed]" means it cannot be changed). */
export function parseEthtoolFeatures(text: string): Record<string, { on: boolean; fixed: boolean }> {
  const features: Record<string, { on: boolean; fixed: boolean }> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([\w-]+):\s+(on|off)(\s+\[(?:requested \w+ )?fixed\])?/.exec(line);
    if (m) features[m[1]] = { on: m[2] === 'on', fixed: Boolean(m[3]) };
  }
  return features;
}

/**
 * What is wrong with UDP GRO forwarding on the LAN interface, with the fix, or undefined when it is right.
 * Tailscale wants rx-udp-gro-forwarding on and rx-gro-list off (kernel >= 6.2; netkernelconf_linux.go).
 */
export function groAdvice(
  iface: string,
  features: Record<string, { on: boolean; fixed: boolean }>,
): string | undefined {
  const fwd = features['rx-udp-gro-forwarding'];
  const list = features['rx-gro-list'];
  if (!fwd)
    return `${iface} has no rx-udp-gro-forwarding feature (kernel older than 6.2?): subnet routing works, with lower UDP throughput.`;
  if (fwd.on && !list?.on) return undefined;
  return (
    `UDP GRO forwarding is suboptimal on ${iface} (rx-udp-gro-forwarding ${fwd.on ? 'on' : 'off'}, rx-gro-list ${list?.on ? 'on' : 'off'}): ` +
    `fix with \`sudo ethtool -K ${iface} rx-udp-gro-forwarding on rx-gro-list off\` on the router; it does not survive a reboot, so persist it ` +
    'with a networkd-dispatcher hook (https://tailscale.com/docs/reference/best-practices/performance).'
  );
}
