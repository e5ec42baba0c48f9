/**
 * Lint rule fixtures in both directions. A `reject` case is a config the real tool refuses (or that breaks
 * at run time) which the rule must catch, at the right file; an `accept` case is a valid config near it
 * which the rule must let through, with no other finding than the ones it names in `allow` (an edit that
 * changes a provider also changes what the inventory says, for example). Each case edits a throwaway copy
 * of the bundled manifests and inventory (fixture.ts). test/lint/rules.test.ts fails when a rule lacks a
 * case in either direction.
 */
import { expect } from 'vitest';
import { parseCidr } from '../../src/lib/core/net.ts';
import { hostAddress } from '../../src/lib/inventory/derive.ts';
import { sidecarOf, workloadOf } from '../../src/lib/inventory/facts.ts';
import { DEFAULT_INVENTORY, loadInventory, sharedProxies, subnetRouter } from '../../src/lib/inventory/inventory.ts';
import { lint, type Finding } from '../../src/lib/lint/index.ts';
import { bundledCopy, type Fixture } from './fixture.ts';

export interface Case {
  rule: string;
  expect: 'reject' | 'accept';
  what: string;
  /** reject: the file the finding must be reported in. */
  file?: string;
  edit: (f: Fixture) => void;
  /** reject: a finding of the rule must match it (the reason, not only the rule). */
  match?: RegExp;
  /** accept: other rules the edit may legitimately trip. */
  allow?: string[];
}

export const reject = (rule: string, what: string, file: string, edit: (f: Fixture) => void, match?: RegExp): Case => ({
  rule,
  expect: 'reject',
  what,
  file,
  edit,
  match,
});
export const accept = (rule: string, what: string, edit: (f: Fixture) => void, allow: string[] = []): Case => ({
  rule,
  expect: 'accept',
  what,
  edit,
  allow,
});

// The folders and facts the cases edit, from the bundled inventory: a correct change to the network (a
// region, the LAN, the bot's proxy) changes the cases with it instead of breaking them.
export const INV = loadInventory(DEFAULT_INVENTORY);
/** The first and second shared proxies (the same one when there is only one). */
export const FIRST = sharedProxies(INV)[0];
export const SECOND = sharedProxies(INV)[1] ?? FIRST;
export const BOT = workloadOf(INV, 'irc-bot')!;
export const LAN = INV.lan.subnet;
export const DNS = INV.lan.dns_server;
/** An address of the LAN other than the DNS server, and a range that contains the LAN. */
export const lanHost = (n: number) => hostAddress(LAN, n);
export const WIDER_LAN = (() => {
  const bits = Math.max(parseCidr(LAN)!.bits - 8, 8);
  const [a, b] = LAN.split('.').map(Number);
  return bits <= 8
    ? `${a}.0.0.0/8`
    : bits <= 16
      ? `${a}.${b}.0.0/16`
      : `${LAN.split('.').slice(0, 3).join('.')}.0/${bits}`;
})();
export const ICE = `manifests/${FIRST.name}/`;
export const NL = `manifests/${SECOND.name}/`;
export const QB = `manifests/${sidecarOf(INV, 'torrent')!.name}/`;
export const MAR = `manifests/${BOT.name}/`;
export const ROUTY = `manifests/${subnetRouter(INV).name}/`;
export const POLICY = 'manifests/tailscale/policy.hujson';

const VPN_TYPE = '            - name: VPN_TYPE\n              value: wireguard\n';
/** Adds a literal env var to the gluetun container of a deployment (after VPN_TYPE). */
export const addEnv = (f: Fixture, file: string, name: string, value: string) =>
  f.replace(file, VPN_TYPE, `${VPN_TYPE}            - name: ${name}\n              value: ${JSON.stringify(value)}\n`);

/** Replaces the value of an env var given as `name: X\n  value: <old>` in a deployment. */
export const setEnv = (f: Fixture, file: string, name: string, from: string, to: string) =>
  f.replace(file, `- name: ${name}\n              value: ${from}`, `- name: ${name}\n              value: ${to}`);

/** Replaces the whole value of the qbittorrent up command (a folded scalar of several lines). */
export function setUpCommand(f: Fixture, command: string): void {
  const file = `${QB}deployment.yaml`;
  const text = f.read(file);
  const start = text.indexOf('            - name: VPN_PORT_FORWARDING_UP_COMMAND\n');
  const end = text.indexOf('            # Works around a qBittorrent bug');
  if (start < 0 || end < 0) throw new Error('fixture edit: the up command is not where expected');
  f.write(
    file,
    `${text.slice(0, start)}            - name: VPN_PORT_FORWARDING_UP_COMMAND\n              value: ${JSON.stringify(command)}\n${text.slice(end)}`,
  );
}

/** Replaces a text in every bundled manifest file that contains it (for facts repeated across apps). */
export function replaceEverywhere(f: Fixture, from: string, to: string): void {
  let found = false;
  for (const file of f.files()) {
    if (f.read(file).includes(from)) {
      f.replace(file, from, to, true);
      found = true;
    }
  }
  if (!found) throw new Error(`fixture edit: no manifest contains ${JSON.stringify(from)}`);
}

/** Advertises an IPv6 route too, consistently: inventory, routy's flags, the sysctl pair and the auto-approver. */
export function addIPv6Route(f: Fixture, route = 'fd00:a:1::/64'): void {
  const router = f.inventory.tailnet.hosts.find((h) => h.role === 'subnet-router')!;
  router.advertise_routes = [...(router.advertise_routes ?? []), route];
  f.replace(`${ROUTY}tailscale-settings.yaml`, `advertise-routes: [${LAN}]`, `advertise-routes: [${LAN}, "${route}"]`);
  f.append(
    `${ROUTY}99-tailscale.conf`,
    `net.ipv6.conf.all.forwarding = 1\nnet.ipv6.conf.${router.lan_interface}.accept_ra = 2\n`,
  );
  f.replace(POLICY, `"${LAN}": ["tag:router"],`, `"${LAN}": ["tag:router"],\n      "${route}": ["tag:router"],`);
}

const show = (findings: Finding[]) =>
  findings.map((x) => `${x.file}:${x.line}: ${x.rule}: ${x.message}`).join('\n') || '(none)';

export async function runCase(c: Case): Promise<void> {
  const f = bundledCopy();
  try {
    c.edit(f);
    const { findings } = await lint({
      root: f.root,
      inventory: f.inventory,
      inventoryFile: `${f.root}/src/data/network.yaml`,
    });
    const hits = findings.filter((x) => x.rule === c.rule);
    if (c.expect === 'reject') {
      expect(hits, `findings were:\n${show(findings)}`).not.toEqual([]);
      expect(hits.map((h) => h.file)).toContain(c.file);
      if (c.match)
        expect(
          hits.map((h) => h.message),
          `findings were:\n${show(findings)}`,
        ).toContainEqual(expect.stringMatching(c.match));
      for (const h of hits) {
        expect(h.line).toBeGreaterThan(0);
        expect(h.message.length).toBeGreaterThan(20);
      }
    } else {
      // Editing a generated file (a shared proxy's) stands for the same edit in its template: the other
      // rules judge the result; inventory/generated, which would object to any hand edit, has its own cases.
      const allowed = [...(c.allow ?? []), ...(c.rule === 'inventory/generated' ? [] : ['inventory/generated'])];
      const unexpected = findings.filter((x) => !allowed.includes(x.rule));
      expect(unexpected, `findings were:\n${show(findings)}`).toEqual([]);
      expect(hits).toEqual([]);
    }
  } finally {
    f.cleanup();
  }
}
