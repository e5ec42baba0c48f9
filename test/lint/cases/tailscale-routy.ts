/**
 * Tailnet policy rules (tailscale.ts) and routy's rules (routy.ts): a policy or setting Tailscale refuses or
 * that breaks routing, and a valid one near it (defaultSrcPosture, attrConfig and IPv6 routes among them).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_ROOT } from '../../../src/lib/inventory/manifests.ts';
import { accept, addIPv6Route, LAN, lanHost, POLICY, reject, ROUTY, WIDER_LAN, type Case } from '../cases.ts';
import type { Fixture } from '../fixture.ts';

/** The policy test's LAN addresses (a service on 443, the router on 22), as the bundled policy writes them. */
const LAN_TESTS =
  /"[\d.]+:443", "[\d.]+:22"/.exec(readFileSync(join(DEFAULT_ROOT, POLICY), 'utf8'))?.[0] ??
  '(no LAN test in the policy)';
const SETTINGS = `${ROUTY}tailscale-settings.yaml`;
const SYSCTL = `${ROUTY}99-tailscale.conf`;
const exitNodesAllowed = (f: Fixture) => {
  f.inventory.tailnet.exit_nodes = true;
};

export const TAILSCALE_ROUTY_CASES: Case[] = [
  reject('tailscale/parse', 'a missing bracket', POLICY, (f) =>
    f.replace(POLICY, '"tag:router": ["autogroup:admin"],', '"tag:router": ["autogroup:admin",'),
  ),
  accept('tailscale/parse', 'a block comment and trailing commas (HuJSON)', (f) =>
    f.replace(POLICY, '"tagOwners": {', '/* who may tag */ "tagOwners": {'),
  ),
  reject('tailscale/unknown-key', 'a misspelled section', POLICY, (f) =>
    f.replace(POLICY, '"tagOwners": {', '"aclz": [],\n  "tagOwners": {'),
  ),
  accept('tailscale/unknown-key', 'defaultSrcPosture', (f) =>
    f.replace(POLICY, '"tagOwners": {', '"defaultSrcPosture": [],\n  "tagOwners": {'),
  ),
  accept('tailscale/unknown-key', 'attrConfig', (f) =>
    f.replace(POLICY, '"tagOwners": {', '"attrConfig": {},\n  "tagOwners": {'),
  ),
  reject('tailscale/tag-owner', 'a tag nobody owns', POLICY, (f) =>
    f.replace(POLICY, '"tag:router": ["autogroup:admin"]', '"tag:routers": ["autogroup:admin"]'),
  ),
  accept('tailscale/tag-owner', 'a second tag with its owner', (f) =>
    f.replace(
      POLICY,
      '"tag:router": ["autogroup:admin"],',
      '"tag:router": ["autogroup:admin"],\n    "tag:server": ["group:operators"],',
    ),
  ),
  reject('tailscale/undefined-name', 'an undefined host alias', POLICY, (f) =>
    f.replace(POLICY, '"dst": ["home-lan"]', '"dst": ["home-lans"]'),
  ),
  reject('tailscale/undefined-name', 'an undefined group', POLICY, (f) =>
    f.replace(POLICY, '"src": ["group:operators"]', '"src": ["group:admins"]'),
  ),
  accept('tailscale/undefined-name', 'a new host alias, defined and granted', (f) => {
    f.replace(POLICY, '"hosts": {', `"hosts": {\n    "nas": "${lanHost(20)}",`);
    f.replace(POLICY, '"dst": ["tag:router"],', '"dst": ["tag:router", "nas"],');
  }),
  reject('tailscale/auto-approver-route', 'a wider approved route', POLICY, (f) =>
    f.replace(POLICY, `"${LAN}": ["tag:router"]`, `"${WIDER_LAN}": ["tag:router"]`),
  ),
  reject('tailscale/auto-approver-route', 'the route approved for a user, not the router tag', POLICY, (f) =>
    f.replace(POLICY, `"${LAN}": ["tag:router"]`, `"${LAN}": ["operator@example.com"]`),
  ),
  reject(
    'tailscale/auto-approver-route',
    'a route with host bits set',
    POLICY,
    (f) =>
      f.replace(
        POLICY,
        `"${LAN}": ["tag:router"],`,
        `"${LAN}": ["tag:router"],\n      "fd00:a:1::1/64": ["tag:router"],`,
      ),
    /host bits/,
  ),
  accept('tailscale/auto-approver-route', 'an IPv6 route approved, advertised and forwarded', (f) => addIPv6Route(f)),
  reject('tailscale/exit-node-approver', 'an exit-node auto-approver', POLICY, (f) =>
    f.replace(POLICY, '"routes": {', '"exitNode": ["tag:router"],\n    "routes": {'),
  ),
  accept('tailscale/exit-node-approver', 'an exit-node auto-approver where the inventory allows exit nodes', (f) => {
    exitNodesAllowed(f);
    f.replace(POLICY, '"routes": {', '"exitNode": ["tag:router"],\n    "routes": {');
  }),
  reject('tailscale/internet-grant', 'a grant to autogroup:internet', POLICY, (f) =>
    f.replace(
      POLICY,
      '"grants": [',
      '"grants": [\n    { "src": ["autogroup:member"], "dst": ["autogroup:internet"], "ip": ["*"] },',
    ),
  ),
  accept('tailscale/internet-grant', 'a grant to autogroup:internet where the inventory allows exit nodes', (f) => {
    exitNodesAllowed(f);
    f.replace(
      POLICY,
      '"tag:router": ["autogroup:admin"],',
      '"tag:router": ["autogroup:admin"],\n    "tag:traveller": ["group:operators"],',
    );
    f.replace(
      POLICY,
      '"grants": [',
      '"grants": [\n    { "src": ["tag:traveller"], "dst": ["autogroup:internet"], "ip": ["*"] },',
    );
  }),
  reject('tailscale/test-format', 'a CIDR in a test', POLICY, (f) =>
    f.replace(POLICY, LAN_TESTS, LAN_TESTS.replace(/"[\d.]+:443"/, `"${LAN}:443"`)),
  ),
  accept('tailscale/test-format', 'another single LAN address in a test', (f) =>
    f.replace(POLICY, LAN_TESTS, LAN_TESTS.replace(/(:443", )/, `$1"${lanHost(20)}:8080", `)),
  ),
  reject('tailscale/test-failed', 'a grant change that cuts members off the LAN', POLICY, (f) =>
    f.replace(POLICY, '"dst": ["home-lan"]', '"dst": ["lan-dns"]'),
  ),
  reject('tailscale/test-failed', 'routy reachable on every port of its tailnet address', POLICY, (f) =>
    f.replace(POLICY, '"ip": ["tcp:22"]', '"ip": ["*"]'),
  ),
  accept('tailscale/test-failed', 'the LAN grant narrowed to what the tests need', (f) =>
    f.replace(
      POLICY,
      '"dst": ["home-lan"],\n      "ip": ["*"],',
      '"dst": ["home-lan"],\n      "ip": ["tcp:443", "tcp:22", "tcp:53", "udp:53"],',
    ),
  ),
  reject('tailscale/test-unsupported', 'a grant with via', POLICY, (f) =>
    f.replace(POLICY, '"dst": ["autogroup:self"],', '"dst": ["autogroup:self"],\n      "via": ["tag:router"],'),
  ),
  accept('tailscale/test-unsupported', 'a legacy acls rule the evaluator models', (f) =>
    f.replace(
      POLICY,
      '"grants": [',
      '"acls": [\n    { "action": "accept", "src": ["group:operators"], "dst": ["tag:router:443"] },\n  ],\n  "grants": [',
    ),
  ),
  // routy
  reject('routy/sysctl', 'forwarding off', SYSCTL, (f) =>
    f.replace(SYSCTL, 'net.ipv4.ip_forward = 1', 'net.ipv4.ip_forward = 0'),
  ),
  reject(
    'routy/sysctl',
    'IPv6 forwarding on without accept_ra = 2',
    SYSCTL,
    (f) => f.append(SYSCTL, 'net.ipv6.conf.all.forwarding = 1\n'),
    /accept_ra/,
  ),
  reject(
    'routy/sysctl',
    'an IPv6 route without IPv6 forwarding',
    SYSCTL,
    (f) => {
      addIPv6Route(f);
      f.replace(SYSCTL, '\nnet.ipv6.conf.all.forwarding = 1\n', '\n');
    },
    /advertises an IPv6 route/,
  ),
  accept('routy/sysctl', 'IPv4 forwarding written with slashes', (f) =>
    f.replace(SYSCTL, 'net.ipv4.ip_forward = 1', 'net/ipv4/ip_forward = 1'),
  ),
  accept('routy/sysctl', 'an IPv6 route with forwarding and accept_ra = 2', (f) => addIPv6Route(f)),
  reject('routy/settings-file', 'an extra top-level key', SETTINGS, (f) => f.append(SETTINGS, 'flags: {}\n')),
  accept('routy/settings-file', 'tags as a block list', (f) =>
    f.replace(SETTINGS, 'tags: [tag:router]', 'tags:\n  - tag:router'),
  ),
  reject('routy/unknown-flag', 'a misspelled flag', SETTINGS, (f) =>
    f.replace(SETTINGS, '  ssh: false', '  sshd: false'),
  ),
  reject('routy/unknown-flag', 'advertise-tags as a set flag', SETTINGS, (f) =>
    f.replace(SETTINGS, '  ssh: false', '  ssh: false\n  advertise-tags: [tag:router]'),
  ),
  accept('routy/unknown-flag', 'webclient, a real set flag', (f) =>
    f.replace(SETTINGS, '  ssh: false', '  ssh: false\n  webclient: false'),
  ),
  reject('routy/flag-value', 'a string for a boolean flag', SETTINGS, (f) =>
    f.replace(SETTINGS, '  ssh: false', '  ssh: "no"'),
  ),
  reject(
    'routy/flag-value',
    'a route with host bits set',
    SETTINGS,
    (f) => f.replace(SETTINGS, `advertise-routes: [${LAN}]`, `advertise-routes: [${lanHost(1)}/${LAN.split('/')[1]}]`),
    new RegExp(`non-address bits set; expected ${LAN.replace(/[./]/g, '\\$&')}`),
  ),
  accept('routy/flag-value', 'netfilter-mode nodivert', (f) =>
    f.replace(SETTINGS, '  ssh: false', '  ssh: false\n  netfilter-mode: nodivert'),
  ),
  reject('routy/advertise-routes', 'a route other than the LAN', SETTINGS, (f) =>
    f.replace(SETTINGS, `advertise-routes: [${LAN}]`, `advertise-routes: [${WIDER_LAN}]`),
  ),
  accept('routy/advertise-routes', 'IPv6 routes on routy', (f) => addIPv6Route(f)),
  reject('routy/exit-node', 'an exit node advertised', SETTINGS, (f) =>
    f.replace(SETTINGS, 'advertise-exit-node: false', 'advertise-exit-node: true'),
  ),
  accept('routy/exit-node', 'an exit node where the inventory allows them', (f) => {
    exitNodesAllowed(f);
    f.replace(SETTINGS, 'advertise-exit-node: false', 'advertise-exit-node: true');
  }),
  reject('routy/accept-routes', 'accept-routes on', SETTINGS, (f) =>
    f.replace(SETTINGS, 'accept-routes: false', 'accept-routes: true'),
  ),
  accept('routy/accept-routes', 'accept-routes as YAML 1.2 False', (f) =>
    f.replace(SETTINGS, 'accept-routes: false', 'accept-routes: False'),
  ),
  reject('routy/tags', 'a tag the inventory does not give routy', SETTINGS, (f) =>
    f.replace(SETTINGS, 'tags: [tag:router]', 'tags: [tag:gateway]'),
  ),
  accept('routy/tags', 'a second tag in both the inventory and the settings', (f) => {
    f.inventory.tailnet.hosts.find((h) => h.role === 'subnet-router')!.tags = ['tag:router', 'tag:gateway'];
    f.replace(SETTINGS, 'tags: [tag:router]', 'tags: [tag:gateway, tag:router]');
  }),
  reject('routy/snat', 'SNAT off', SETTINGS, (f) =>
    f.replace(SETTINGS, 'snat-subnet-routes: true', 'snat-subnet-routes: false'),
  ),
  accept('routy/snat', 'SNAT left to its default (on)', (f) => f.replace(SETTINGS, '  snat-subnet-routes: true\n', '')),
];
