import { describe, expect, test, vi } from 'vitest';
import type { Report } from '../../src/lib/harness/index.ts';
import {
  cluster,
  deploymentJson,
  gluetun,
  HOME_IP,
  probePods,
  probes,
  VPN_IP,
  type GluetunState,
} from '../fakes/kubectl.ts';
import { runRunbook, type Answer, type Rule } from '../fakes/run-runbook.ts';

vi.setConfig({ testTimeout: 120_000 });

const PORT = 51413 + 2;
const prefs = (listen_port: number) => ({
  listen_port,
  current_network_interface: 'tun0',
  random_port: false,
  upnp: false,
  bypass_local_auth: true,
  save_path: '/downloads',
  web_ui_port: 8080,
});

function scenario(o: { gluetun?: GluetunState; qb?: Answer; exit?: Answer; extra?: Rule[] } = {}) {
  return {
    rules: [
      ...(o.extra ?? []),
      ...cluster(),
      {
        tool: 'kubectl',
        match: ['get', 'deployment.apps', 'qbittorrent'],
        stdout: deploymentJson('qbittorrent', 'vpn-egress'),
      },
      ...gluetun('deploy/qbittorrent', { port: PORT, ...o.gluetun }),
      {
        tool: 'kubectl',
        match: ['exec', 'deploy/qbittorrent', '-c', 'gluetun', 'http://127.0.0.1:8080/api/v2/app/preferences'],
        ...(o.qb ?? { stdout: prefs(PORT) }),
      },
      {
        tool: 'kubectl',
        match: ['exec', 'deploy/qbittorrent', '-c', 'gluetun', 'https://api.ipify.org'],
        ...(o.exit ?? { stdout: `${VPN_IP}\n` }),
      },
      ...probes('qbittorrent'),
    ],
  };
}

describe('verify-qbittorrent.mjs', () => {
  test('happy path: VPN in Iceland, a forwarded port, qBittorrent listening on it, the exit not the home IP', async () => {
    const r = await runRunbook('verify-qbittorrent', ['--settle', '0', '--json'], {
      scenario: scenario(),
      subprocess: true,
    });
    expect(r.stderr).not.toContain('✗');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.steps.find((s) => s.id === 'verify')!.findings.map((f) => [f.check, f.ok])).toEqual([
      ['Deployment qbittorrent is available', true],
      ['gluetun reports the VPN running', true],
      ['exit country is Iceland', true],
      ['gluetun has a forwarded port', true],
      ['qBittorrent listens on the forwarded port', true],
      ["the pod's exit IP is not the home IP", true],
    ]);
    expect(report.facts).toEqual({ 'qbittorrent.forwardedPort': PORT, 'qbittorrent.exitIp': VPN_IP });
    expect(r.stdout + r.stderr).not.toContain(HOME_IP);
    const { started, deleted } = probePods(r.calls);
    expect(started).toHaveLength(1);
    expect(deleted).toEqual(started);
    // qBittorrent is asked from inside its own pod (localhost bypass), never through a Service.
    expect(r.calls.filter((c) => c.argv.some((a) => a.includes('/api/v2/'))).map((c) => c.argv.slice(2))).toEqual([
      [
        'exec',
        '-n',
        'vpn-egress',
        'deploy/qbittorrent',
        '-c',
        'gluetun',
        '--',
        'wget',
        '-nv',
        '-O-',
        '-T',
        '10',
        'http://127.0.0.1:8080/api/v2/app/preferences',
      ],
    ]);
  });

  test.each([
    [
      'port forwarding off (port 0)',
      { gluetun: { port: 0 } },
      /expected gluetun has a forwarded port: a non-zero port from \/v1\/portforward; found port 0\. Next: check VPN_PORT_FORWARDING=on/,
    ],
    [
      'qBittorrent on another port',
      { qb: { stdout: prefs(6881) } },
      new RegExp(
        `expected qBittorrent listens on the forwarded port: listen_port ${PORT} \\(the forwarded port\\); found listen_port 6881\\. Next: gluetun sets it through VPN_PORT_FORWARDING_UP_COMMAND`,
      ),
    ],
    ['the VPN not running', { gluetun: { status: 'crashed' } }, /found "crashed"/],
    [
      'the wrong country',
      { gluetun: { country: 'Netherlands' } },
      /expected exit country is Iceland: .*found "Netherlands"/,
    ],
    [
      'the home IP as the exit',
      { exit: { stdout: `${HOME_IP}\n` } },
      /expected the pod's exit IP is not the home IP: qBittorrent to leave through the VPN; found the pod leaves with \[home IP\]/,
    ],
    [
      'qBittorrent refusing localhost',
      {
        qb: {
          code: 8,
          stderr:
            'http://127.0.0.1:8080/api/v2/app/preferences:\n2026-11-30 10:00:00 ERROR 403: Forbidden.\ncommand terminated with exit code 8\n',
        },
      },
      /enable "Bypass authentication for clients on localhost"/,
    ],
  ])('%s: exit 1 with what was expected, found, and what to do', async (_, o, message) => {
    const r = await runRunbook('verify-qbittorrent', ['--settle', '0'], { scenario: scenario(o as never) });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/✗ verify-qbittorrent: step "verify"/);
    expect(r.stderr.replace(/\n/g, ' ')).toMatch(message);
    expect(r.stdout + r.stderr).not.toContain(HOME_IP);
    const { started, deleted } = probePods(r.calls);
    expect(deleted).toEqual(started);
  });

  test('--dry-run runs no command and lists what it would ask', async () => {
    const r = await runRunbook('verify-qbittorrent', ['--dry-run'], { scenario: scenario() });
    expect(r.code).toBe(0);
    expect(r.calls).toEqual([]);
    expect(r.stdout).toContain('sh /v1/portforward');
    expect(r.stdout).toContain('· would check: qBittorrent listens on the forwarded port');
  });

  test('a bad --settle is bad input (exit 2) before any command', async () => {
    const r = await runRunbook('verify-qbittorrent', ['--settle', 'soon'], { scenario: scenario(), subprocess: true });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/expected --settle in whole seconds \(0 or more\); found soon/);
    expect(r.calls).toEqual([]);
  });
});
