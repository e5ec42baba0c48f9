import { describe, expect, test } from 'vitest';
import type { CommandResult, RunOptions } from '../../src/lib/core/exec.ts';
import {
  apiKeyEnvOf,
  controlScript,
  explainWget,
  Gluetun,
  GluetunError,
  wgetHttpStatus,
} from '../../src/lib/clients/gluetun.ts';
import { Kube } from '../../src/lib/clients/kube.ts';
import { gluetunContainer, proxyRegions, proxyTarget } from '../../src/lib/steps/vpn-proxy.ts';
import { DEFAULT_ROOT } from '../../src/lib/inventory/manifests.ts';
import { loadInventory } from '../../src/lib/inventory/inventory.ts';

const target = {
  resource: 'deploy/vpn-proxy-iceland',
  namespace: 'vpn-egress',
  container: 'gluetun',
  port: 8000,
  apiKeyEnv: 'GLUETUN_CONTROL_APIKEY',
};

function gluetunWith(answer: Partial<CommandResult>) {
  const calls: Array<{ argv: string[]; opts?: RunOptions }> = [];
  const run = async (argv: string[], opts?: RunOptions): Promise<CommandResult> => {
    calls.push({ argv, opts });
    return { argv, code: 0, stdout: '', stderr: '', durationMs: 0, ran: true, ...answer };
  };
  return { g: new Gluetun(new Kube(run, 'avalanche', 'm'), target), calls };
}

describe('controlScript()', () => {
  test('reads the API key from the container environment: nothing secret in our argv', () => {
    expect(controlScript('GLUETUN_CONTROL_APIKEY', 8000)).toBe(
      'wget -nv -O- -T 10 --header "X-API-Key: $GLUETUN_CONTROL_APIKEY" "http://127.0.0.1:8000$1"',
    );
    expect(controlScript(undefined, 8000)).toBe('wget -nv -O- -T 10 "http://127.0.0.1:8000$1"');
  });
  test('refuses a variable name that is not one (it is spliced into the script)', () => {
    expect(() => controlScript('X; rm -rf /', 8000)).toThrow(TypeError);
  });
});

describe('Gluetun', () => {
  test('GETs a control-server path as $1 of sh -c in the gluetun container', async () => {
    const { g, calls } = gluetunWith({ stdout: '{"status":"running"}\n' });
    expect(await g.vpnStatus()).toEqual({ status: 'running' });
    expect(calls[0].argv).toEqual([
      'kubectl',
      '--context',
      'avalanche',
      'exec',
      '-n',
      'vpn-egress',
      'deploy/vpn-proxy-iceland',
      '-c',
      'gluetun',
      '--',
      'sh',
      '-c',
      controlScript('GLUETUN_CONTROL_APIKEY', 8000),
      'sh',
      '/v1/vpn/status',
    ]);
    expect(calls[0].opts?.mode).toBe('read');
  });
  test.each([
    ['v3.41.1 {"port":N}', '{"port":51415}', { port: 51415, ports: [51415] }],
    [
      'passteque/gluetun v3.41.2+ {"port":N,"ports":[N]}',
      '{"port":51415,"ports":[51415]}',
      { port: 51415, ports: [51415] },
    ],
    ['no port {"port":0}', '{"port":0}', { port: 0, ports: [] }],
    ['several {"ports":[...]}', '{"ports":[40001,40002]}', { port: 40001, ports: [40001, 40002] }],
  ])('portForward() normalises %s', async (_, stdout, expected) => {
    expect(await gluetunWith({ stdout }).g.portForward()).toEqual(expected);
  });
  test('a refused key (GNU wget: exit 6, one line) becomes a GluetunError naming the route and the fix', async () => {
    const err = await gluetunWith({
      code: 6,
      stderr: 'Username/Password Authentication Failed.\ncommand terminated with exit code 6\n',
    })
      .g.publicIp()
      .catch((e) => e);
    expect(err).toBeInstanceOf(GluetunError);
    expect(err.message).toBe(
      'gluetun control server /v1/publicip/ip failed (exit 6: Username/Password Authentication Failed.); the API key was refused: the control-server Secret and HTTP_CONTROL_SERVER_AUTH_DEFAULT_ROLE disagree; re-run phase2-deploy-proxy.mjs.',
    );
  });
  test('the key is refused even when wget prints nothing: the exit code says 401', async () => {
    const err = await gluetunWith({ code: 6, stderr: 'command terminated with exit code 6\n' })
      .g.vpnStatus()
      .catch((e) => e);
    expect(err.message).toMatch(/exit 6: no message\); the API key was refused/);
  });
  test('an answer that is not JSON is an error, not a crash', async () => {
    await expect(gluetunWith({ stdout: '<html>' }).g.vpnStatus()).rejects.toThrow(/not JSON/);
  });
});

describe('explainWget()', () => {
  // GNU wget's real output (GNU Wget 1.21.3 against a server on 127.0.0.1), then kubectl's line.
  test.each([
    [
      4,
      'failed: Connection refused.\ncommand terminated with exit code 4\n',
      /\(exit 4: failed: Connection refused\.\); nothing listens there/,
    ],
    [4, 'failed: Connection timed out.\n', /VPN may be down/],
    [
      8,
      'http://127.0.0.1:8000/v1/vpn/status:\n2026-11-30 15:17:42 ERROR 404: Not Found.\n',
      /\(exit 8: ERROR 404: Not Found\.\); the server answered HTTP 404/,
    ],
    [
      8,
      'http://127.0.0.1:8080/api/v2/app/preferences:\n2026-11-30 15:17:42 ERROR 403: Forbidden.\n',
      /refused the request \(403\)/,
    ],
    [1, 'error: unable to upgrade connection: container not found ("gluetun")', /could not exec into the container/],
  ])('explains exit %i: %j', (code, stderr, hint) => {
    expect(explainWget('x', code, stderr)).toMatch(hint);
  });
  test.each([
    [6, '', 401],
    [8, '2026-11-30 15:17:42 ERROR 403: Forbidden.', 403],
    [4, 'failed: Connection refused.', undefined],
  ])('wgetHttpStatus(%i, %j) is %s', (code, stderr, status) => {
    expect(wgetHttpStatus(code, stderr)).toBe(status);
  });
});

describe('apiKeyEnvOf()', () => {
  test('finds the control-server key variable in the bundled manifests (proxy and sidecar)', () => {
    const inv = loadInventory();
    const t = proxyTarget(inv, proxyRegions(inv)[0]!, DEFAULT_ROOT);
    expect(t.gluetun.apiKeyEnv).toBe('GLUETUN_CONTROL_APIKEY');
    expect(apiKeyEnvOf(gluetunContainer(t.app.objects.find((o) => o.kind === 'Deployment')!))).toBe(
      'GLUETUN_CONTROL_APIKEY',
    );
    expect(apiKeyEnvOf({ env: [{ name: 'X' }] })).toBeUndefined();
  });
});
