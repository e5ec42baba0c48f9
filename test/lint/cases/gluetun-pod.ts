/**
 * gluetun rules on the pod (gluetun-pod.ts) and on how the container runs (gluetun-runtime.ts): the
 * control server's role, privileges and the TUN device, the restart trap and the memory limit.
 */
import { accept, addEnv, ICE, NL, QB, reject, setEnv, type Case } from '../cases.ts';

const D = `${ICE}deployment.yaml`;
const Q = `${QB}deployment.yaml`;
const ROLE = `'{"auth":"apikey","apikey":"$(GLUETUN_CONTROL_APIKEY)"}'`;
const HOOK = '"(ip rule del table 51820; ip -6 rule del table 51820) || true"';
const CAPS = 'add: [NET_ADMIN, MKNOD]';
const BLOCK_OFF = '            - name: BLOCK_MALICIOUS\n              value: "off"\n';

export const GLUETUN_POD_CASES: Case[] = [
  reject('gluetun/service-links', 'a Service named proxy with service links on', Q, (f) => {
    f.replace(Q, '      enableServiceLinks: false\n', '');
    f.replace(`${QB}service.yaml`, 'name: qbittorrent\n  namespace', 'name: proxy\n  namespace');
  }),
  accept('gluetun/service-links', 'a Service named proxy with service links off', (f) =>
    f.replace(`${QB}service.yaml`, 'name: qbittorrent\n  namespace', 'name: proxy\n  namespace'),
  ),
  reject('gluetun/port-not-listening', 'the proxy port with the proxy off', `${ICE}service.yaml`, (f) =>
    setEnv(f, D, 'HTTPPROXY', '"on"', '"off"'),
  ),
  accept('gluetun/port-not-listening', 'the proxy listening on every IPv4 address', (f) =>
    setEnv(f, D, 'HTTPPROXY_LISTENING_ADDRESS', '":8888"', '"0.0.0.0:8888"'),
  ),
  reject('gluetun/firewall-input-ports', 'the proxy port not in FIREWALL_INPUT_PORTS', `${ICE}service.yaml`, (f) =>
    setEnv(f, D, 'FIREWALL_INPUT_PORTS', '"8888"', '"9999"'),
  ),
  accept('gluetun/firewall-input-ports', 'another port opened beside the proxy port', (f) =>
    setEnv(f, D, 'FIREWALL_INPUT_PORTS', '"8888"', '"8888,9999"'),
  ),
  reject('gluetun/control-server-auth', 'no default role', D, (f) =>
    f.replace(D, '            - name: HTTP_CONTROL_SERVER_AUTH_DEFAULT_ROLE\n', '            - name: UNUSED_ROLE\n'),
  ),
  reject('gluetun/control-server-auth', 'auth none', D, (f) =>
    f.replace(D, ROLE, `'{"auth":"none","apikey":"$(GLUETUN_CONTROL_APIKEY)"}'`),
  ),
  reject(
    'gluetun/control-server-auth',
    'routes in the default role (decoded with DisallowUnknownFields)',
    D,
    (f) =>
      f.replace(D, ROLE, `'{"auth":"apikey","apikey":"$(GLUETUN_CONTROL_APIKEY)","routes":["GET /v1/publicip/ip"]}'`),
    /"routes" is an unknown field/,
  ),
  accept('gluetun/control-server-auth', 'a named role with capitalised keys (matched case-insensitively)', (f) =>
    f.replace(D, ROLE, `'{"Name":"runbooks","Auth":"apikey","APIKey":"$(GLUETUN_CONTROL_APIKEY)"}'`),
  ),
  accept('gluetun/control-server-auth', 'basic auth built from a Secret', (f) =>
    f.replace(D, ROLE, `'{"auth":"basic","username":"runbooks","password":"$(GLUETUN_CONTROL_APIKEY)"}'`),
  ),
  reject('gluetun/control-server-exposed', 'the control server on all interfaces with its port opened', D, (f) => {
    setEnv(f, D, 'HTTP_CONTROL_SERVER_ADDRESS', '"127.0.0.1:8000"', '":8000"');
    setEnv(f, D, 'FIREWALL_INPUT_PORTS', '"8888"', '"8888,8000"');
  }),
  reject(
    'gluetun/control-server-exposed',
    'the control server off loopback and a policy admitting every port',
    D,
    (f) => {
      setEnv(f, D, 'HTTP_CONTROL_SERVER_ADDRESS', '"127.0.0.1:8000"', '":8000"');
      f.replace(`${ICE}networkpolicy.yaml`, '      ports:\n        - protocol: TCP\n          port: 8888\n', '');
    },
  ),
  accept('gluetun/control-server-exposed', 'the control server off loopback, closed by the NetworkPolicy', (f) =>
    setEnv(f, D, 'HTTP_CONTROL_SERVER_ADDRESS', '"127.0.0.1:8000"', '":8000"'),
  ),
  reject('gluetun/net-admin', 'no NET_ADMIN and not privileged', D, (f) => f.replace(D, CAPS, 'add: [MKNOD]')),
  accept('gluetun/net-admin', "privileged without capabilities (an old runtime's way)", (f) =>
    f.replace(D, CAPS, 'add: []\n            privileged: true'),
  ),
  reject(
    'gluetun/tun',
    'NET_ADMIN alone',
    D,
    (f) => f.replace(D, CAPS, 'add: [NET_ADMIN]'),
    /cannot open or create \/dev\/net\/tun/,
  ),
  reject(
    'gluetun/tun',
    'a bare hostPath /dev/net/tun mount, which runc 1.2.0 to 1.2.3 deny',
    D,
    (f) => {
      f.replace(D, CAPS, 'add: [NET_ADMIN]');
      f.replace(
        D,
        '          ports:\n            - name: http-proxy',
        '          volumeMounts:\n            - name: tun\n              mountPath: /dev/net/tun\n          ports:\n            - name: http-proxy',
      );
      f.replace(
        D,
        '      automountServiceAccountToken: false\n',
        '      automountServiceAccountToken: false\n      volumes:\n        - name: tun\n          hostPath:\n            path: /dev/net/tun\n            type: CharDevice\n',
      );
    },
    /hostPath \/dev\/net\/tun mount does not get past the device cgroup/,
  ),
  accept('gluetun/tun', 'a TUN device-plugin resource instead of MKNOD', (f) => {
    f.replace(D, CAPS, 'add: [NET_ADMIN]');
    f.replace(
      D,
      '            limits:\n              memory: 256Mi',
      '            limits:\n              memory: 256Mi\n              squat.ai/tun: 1',
    );
  }),
  reject('gluetun/native-sidecar', 'gluetun in initContainers without restartPolicy', Q, (f) =>
    f.replace(Q, '          restartPolicy: Always\n', ''),
  ),
  accept('gluetun/native-sidecar', 'the sidecar with a readiness probe too', (f) =>
    f.replace(
      Q,
      '          livenessProbe:\n',
      '          readinessProbe:\n            exec:\n              command: [/gluetun-entrypoint, healthcheck]\n            periodSeconds: 30\n          livenessProbe:\n',
    ),
  ),
  reject('gluetun/health-probe', 'no probe on the health server', `${NL}deployment.yaml`, (f) =>
    f.replace(`${NL}deployment.yaml`, '[/gluetun-entrypoint, healthcheck]', '[/bin/true]', true),
  ),
  accept('gluetun/health-probe', 'only the startup probe on the health server', (f) =>
    f.replace(
      `${NL}deployment.yaml`,
      '          readinessProbe:\n            exec:\n              command: [/gluetun-entrypoint, healthcheck]',
      '          readinessProbe:\n            exec:\n              command: [/bin/true]',
    ),
  ),
  reject('gluetun/liveness-probe', 'a tight liveness probe', D, (f) =>
    f.replace(D, '            periodSeconds: 60', '            periodSeconds: 10'),
  ),
  accept('gluetun/liveness-probe', 'a liveness probe allowing 150 s', (f) =>
    f.replace(D, '            periodSeconds: 60', '            periodSeconds: 30'),
  ),
  reject(
    'gluetun/restart-trap',
    'no postStart cleanup',
    D,
    (f) =>
      f.replace(
        D,
        `          lifecycle:\n            postStart:\n              exec:\n                command: [/bin/sh, -c, ${HOOK}]\n`,
        '',
      ),
    /no postStart cleanup/,
  ),
  reject(
    'gluetun/restart-trap',
    'a cleanup that fails when there is no rule',
    D,
    (f) => f.replace(D, HOOK, '"ip rule del table 51820; ip -6 rule del table 51820"'),
    /can fail/,
  ),
  reject(
    'gluetun/restart-trap',
    'a rolling update',
    D,
    (f) => f.replace(D, 'type: Recreate', 'type: RollingUpdate'),
    /strategy RollingUpdate/,
  ),
  accept('gluetun/restart-trap', 'a cleanup ending in "; true"', (f) =>
    f.replace(D, HOOK, '"ip rule del table 51820; ip -6 rule del table 51820; true"'),
  ),
  reject(
    'gluetun/memory-limit',
    'BLOCK_MALICIOUS back on with 256Mi',
    D,
    (f) => f.replace(D, BLOCK_OFF, ''),
    /below 372Mi/,
  ),
  reject('gluetun/memory-limit', '64Mi with the block lists off', D, (f) =>
    f.replace(D, '            limits:\n              memory: 256Mi', '            limits:\n              memory: 64Mi'),
  ),
  accept('gluetun/memory-limit', 'BLOCK_MALICIOUS on with 512Mi', (f) => {
    f.replace(D, BLOCK_OFF, '');
    f.replace(
      D,
      '            limits:\n              memory: 256Mi',
      '            limits:\n              memory: 512Mi',
    );
  }),
  accept('gluetun/memory-limit', '128Mi with the block lists and BLOCK_SURVEILLANCE off', (f) => {
    addEnv(f, D, 'BLOCK_SURVEILLANCE', 'off');
    f.replace(
      D,
      '            limits:\n              memory: 256Mi',
      '            limits:\n              memory: 128Mi',
    );
  }),
];
