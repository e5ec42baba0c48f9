/**
 * Every lint rule, broken once: each case copies the bundled manifests to a temp dir, applies one edit
 * (or changes one inventory fact) and expects the rule to fire at the right file. The unedited copy is the
 * passing fixture for every rule: it must produce zero findings. A rule without a case fails the suite.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { lint, RULES, type Finding } from '../../src/lib/lint/index.ts';
import { FACT_CASES, factCaseFile } from './facts-cases.ts';
import { bundledCopy, type Fixture } from './fixture.ts';

const ICE = 'manifests/vpn-proxy-iceland/';
const NL = 'manifests/vpn-proxy-netherlands/';
const QB = 'manifests/qbittorrent/';
const MAR = 'manifests/marmithon/';
const ROUTY = 'manifests/routy/';
const POLICY = 'manifests/tailscale/policy.hujson';

const VPN_TYPE = '            - name: VPN_TYPE\n              value: wireguard\n';
/** Adds a literal env var to the gluetun container of a deployment (after VPN_TYPE). */
const addEnv = (f: Fixture, file: string, name: string, value: string) =>
  f.replace(file, VPN_TYPE, `${VPN_TYPE}            - name: ${name}\n              value: ${JSON.stringify(value)}\n`);

interface Case {
  rule: string;
  what: string;
  file: string;
  edit: (f: Fixture) => void;
}

