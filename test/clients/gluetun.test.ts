import { describe, expect, test } from 'vitest';
import type { CommandResult, RunOptions } from '../../src/lib/core/exec.ts';
import { apiKeyEnvOf, controlScript, explainWget, Gluetun, GluetunError } from '../../src/lib/clients/gluetun.ts';
import { Kube } from '../../src/lib/clients/kube.ts';
import { gluetunContainer, proxyTarget } from '../../src/lib/steps/vpn-proxy.ts';
import { loadInventory } from '../../src/lib/inventory/inventory.ts';

const target = { resource: 'deploy/vpn-proxy-iceland', namespace: 'vpn-egress', container: 'gluetun', port: 8000, apiKeyEnv: 'GLUETUN_CONTROL_APIKEY' };

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
    expect(controlScript('GLUETUN_CONTROL_APIKEY', 8000)).toBe('wget -qO- -T 10 --header "X-API-Key: $GLUETUN_CONTROL_APIKEY" "http://127.0.0.1:8000$1"');
    expect(controlScript(undefined, 8000)).toBe('wget -qO- -T 10 "http://127.0.0.1:8000$1"');
  });
  test('refuses a variable name that is not one (it is spliced into the script)', () => {
    expect(() => controlScript('X; rm -rf /', 8000)).toThrow(TypeError);
  });
});

describe('Gluetun', () => {
  test('GETs a control-server path as $1 of sh -c in the gluetun container', async () => {
    const { g, calls } = gluetunWith({ stdout: '{"status":"running"}\n' });
    expect(await g.vpnStatus()).toEqual({ status: 'running' });
    expect(calls[0].argv).toEqual(['kubectl', '--context', 'avalanche', 'exec', '-n', 'vpn-egress', 'deploy/vpn-proxy-iceland', '-c', 'gluetun', '--', 'sh', '-c', controlScript('GLUETUN_CONTROL_APIKEY', 8000), 'sh', '/v1/vpn/status']);
    expect(calls[0].opts?.mode).toBe('read');
  });
  test.each([
    ['v3.41.1 {"port":N}', '{"port":51415}', { port: 51415, ports: [51415] }],
    ['v3.41.2+ {"port":N,"ports":[N]}', '{"port":51415,"ports":[51415]}', { port: 51415, ports: [51415] }],
    ['no port {"port":0}', '{"port":0}', { port: 0, ports: [] }],
    ['several {"ports":[...]}', '{"ports":[40001,40002]}', { port: 40001, ports: [40001, 40002] }],
  ])('portForward() normalises %s', async (_, stdout, expected) => {
    expect(await gluetunWith({ stdout }).g.portForward()).toEqual(expected);
  });
  test('a refused key becomes a GluetunError naming the route and the fix', async () => {
    const err = await gluetunWith({ code: 1, stderr: 'wget: server returned error: HTTP/1.1 401 Unauthorized\ncommand terminated with exit code 1\n' }).g.publicIp().catch((e) => e);
    expect(err).toBeInstanceOf(GluetunError);
    expect(err.message).toBe('gluetun control server /v1/publicip/ip failed (exit 1: wget: server returned error: HTTP/1.1 401 Unauthorized); the API key was refused: the control-server Secret and HTTP_CONTROL_SERVER_AUTH_DEFAULT_ROLE disagree; re-run phase2-deploy-proxy.mjs.');
  });
  test('an answer that is not JSON is an error, not a crash', async () => {
    await expect(gluetunWith({ stdout: '<html>' }).g.vpnStatus()).rejects.toThrow(/not JSON/);
  });
});

describe('explainWget()', () => {
  test.each([
    ['wget: can\'t connect to remote host (127.0.0.1): Connection refused', /nothing listens there/],
    ['wget: download timed out', /VPN may be down/],
    ['error: unable to upgrade connection: container not found ("gluetun")', /could not exec into the container/],
  ])('explains %s', (stderr, hint) => {
    expect(explainWget('x', 1, stderr)).toMatch(hint);
  });
});

describe('apiKeyEnvOf()', () => {
  test('finds the control-server key variable in the bundled manifests (proxy and sidecar)', () => {
    const t = proxyTarget(loadInventory(), 'iceland');
    expect(t.gluetun.apiKeyEnv).toBe('GLUETUN_CONTROL_APIKEY');
    expect(apiKeyEnvOf(gluetunContainer(t.app.objects.find((o) => o.kind === 'Deployment')!))).toBe('GLUETUN_CONTROL_APIKEY');
    expect(apiKeyEnvOf({ env: [{ name: 'X' }] })).toBeUndefined();
  });
});