const cases: Case[] = [
  // Kubernetes, per object and file
  { rule: 'k8s/yaml', what: 'a YAML syntax error', file: `${QB}service.yaml`, edit: (f) => f.replace(`${QB}service.yaml`, '  type: ClusterIP', '  type: ClusterIP\n  bad: [') },
  { rule: 'k8s/kustomization', what: 'an unsupported kustomization field', file: `${ICE}kustomization.yaml`, edit: (f) => f.append(`${ICE}kustomization.yaml`, 'namePrefix: x-\n') },
  { rule: 'k8s/kustomization', what: 'a manifest file not listed in resources', file: `${MAR}kustomization.yaml`, edit: (f) => f.write(`${MAR}configmap.yaml`, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n') },
  { rule: 'k8s/kustomization', what: 'a resource that does not exist', file: `${MAR}kustomization.yaml`, edit: (f) => f.remove(`${MAR}networkpolicy.yaml`) },
  { rule: 'k8s/schema', what: 'replicas as a string', file: `${ICE}deployment.yaml`, edit: (f) => f.replace(`${ICE}deployment.yaml`, 'replicas: 1', 'replicas: "one"') },
  { rule: 'k8s/unknown-kind', what: 'a misspelled kind', file: `${ICE}service.yaml`, edit: (f) => f.replace(`${ICE}service.yaml`, 'kind: Service', 'kind: Servise') },
  { rule: 'k8s/unknown-field', what: 'enableServiceLinks misspelled', file: `${ICE}deployment.yaml`, edit: (f) => f.replace(`${ICE}deployment.yaml`, 'enableServiceLinks: false', 'enableServiceLink: false') },
  { rule: 'k8s/schema-comment', what: 'no schema line', file: `${MAR}networkpolicy.yaml`, edit: (f) => f.replace(`${MAR}networkpolicy.yaml`, '# yaml-language-server: $schema=', '# schema: ') },
  { rule: 'k8s/schema-comment', what: 'a schema line for another version', file: `${MAR}deployment.yaml`, edit: (f) => f.replace(`${MAR}deployment.yaml`, 'v1.33.0-standalone-strict', 'v1.29.0-standalone-strict') },
  { rule: 'k8s/file-per-kind', what: 'a second kind in service.yaml', file: `${QB}service.yaml`, edit: (f) => f.append(`${QB}service.yaml`, '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n  namespace: vpn-egress\n  labels:\n    app.kubernetes.io/name: qbittorrent\n    app.kubernetes.io/part-of: avalanche-network\n    app.kubernetes.io/managed-by: avalanche-runbooks\n') },
  { rule: 'k8s/namespace-explicit', what: 'no namespace', file: `${MAR}networkpolicy.yaml`, edit: (f) => f.replace(`${MAR}networkpolicy.yaml`, '  namespace: vpn-egress\n', '') },
  { rule: 'k8s/recommended-labels', what: 'no part-of label', file: `${ICE}service.yaml`, edit: (f) => f.replace(`${ICE}service.yaml`, '    app.kubernetes.io/part-of: avalanche-network\n', '') },
  { rule: 'k8s/recommended-labels', what: 'a name label that is not the folder', file: `${QB}service.yaml`, edit: (f) => f.replace(`${QB}service.yaml`, 'app.kubernetes.io/name: qbittorrent\n    app.kubernetes.io/component', 'app.kubernetes.io/name: qbt\n    app.kubernetes.io/component') },
  { rule: 'k8s/duplicate-object', what: 'the same PVC twice', file: `${QB}persistentvolumeclaim.yaml`, edit: (f) => f.append(`${QB}persistentvolumeclaim.yaml`, `---\n${f.read(`${QB}persistentvolumeclaim.yaml`).split('---\n')[1]}`) },
  { rule: 'k8s/namespace-consistent', what: 'one app bundling a different Namespace', file: `${QB}namespace.yaml`, edit: (f) => { f.write(`${QB}namespace.yaml`, f.read('manifests/namespace/namespace.yaml').replace('warn: privileged', 'warn: baseline')); f.replace(`${QB}kustomization.yaml`, '  - ../namespace\n', '  - namespace.yaml\n'); } },
  { rule: 'k8s/image-pinned', what: 'an image on latest', file: `${QB}deployment.yaml`, edit: (f) => f.replace(`${QB}deployment.yaml`, 'qbittorrent:5.2.3_v2.0.14-ls473', 'qbittorrent:latest') },
  { rule: 'k8s/placeholder-image', what: 'a placeholder image without its annotation', file: `${MAR}deployment.yaml`, edit: (f) => f.replace(`${MAR}deployment.yaml`, '  annotations:\n    avalanche.network/placeholder-image: "registry.invalid/avalanche/marmithon:replace-me"\n', '') },
  { rule: 'k8s/placeholder-image', what: 'a stale placeholder annotation', file: `${MAR}deployment.yaml`, edit: (f) => f.replace(`${MAR}deployment.yaml`, '          image: registry.invalid/avalanche/marmithon:replace-me', '          image: ghcr.io/example/marmithon:1.0.0') },
  { rule: 'k8s/duplicate-env', what: 'TZ set twice', file: `${QB}deployment.yaml`, edit: (f) => f.replace(`${QB}deployment.yaml`, '            - name: TZ\n              value: Etc/UTC\n', '            - name: TZ\n              value: Etc/UTC\n            - name: TZ\n              value: Europe/Paris\n') },
  { rule: 'k8s/env-var-reference', what: '$(VAR) naming an undefined variable', file: `${ICE}deployment.yaml`, edit: (f) => f.replace(`${ICE}deployment.yaml`, '"apikey":"$(GLUETUN_CONTROL_APIKEY)"', '"apikey":"$(GLUETUN_CONTROL_KEY)"') },
  { rule: 'k8s/ambiguous-scalar', what: 'an unquoted on', file: `${ICE}deployment.yaml`, edit: (f) => f.replace(`${ICE}deployment.yaml`, 'value: "on"', 'value: on') },
  // Kubernetes, cross-object
  { rule: 'k8s/selector-template', what: 'a selector that misses the template', file: `${ICE}deployment.yaml`, edit: (f) => f.replace(`${ICE}deployment.yaml`, '      app.kubernetes.io/name: vpn-proxy-iceland\n  template:', '      app.kubernetes.io/name: vpn-proxy-icelan\n  template:') },
  { rule: 'k8s/service-selector', what: 'a Service selecting nothing', file: `${ICE}service.yaml`, edit: (f) => f.replace(`${ICE}service.yaml`, '  selector:\n    app.kubernetes.io/name: vpn-proxy-iceland', '  selector:\n    app.kubernetes.io/name: vpn-proxy-icelnd') },
  { rule: 'k8s/service-target-port', what: 'a targetPort no container has', file: `${ICE}service.yaml`, edit: (f) => f.replace(`${ICE}service.yaml`, 'targetPort: http-proxy', 'targetPort: proxy') },
  { rule: 'k8s/networkpolicy-selector', what: 'an egress peer matching nothing', file: `${MAR}networkpolicy.yaml`, edit: (f) => f.replace(`${MAR}networkpolicy.yaml`, 'app.kubernetes.io/name: vpn-proxy-iceland', 'app.kubernetes.io/name: vpn-proxy-island') },
  { rule: 'k8s/networkpolicy-selector', what: 'a policy selecting no pod', file: `${NL}networkpolicy.yaml`, edit: (f) => f.replace(`${NL}networkpolicy.yaml`, '  podSelector:\n    matchLabels:\n      app.kubernetes.io/name: vpn-proxy-netherlands', '  podSelector:\n    matchLabels:\n      app.kubernetes.io/name: vpn-proxy-holland') },
  { rule: 'k8s/networkpolicy-port', what: 'a port the pod does not declare', file: `${ICE}networkpolicy.yaml`, edit: (f) => f.replace(`${ICE}networkpolicy.yaml`, 'port: 8888', 'port: 8889') },
  { rule: 'k8s/probe-port', what: 'a probe on an undeclared port', file: `${QB}deployment.yaml`, edit: (f) => f.replace(`${QB}deployment.yaml`, 'port: webui', 'port: web') },
  { rule: 'k8s/secret-ref', what: 'a Secret neither bundled nor declared', file: `${ICE}deployment.yaml`, edit: (f) => f.replace(`${ICE}deployment.yaml`, 'name: vpn-proxy-iceland-wireguard', 'name: vpn-proxy-iceland-wg') },
  { rule: 'k8s/secret-ref', what: 'a key the declaration lacks', file: `${ICE}deployment.yaml`, edit: (f) => f.replace(`${ICE}deployment.yaml`, 'key: wireguard_private_key', 'key: private_key') },
  { rule: 'k8s/configmap-ref', what: 'a ConfigMap that is not bundled', file: `${MAR}deployment.yaml`, edit: (f) => f.replace(`${MAR}deployment.yaml`, '          # region:proxy-env\n', '          envFrom:\n            - configMapRef:\n                name: marmithon-config\n          # region:proxy-env\n') },
  { rule: 'k8s/pvc-ref', what: 'a claim that is not bundled', file: `${QB}deployment.yaml`, edit: (f) => f.replace(`${QB}deployment.yaml`, 'claimName: qbittorrent-downloads', 'claimName: qbittorrent-data') },
  { rule: 'k8s/runbook-secrets', what: 'a declaration without a valid creator', file: `${ICE}runbook-secrets.yaml`, edit: (f) => f.replace(`${ICE}runbook-secrets.yaml`, 'created_by: phase2-deploy-proxy.mjs', 'created_by: someone') },
  { rule: 'k8s/runbook-secret-unused', what: 'a declared Secret nobody uses', file: `${NL}runbook-secrets.yaml`, edit: (f) => f.append(`${NL}runbook-secrets.yaml`, '  - name: leftover\n    keys: [x]\n    created_by: manual\n    description: Not used.\n') },
  // gluetun, environment
  { rule: 'gluetun/unknown-env', what: 'SERVER_COUNTRY (singular)', file: `${ICE}deployment.yaml`, edit: (f) => f.replace(`${ICE}deployment.yaml`, 'name: SERVER_COUNTRIES', 'name: SERVER_COUNTRY') },
  { rule: 'gluetun/deprecated-env', what: 'PROXY instead of HTTPPROXY', file: `${ICE}deployment.yaml`, edit: (f) => f.replace(`${ICE}deployment.yaml`, 'name: HTTPPROXY\n', 'name: PROXY\n') },
  { rule: 'gluetun/old-name-wins', what: 'COUNTRY next to SERVER_COUNTRIES', file: `${ICE}deployment.yaml`, edit: (f) => addEnv(f, `${ICE}deployment.yaml`, 'COUNTRY', 'Netherlands') },
  { rule: 'gluetun/ignored-env', what: 'FIREWALL=off', file: `${ICE}deployment.yaml`, edit: (f) => addEnv(f, `${ICE}deployment.yaml`, 'FIREWALL', 'off') },
  { rule: 'gluetun/csv-spaces', what: 'a space after a comma', file: `${ICE}deployment.yaml`, edit: (f) => f.replace(`${ICE}deployment.yaml`, 'value: Iceland', 'value: "Iceland, Netherlands"') },
  { rule: 'gluetun/boolean-value', what: 'HTTPPROXY=1', file: `${ICE}deployment.yaml`, edit: (f) => f.replace(`${ICE}deployment.yaml`, 'name: HTTPPROXY\n              value: "on"', 'name: HTTPPROXY\n              value: "1"') },
  { rule: 'gluetun/provider', what: 'a misspelled provider', file: `${ICE}deployment.yaml`, edit: (f) => f.replace(`${ICE}deployment.yaml`, 'value: protonvpn', 'value: protonvpm') },
  { rule: 'gluetun/vpn-type', what: 'a misspelled VPN type', file: `${ICE}deployment.yaml`, edit: (f) => f.replace(`${ICE}deployment.yaml`, 'value: wireguard', 'value: wiregard') },
  { rule: 'gluetun/vpn-type', what: 'WireGuard without a private key', file: `${ICE}deployment.yaml`, edit: (f) => f.replace(`${ICE}deployment.yaml`, '            - name: WIREGUARD_PRIVATE_KEY\n              valueFrom:\n                secretKeyRef:\n                  name: vpn-proxy-iceland-wireguard\n                  key: wireguard_private_key\n', '') },
  { rule: 'gluetun/enum-value', what: 'LOG_LEVEL=verbose', file: `${ICE}deployment.yaml`, edit: (f) => addEnv(f, `${ICE}deployment.yaml`, 'LOG_LEVEL', 'verbose') },
  { rule: 'gluetun/address-value', what: 'a listening address without a colon', file: `${ICE}deployment.yaml`, edit: (f) => f.replace(`${ICE}deployment.yaml`, 'value: ":8888"', 'value: "8888"') },
  { rule: 'gluetun/address-value', what: '0.0.0.0/0 as an outbound subnet', file: `${ICE}deployment.yaml`, edit: (f) => addEnv(f, `${ICE}deployment.yaml`, 'FIREWALL_OUTBOUND_SUBNETS', '0.0.0.0/0') },
  { rule: 'gluetun/wireguard-endpoint-port', what: 'WIREGUARD_ENDPOINT_PORT with protonvpn', file: `${ICE}deployment.yaml`, edit: (f) => addEnv(f, `${ICE}deployment.yaml`, 'WIREGUARD_ENDPOINT_PORT', '51820') },
  { rule: 'gluetun/free-port-forward', what: 'FREE_ONLY with port forwarding', file: `${QB}deployment.yaml`, edit: (f) => addEnv(f, `${QB}deployment.yaml`, 'FREE_ONLY', 'on') },
  { rule: 'gluetun/outbound-subnets-overlap', what: '10.0.0.0/8 with port forwarding', file: `${QB}deployment.yaml`, edit: (f) => addEnv(f, `${QB}deployment.yaml`, 'FIREWALL_OUTBOUND_SUBNETS', '10.0.0.0/8') },
  { rule: 'gluetun/secret-literal', what: 'a literal WireGuard key', file: `${ICE}deployment.yaml`, edit: (f) => f.replace(`${ICE}deployment.yaml`, '              valueFrom:\n                secretKeyRef:\n                  name: vpn-proxy-iceland-wireguard\n                  key: wireguard_private_key\n', '              value: replace-me\n') },
  { rule: 'gluetun/secret-literal', what: 'a literal control-server API key', file: `${ICE}deployment.yaml`, edit: (f) => f.replace(`${ICE}deployment.yaml`, '"apikey":"$(GLUETUN_CONTROL_APIKEY)"', '"apikey":"abc123"') },
  { rule: 'gluetun/up-command', what: 'curl in the up command', file: `${QB}deployment.yaml`, edit: (f) => f.replace(`${QB}deployment.yaml`, "/bin/sh -c 'wget -O- -nv --retry-connrefused --post-data\n                \"json={\\\"listen_port\\\":{{PORT}}", "/bin/sh -c 'curl -s --data\n                \"json={\\\"listen_port\\\":{{PORT}}") },
  { rule: 'gluetun/up-command', what: 'an up command without port forwarding', file: `${ICE}deployment.yaml`, edit: (f) => addEnv(f, `${ICE}deployment.yaml`, 'VPN_PORT_FORWARDING_UP_COMMAND', 'echo {{PORT}} > /tmp/port') },
  { rule: 'gluetun/image-pinned', what: 'gluetun on latest', file: `${ICE}deployment.yaml`, edit: (f) => f.replace(`${ICE}deployment.yaml`, 'image: qmcgaw/gluetun:v3.41.1', 'image: qmcgaw/gluetun:latest') },
  // gluetun, pod
  { rule: 'gluetun/service-links', what: 'a Service named proxy with service links on', file: `${QB}deployment.yaml`, edit: (f) => { f.replace(`${QB}deployment.yaml`, '      enableServiceLinks: false\n', ''); f.replace(`${QB}service.yaml`, 'name: qbittorrent\n  namespace', 'name: proxy\n  namespace'); } },
  { rule: 'gluetun/port-not-listening', what: 'the proxy port with the proxy off', file: `${ICE}service.yaml`, edit: (f) => f.replace(`${ICE}deployment.yaml`, 'name: HTTPPROXY\n              value: "on"', 'name: HTTPPROXY\n              value: "off"') },
  { rule: 'gluetun/firewall-input-ports', what: 'the proxy port not in FIREWALL_INPUT_PORTS', file: `${ICE}service.yaml`, edit: (f) => f.replace(`${ICE}deployment.yaml`, 'name: FIREWALL_INPUT_PORTS\n              value: "8888"', 'name: FIREWALL_INPUT_PORTS\n              value: "9999"') },
  { rule: 'gluetun/control-server-auth', what: 'no default role', file: `${ICE}deployment.yaml`, edit: (f) => f.replace(`${ICE}deployment.yaml`, '            - name: HTTP_CONTROL_SERVER_AUTH_DEFAULT_ROLE\n', '            - name: UNUSED_ROLE\n') },
  { rule: 'gluetun/control-server-auth', what: 'auth none', file: `${ICE}deployment.yaml`, edit: (f) => f.replace(`${ICE}deployment.yaml`, `'{"auth":"apikey","apikey":"$(GLUETUN_CONTROL_APIKEY)"}'`, `'{"auth":"none","apikey":"$(GLUETUN_CONTROL_APIKEY)"}'`) },
  { rule: 'gluetun/control-server-exposed', what: 'the control server on all interfaces with its port opened', file: `${ICE}deployment.yaml`, edit: (f) => { f.replace(`${ICE}deployment.yaml`, 'value: "127.0.0.1:8000"', 'value: ":8000"'); f.replace(`${ICE}deployment.yaml`, 'value: "8888"', 'value: "8888,8000"'); } },
  { rule: 'gluetun/control-server-exposed', what: 'the control server off loopback and a policy admitting every port', file: `${ICE}deployment.yaml`, edit: (f) => { f.replace(`${ICE}deployment.yaml`, 'value: "127.0.0.1:8000"', 'value: ":8000"'); f.replace(`${ICE}networkpolicy.yaml`, '      ports:\n        - protocol: TCP\n          port: 8888\n', ''); } },
  { rule: 'gluetun/net-admin', what: 'no NET_ADMIN and not privileged', file: `${ICE}deployment.yaml`, edit: (f) => { f.replace(`${ICE}deployment.yaml`, 'add: [NET_ADMIN]', 'add: [NET_RAW]'); f.replace(`${ICE}deployment.yaml`, 'privileged: true', 'privileged: false'); } },
  { rule: 'gluetun/tun', what: 'no TUN access', file: `${ICE}deployment.yaml`, edit: (f) => f.replace(`${ICE}deployment.yaml`, 'privileged: true', 'privileged: false') },
  { rule: 'gluetun/native-sidecar', what: 'gluetun in initContainers without restartPolicy', file: `${QB}deployment.yaml`, edit: (f) => f.replace(`${QB}deployment.yaml`, '          restartPolicy: Always\n', '') },
  { rule: 'gluetun/health-probe', what: 'no probe on the health server', file: `${NL}deployment.yaml`, edit: (f) => f.replace(`${NL}deployment.yaml`, '[/gluetun-entrypoint, healthcheck]', '[/bin/true]', true) },
  { rule: 'gluetun/liveness-probe', what: 'a tight liveness probe', file: `${ICE}deployment.yaml`, edit: (f) => f.replace(`${ICE}deployment.yaml`, '            periodSeconds: 60', '            periodSeconds: 10') },
  { rule: 'gluetun/strategy-recreate', what: 'a rolling update', file: `${ICE}deployment.yaml`, edit: (f) => f.replace(`${ICE}deployment.yaml`, 'type: Recreate', 'type: RollingUpdate') },
  // Tailscale policy
  { rule: 'tailscale/parse', what: 'a missing bracket', file: POLICY, edit: (f) => f.replace(POLICY, '"tag:router": ["autogroup:admin"],', '"tag:router": ["autogroup:admin",') },
  { rule: 'tailscale/unknown-key', what: 'a misspelled section', file: POLICY, edit: (f) => f.replace(POLICY, '"tagOwners": {', '"aclz": [],\n  "tagOwners": {') },
  { rule: 'tailscale/tag-owner', what: 'a tag nobody owns', file: POLICY, edit: (f) => f.replace(POLICY, '"tag:router": ["autogroup:admin"]', '"tag:routers": ["autogroup:admin"]') },
  { rule: 'tailscale/undefined-name', what: 'an undefined host alias', file: POLICY, edit: (f) => f.replace(POLICY, '"dst": ["home-lan"]', '"dst": ["home-lans"]') },
  { rule: 'tailscale/undefined-name', what: 'an undefined group', file: POLICY, edit: (f) => f.replace(POLICY, '"src": ["group:operators"]', '"src": ["group:admins"]') },
  { rule: 'tailscale/auto-approver-route', what: 'a wider approved route', file: POLICY, edit: (f) => f.replace(POLICY, '"10.1.0.0/24": ["tag:router"]', '"10.1.0.0/16": ["tag:router"]') },
  { rule: 'tailscale/auto-approver-route', what: 'the route approved for a user, not the router tag', file: POLICY, edit: (f) => f.replace(POLICY, '"10.1.0.0/24": ["tag:router"]', '"10.1.0.0/24": ["operator@example.com"]') },
  { rule: 'tailscale/exit-node-approver', what: 'an exit-node auto-approver', file: POLICY, edit: (f) => f.replace(POLICY, '"routes": {', '"exitNode": ["tag:router"],\n    "routes": {') },
  { rule: 'tailscale/internet-grant', what: 'a grant to autogroup:internet', file: POLICY, edit: (f) => f.replace(POLICY, '"grants": [', '"grants": [\n    { "src": ["autogroup:member"], "dst": ["autogroup:internet"], "ip": ["*"] },') },
  { rule: 'tailscale/test-format', what: 'a CIDR in a test', file: POLICY, edit: (f) => f.replace(POLICY, '"10.1.0.10:443", "10.1.0.254:22"', '"10.1.0.0/24:443", "10.1.0.254:22"') },
  { rule: 'tailscale/test-failed', what: 'a grant change that cuts members off the LAN', file: POLICY, edit: (f) => f.replace(POLICY, '"dst": ["home-lan"]', '"dst": ["lan-dns"]') },
  { rule: 'tailscale/test-failed', what: 'routy reachable on every port', file: POLICY, edit: (f) => f.replace(POLICY, '"ip": ["tcp:22"]', '"ip": ["*"]') },
  { rule: 'tailscale/test-unsupported', what: 'a grant with via', file: POLICY, edit: (f) => f.replace(POLICY, '"dst": ["autogroup:self"],', '"dst": ["autogroup:self"],\n      "via": ["tag:router"],') },
  // routy
  { rule: 'routy/sysctl', what: 'forwarding off', file: `${ROUTY}99-tailscale.conf`, edit: (f) => f.replace(`${ROUTY}99-tailscale.conf`, 'net.ipv4.ip_forward = 1', 'net.ipv4.ip_forward = 0') },
  { rule: 'routy/sysctl', what: 'IPv6 forwarding missing', file: `${ROUTY}99-tailscale.conf`, edit: (f) => f.replace(`${ROUTY}99-tailscale.conf`, 'net.ipv6.conf.all.forwarding = 1\n', '') },
  { rule: 'routy/settings-file', what: 'an extra top-level key', file: `${ROUTY}tailscale-settings.yaml`, edit: (f) => f.append(`${ROUTY}tailscale-settings.yaml`, 'flags: {}\n') },
  { rule: 'routy/unknown-flag', what: 'a misspelled flag', file: `${ROUTY}tailscale-settings.yaml`, edit: (f) => f.replace(`${ROUTY}tailscale-settings.yaml`, '  ssh: false', '  sshd: false') },
  { rule: 'routy/unknown-flag', what: 'advertise-tags as a set flag', file: `${ROUTY}tailscale-settings.yaml`, edit: (f) => f.replace(`${ROUTY}tailscale-settings.yaml`, '  ssh: false', '  ssh: false\n  advertise-tags: [tag:router]') },
  { rule: 'routy/flag-value', what: 'a string for a boolean flag', file: `${ROUTY}tailscale-settings.yaml`, edit: (f) => f.replace(`${ROUTY}tailscale-settings.yaml`, '  ssh: false', '  ssh: "no"') },
  { rule: 'routy/advertise-routes', what: 'a route other than the LAN', file: `${ROUTY}tailscale-settings.yaml`, edit: (f) => f.replace(`${ROUTY}tailscale-settings.yaml`, 'advertise-routes: [10.1.0.0/24]', 'advertise-routes: [10.1.0.0/16]') },
  { rule: 'routy/exit-node', what: 'an exit node advertised', file: `${ROUTY}tailscale-settings.yaml`, edit: (f) => f.replace(`${ROUTY}tailscale-settings.yaml`, 'advertise-exit-node: false', 'advertise-exit-node: true') },
  { rule: 'routy/accept-routes', what: 'accept-routes on', file: `${ROUTY}tailscale-settings.yaml`, edit: (f) => f.replace(`${ROUTY}tailscale-settings.yaml`, 'accept-routes: false', 'accept-routes: true') },
  { rule: 'routy/tags', what: 'a tag the inventory does not give routy', file: `${ROUTY}tailscale-settings.yaml`, edit: (f) => f.replace(`${ROUTY}tailscale-settings.yaml`, 'tags: [tag:router]', 'tags: [tag:gateway]') },
  { rule: 'routy/snat', what: 'SNAT off', file: `${ROUTY}tailscale-settings.yaml`, edit: (f) => f.replace(`${ROUTY}tailscale-settings.yaml`, 'snat-subnet-routes: true', 'snat-subnet-routes: false') },
  // inventory agreement
  { rule: 'inventory/app-folders', what: 'a proxy folder missing', file: 'src/data/network.yaml', edit: (f) => f.remove(NL) },
  { rule: 'inventory/app-folders', what: 'a folder the inventory does not know', file: 'manifests/extra/kustomization.yaml', edit: (f) => f.write('manifests/extra/kustomization.yaml', f.read(`${MAR}kustomization.yaml`).replace('  - deployment.yaml\n  - networkpolicy.yaml\n', '')) },
  { rule: 'inventory/pattern', what: 'a shared proxy without its NetworkPolicy', file: `${ICE}deployment.yaml`, edit: (f) => { f.replace(`${ICE}kustomization.yaml`, '  - networkpolicy.yaml\n', ''); f.remove(`${ICE}networkpolicy.yaml`); } },
  { rule: 'inventory/country', what: 'another country in the inventory', file: `${ICE}deployment.yaml`, edit: (f) => { f.inventory.vpn.deployments.find((d) => d.name === 'vpn-proxy-iceland')!.country = 'Sweden'; } },
  { rule: 'inventory/vpn-settings', what: 'port forwarding off in the inventory', file: `${QB}deployment.yaml`, edit: (f) => { f.inventory.vpn.deployments.find((d) => d.name === 'qbittorrent')!.port_forwarding = false; } },
  { rule: 'inventory/vpn-settings', what: 'another pinned image in the inventory', file: `${ICE}deployment.yaml`, edit: (f) => { f.inventory.vpn.image = 'qmcgaw/gluetun:v3.41.3'; } },
  { rule: 'inventory/namespace', what: 'another namespace in the inventory', file: `${MAR}deployment.yaml`, edit: (f) => { f.inventory.kubernetes.namespace = 'vpn'; } },
  { rule: 'inventory/labels', what: 'another part-of in the inventory', file: `${ICE}service.yaml`, edit: (f) => { f.inventory.kubernetes.labels.part_of = 'avalanche'; } },
  { rule: 'inventory/ports', what: 'another proxy port in the inventory', file: `${ICE}deployment.yaml`, edit: (f) => { f.inventory.vpn.http_proxy_port = 3128; } },
  { rule: 'inventory/client-label', what: 'another client label in the inventory', file: `${MAR}deployment.yaml`, edit: (f) => { f.inventory.vpn.client_label = 'avalanche.network/client'; } },
  { rule: 'inventory/client-label', what: 'marmithon pointing at another proxy', file: `${MAR}deployment.yaml`, edit: (f) => f.replace(`${MAR}deployment.yaml`, 'value: http://vpn-proxy-iceland.vpn-egress.svc:8888', 'value: http://vpn-proxy-netherlands.vpn-egress.svc:8888') },
  { rule: 'inventory/policy-tests', what: 'another DNS server in the inventory', file: POLICY, edit: (f) => { f.inventory.lan.dns_server = '10.1.0.54'; } },
  // one source of truth (test/lint/facts-cases.ts)
  ...FACT_CASES,
];

let baseline: Fixture;
let baselineFindings: Finding[];
beforeAll(async () => {
  baseline = bundledCopy();
  baselineFindings = (await lint({ root: baseline.root, inventory: baseline.inventory })).findings;
});
afterAll(() => baseline.cleanup());

describe('lint() on the bundled manifests', () => {
  test('finds nothing: zero errors and zero warnings', () => {
    expect(baselineFindings).toEqual([]);
  });

  test('every registered rule has at least one case that breaks it', () => {
    const covered = new Set(cases.map((c) => c.rule));
    expect(RULES.map((r) => r.id).filter((id) => !covered.has(id))).toEqual([]);
    expect(cases.map((c) => c.rule).filter((id) => !RULES.some((r) => r.id === id))).toEqual([]);
  });
});

describe.each(cases)('rule $rule', ({ rule, what, file, edit }) => {
  test(`reports ${what}, and not on the bundled files`, async () => {
    const f = bundledCopy();
    try {
      edit(f);
      const { findings } = await lint({ root: f.root, inventory: f.inventory, inventoryFile: `${f.root}/src/data/network.yaml` });
      const hits = findings.filter((x) => x.rule === rule);
      expect(hits, `findings were:\n${findings.map((x) => `${x.file}:${x.line}: ${x.rule}: ${x.message}`).join('\n')}`).not.toEqual([]);
      expect(hits.map((h) => h.file)).toContain(file || factCaseFile({ rule, what, file, edit }, f));
      for (const h of hits) {
        expect(h.line).toBeGreaterThan(0);
        expect(h.message.length).toBeGreaterThan(20);
      }
      expect(baselineFindings.filter((x) => x.rule === rule)).toEqual([]);
    } finally {
      f.cleanup();
    }
  });
});
