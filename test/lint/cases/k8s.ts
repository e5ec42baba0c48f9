/** Kubernetes rules (kubernetes.ts, k8s-refs.ts): a manifest kubectl or the cluster refuses, and one it takes. */
import { accept, addEnv, BOT, FIRST, ICE, MAR, NL, QB, reject, SECOND, type Case } from '../cases.ts';
import type { Fixture } from '../fixture.ts';

const CONFIGMAP = `# yaml-language-server: $schema=https://raw.githubusercontent.com/yannh/kubernetes-json-schema/master/v1.33.0-standalone-strict/configmap-v1.json
apiVersion: v1
kind: ConfigMap
metadata:
  name: marmithon-config
  namespace: vpn-egress
  labels:
    app.kubernetes.io/name: marmithon
    app.kubernetes.io/part-of: avalanche-network
    app.kubernetes.io/managed-by: avalanche-runbooks
data:
  NICK: marmithon
`;
/** A fully declared ConfigMap in marmithon's folder, listed in its kustomization. */
const addConfigMap = (f: Fixture) => {
  f.write(`${MAR}configmap.yaml`, CONFIGMAP);
  f.replace(`${MAR}kustomization.yaml`, '  - networkpolicy.yaml\n', '  - networkpolicy.yaml\n  - configmap.yaml\n');
};
const secondClaim = (name: string) =>
  `---\n${'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: NAME\n  namespace: vpn-egress\n  labels:\n    app.kubernetes.io/name: qbittorrent\n    app.kubernetes.io/component: torrent-client\n    app.kubernetes.io/part-of: avalanche-network\n    app.kubernetes.io/managed-by: avalanche-runbooks\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 1Gi\n'.replace('NAME', name)}`;

export const K8S_CASES: Case[] = [
  reject('k8s/yaml', 'a YAML syntax error', `${QB}service.yaml`, (f) =>
    f.replace(`${QB}service.yaml`, '  type: ClusterIP', '  type: ClusterIP\n  bad: ['),
  ),
  accept('k8s/yaml', 'a comment with a colon after a value', (f) =>
    f.replace(`${QB}service.yaml`, '  type: ClusterIP', '  type: ClusterIP # the default: in-cluster only'),
  ),
  reject('k8s/kustomization', 'an unsupported kustomization field', `${ICE}kustomization.yaml`, (f) =>
    f.append(`${ICE}kustomization.yaml`, 'namePrefix: x-\n'),
  ),
  reject('k8s/kustomization', 'a manifest file not listed in resources', `${MAR}kustomization.yaml`, (f) =>
    f.write(`${MAR}configmap.yaml`, CONFIGMAP),
  ),
  reject('k8s/kustomization', 'a resource that does not exist', `${MAR}kustomization.yaml`, (f) =>
    f.remove(`${MAR}networkpolicy.yaml`),
  ),
  accept('k8s/kustomization', 'a new file listed in resources', addConfigMap),
  reject('k8s/schema', 'replicas as a string', `${ICE}deployment.yaml`, (f) =>
    f.replace(`${ICE}deployment.yaml`, 'replicas: 1', 'replicas: "one"'),
  ),
  accept('k8s/schema', 'replicas 0 (scaled down)', (f) =>
    f.replace(`${MAR}deployment.yaml`, 'replicas: 1', 'replicas: 0'),
  ),
  reject('k8s/unknown-kind', 'a misspelled kind', `${ICE}service.yaml`, (f) =>
    f.replace(`${ICE}service.yaml`, 'kind: Service', 'kind: Servise'),
  ),
  accept('k8s/unknown-kind', 'a ConfigMap, a built-in kind not used so far', addConfigMap),
  reject('k8s/unknown-field', 'enableServiceLinks misspelled', `${ICE}deployment.yaml`, (f) =>
    f.replace(`${ICE}deployment.yaml`, 'enableServiceLinks: false', 'enableServiceLink: false'),
  ),
  accept('k8s/unknown-field', 'a real pod field not used so far', (f) =>
    f.replace(
      `${ICE}deployment.yaml`,
      '      enableServiceLinks: false\n',
      '      enableServiceLinks: false\n      terminationGracePeriodSeconds: 30\n',
    ),
  ),
  reject('k8s/schema-comment', 'no schema line', `${MAR}networkpolicy.yaml`, (f) =>
    f.replace(`${MAR}networkpolicy.yaml`, '# yaml-language-server: $schema=', '# schema: '),
  ),
  reject('k8s/schema-comment', 'a schema line for another version', `${MAR}deployment.yaml`, (f) =>
    f.replace(`${MAR}deployment.yaml`, 'v1.33.0-standalone-strict', 'v1.29.0-standalone-strict'),
  ),
  accept('k8s/schema-comment', 'the schema line below another header comment', (f) =>
    f.replace(
      `${MAR}networkpolicy.yaml`,
      '# yaml-language-server: $schema=',
      '# marmithon egress\n# yaml-language-server: $schema=',
    ),
  ),
  reject('k8s/file-per-kind', 'a second kind in service.yaml', `${QB}service.yaml`, (f) =>
    f.append(
      `${QB}service.yaml`,
      '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n  namespace: vpn-egress\n  labels:\n    app.kubernetes.io/name: qbittorrent\n    app.kubernetes.io/part-of: avalanche-network\n    app.kubernetes.io/managed-by: avalanche-runbooks\n',
    ),
  ),
  accept('k8s/file-per-kind', 'a third claim in persistentvolumeclaim.yaml', (f) =>
    f.append(`${QB}persistentvolumeclaim.yaml`, secondClaim('qbittorrent-incomplete')),
  ),
  reject('k8s/namespace-explicit', 'no namespace', `${MAR}networkpolicy.yaml`, (f) =>
    f.replace(`${MAR}networkpolicy.yaml`, '  namespace: vpn-egress\n', ''),
  ),
  accept('k8s/namespace-explicit', 'the namespace quoted', (f) =>
    f.replace(`${MAR}networkpolicy.yaml`, '  namespace: vpn-egress\n', '  namespace: "vpn-egress"\n'),
  ),
  reject('k8s/recommended-labels', 'no part-of label', `${ICE}service.yaml`, (f) =>
    f.replace(`${ICE}service.yaml`, '    app.kubernetes.io/part-of: avalanche-network\n', ''),
  ),
  reject('k8s/recommended-labels', 'a name label that is not the folder', `${QB}service.yaml`, (f) =>
    f.replace(
      `${QB}service.yaml`,
      'app.kubernetes.io/name: qbittorrent\n    app.kubernetes.io/component',
      'app.kubernetes.io/name: qbt\n    app.kubernetes.io/component',
    ),
  ),
  accept('k8s/recommended-labels', 'an extra recommended label', (f) =>
    f.replace(
      `${ICE}service.yaml`,
      '    app.kubernetes.io/part-of: avalanche-network\n',
      '    app.kubernetes.io/part-of: avalanche-network\n    app.kubernetes.io/version: v3.41.1\n',
    ),
  ),
  reject('k8s/duplicate-object', 'the same PVC twice', `${QB}persistentvolumeclaim.yaml`, (f) =>
    f.append(`${QB}persistentvolumeclaim.yaml`, `---\n${f.read(`${QB}persistentvolumeclaim.yaml`).split('---\n')[1]}`),
  ),
  accept('k8s/duplicate-object', 'a third PVC with its own name', (f) =>
    f.append(`${QB}persistentvolumeclaim.yaml`, secondClaim('qbittorrent-watch')),
  ),
  // One Namespace file (manifests/namespace, included as ../namespace); an app that bundles its own copy must match it.
  reject('k8s/namespace-consistent', 'one app bundling a different Namespace', `${QB}namespace.yaml`, (f) => {
    f.write(
      `${QB}namespace.yaml`,
      f.read('manifests/namespace/namespace.yaml').replace('warn: privileged', 'warn: baseline'),
    );
    f.replace(`${QB}kustomization.yaml`, '  - ../namespace\n', '  - namespace.yaml\n');
  }),
  accept(
    'k8s/namespace-consistent',
    'the shared Namespace changed once, for every app',
    (f) =>
      f.replace(
        'manifests/namespace/namespace.yaml',
        'warn: privileged',
        'warn: privileged\n    pod-security.kubernetes.io/audit: privileged',
      ),
    ['inventory/generated'],
  ),
  reject('k8s/image-pinned', 'an image on latest', `${QB}deployment.yaml`, (f) =>
    f.replace(`${QB}deployment.yaml`, 'qbittorrent:5.2.3_v2.0.13-ls469', 'qbittorrent:latest'),
  ),
  accept('k8s/image-pinned', 'an image pinned by digest', (f) =>
    f.replace(`${QB}deployment.yaml`, 'qbittorrent:5.2.3_v2.0.13-ls469', `qbittorrent@sha256:${'0'.repeat(64)}`),
  ),
  reject('k8s/placeholder-image', 'a placeholder image without its annotation', `${MAR}deployment.yaml`, (f) =>
    f.replace(
      `${MAR}deployment.yaml`,
      '  annotations:\n    avalanche.network/placeholder-image: "registry.invalid/avalanche/marmithon:replace-me"\n',
      '',
    ),
  ),
  reject('k8s/placeholder-image', 'a stale placeholder annotation', `${MAR}deployment.yaml`, (f) =>
    f.replace(
      `${MAR}deployment.yaml`,
      '          image: registry.invalid/avalanche/marmithon:replace-me',
      '          image: ghcr.io/example/marmithon:1.0.0',
    ),
  ),
  accept('k8s/placeholder-image', 'another placeholder, declared', (f) =>
    f.replace(
      `${MAR}deployment.yaml`,
      'registry.invalid/avalanche/marmithon:replace-me',
      'registry.invalid/avalanche/marmithon:set-me',
      true,
    ),
  ),
  reject('k8s/duplicate-env', 'TZ set twice', `${QB}deployment.yaml`, (f) =>
    f.replace(
      `${QB}deployment.yaml`,
      '            - name: TZ\n              value: Etc/UTC\n',
      '            - name: TZ\n              value: Etc/UTC\n            - name: TZ\n              value: Europe/Paris\n',
    ),
  ),
  accept('k8s/duplicate-env', 'TZ set once in each of two containers', (f) =>
    addEnv(f, `${QB}deployment.yaml`, 'TZ', 'Etc/UTC'),
  ),
  reject('k8s/env-var-reference', '$(VAR) naming an undefined variable', `${ICE}deployment.yaml`, (f) =>
    f.replace(`${ICE}deployment.yaml`, '"apikey":"$(GLUETUN_CONTROL_APIKEY)"', '"apikey":"$(GLUETUN_CONTROL_KEY)"'),
  ),
  accept('k8s/env-var-reference', 'an escaped $$(NAME), left as text by the kubelet', (f) =>
    f.replace(
      `${QB}deployment.yaml`,
      '            - name: TZ\n              value: Etc/UTC\n',
      '            - name: TZ\n              value: Etc/UTC\n            - name: EXAMPLE\n              value: "$$(NOT_EXPANDED)"\n',
    ),
  ),
  reject('k8s/ambiguous-scalar', 'an unquoted on', `${ICE}deployment.yaml`, (f) =>
    f.replace(`${ICE}deployment.yaml`, 'value: "on"', 'value: on'),
  ),
  accept('k8s/ambiguous-scalar', 'on in single quotes', (f) =>
    f.replace(`${ICE}deployment.yaml`, 'value: "on"', "value: 'on'"),
  ),
  reject('k8s/selector-template', 'a selector that misses the template', `${ICE}deployment.yaml`, (f) =>
    f.replace(
      `${ICE}deployment.yaml`,
      `      app.kubernetes.io/name: ${FIRST.name}\n  template:`,
      '      app.kubernetes.io/name: vpn-proxy-icelan\n  template:',
    ),
  ),
  accept('k8s/selector-template', 'a selector with a second label the template has', (f) =>
    f.replace(
      `${ICE}deployment.yaml`,
      `      app.kubernetes.io/name: ${FIRST.name}\n  template:`,
      `      app.kubernetes.io/name: ${FIRST.name}\n      app.kubernetes.io/component: vpn-proxy\n  template:`,
    ),
  ),
  reject('k8s/service-selector', 'a Service selecting nothing', `${ICE}service.yaml`, (f) =>
    f.replace(
      `${ICE}service.yaml`,
      `  selector:\n    app.kubernetes.io/name: ${FIRST.name}`,
      '  selector:\n    app.kubernetes.io/name: vpn-proxy-icelnd',
    ),
  ),
  accept('k8s/service-selector', 'a Service selecting on two labels the pods have', (f) =>
    f.replace(
      `${ICE}service.yaml`,
      `  selector:\n    app.kubernetes.io/name: ${FIRST.name}`,
      `  selector:\n    app.kubernetes.io/name: ${FIRST.name}\n    app.kubernetes.io/component: vpn-proxy`,
    ),
  ),
  reject('k8s/service-target-port', 'a targetPort no container has', `${ICE}service.yaml`, (f) =>
    f.replace(`${ICE}service.yaml`, 'targetPort: http-proxy', 'targetPort: proxy'),
  ),
  accept('k8s/service-target-port', 'the targetPort by number', (f) =>
    f.replace(`${ICE}service.yaml`, 'targetPort: http-proxy', 'targetPort: 8888'),
  ),
  reject('k8s/networkpolicy-selector', 'an egress peer matching nothing', `${MAR}networkpolicy.yaml`, (f) =>
    f.replace(
      `${MAR}networkpolicy.yaml`,
      `app.kubernetes.io/name: ${BOT.egress}`,
      'app.kubernetes.io/name: vpn-proxy-island',
    ),
  ),
  reject('k8s/networkpolicy-selector', 'a policy selecting no pod', `${NL}networkpolicy.yaml`, (f) =>
    f.replace(
      `${NL}networkpolicy.yaml`,
      `  podSelector:\n    matchLabels:\n      app.kubernetes.io/name: ${SECOND.name}`,
      '  podSelector:\n    matchLabels:\n      app.kubernetes.io/name: vpn-proxy-holland',
    ),
  ),
  accept('k8s/networkpolicy-selector', 'a policy selecting on two labels the pod has', (f) =>
    f.replace(
      `${NL}networkpolicy.yaml`,
      `  podSelector:\n    matchLabels:\n      app.kubernetes.io/name: ${SECOND.name}`,
      `  podSelector:\n    matchLabels:\n      app.kubernetes.io/name: ${SECOND.name}\n      app.kubernetes.io/component: vpn-proxy`,
    ),
  ),
  reject('k8s/networkpolicy-port', 'a port the pod does not declare', `${ICE}networkpolicy.yaml`, (f) =>
    f.replace(`${ICE}networkpolicy.yaml`, 'port: 8888', 'port: 8889'),
  ),
  accept('k8s/networkpolicy-port', 'the port by name', (f) =>
    f.replace(`${ICE}networkpolicy.yaml`, 'port: 8888', 'port: http-proxy'),
  ),
  reject('k8s/probe-port', 'a probe on an undeclared port', `${QB}deployment.yaml`, (f) =>
    f.replace(`${QB}deployment.yaml`, 'port: webui', 'port: web'),
  ),
  accept('k8s/probe-port', 'the probe port by number', (f) =>
    f.replace(`${QB}deployment.yaml`, 'port: webui', 'port: 8080'),
  ),
  reject('k8s/secret-ref', 'a Secret neither bundled nor declared', `${ICE}deployment.yaml`, (f) =>
    f.replace(`${ICE}deployment.yaml`, `name: ${FIRST.name}-wireguard`, `name: ${FIRST.name}-wg`),
  ),
  reject('k8s/secret-ref', 'a key the declaration lacks', `${ICE}deployment.yaml`, (f) =>
    f.replace(`${ICE}deployment.yaml`, 'key: wireguard_private_key', 'key: private_key'),
  ),
  accept('k8s/secret-ref', 'a second key, declared', (f) => {
    f.replace(
      `${ICE}runbook-secrets.yaml`,
      'keys: [wireguard_private_key]',
      'keys: [wireguard_private_key, wireguard_preshared_key]',
    );
    f.replace(
      `${ICE}deployment.yaml`,
      '            # One country',
      `            - name: WIREGUARD_PRESHARED_KEY\n              valueFrom:\n                secretKeyRef:\n                  name: ${FIRST.name}-wireguard\n                  key: wireguard_preshared_key\n            # One country`,
    );
  }),
  reject('k8s/configmap-ref', 'a ConfigMap that is not bundled', `${MAR}deployment.yaml`, (f) =>
    f.replace(
      `${MAR}deployment.yaml`,
      '          # region:proxy-env\n',
      '          envFrom:\n            - configMapRef:\n                name: marmithon-config\n          # region:proxy-env\n',
    ),
  ),
  accept('k8s/configmap-ref', 'a ConfigMap the app bundles', (f) => {
    addConfigMap(f);
    f.replace(
      `${MAR}deployment.yaml`,
      '          # region:proxy-env\n',
      '          envFrom:\n            - configMapRef:\n                name: marmithon-config\n          # region:proxy-env\n',
    );
  }),
  reject('k8s/pvc-ref', 'a claim that is not bundled', `${QB}deployment.yaml`, (f) =>
    f.replace(`${QB}deployment.yaml`, 'claimName: qbittorrent-downloads', 'claimName: qbittorrent-data'),
  ),
  accept('k8s/pvc-ref', 'a third bundled claim mounted', (f) => {
    f.append(`${QB}persistentvolumeclaim.yaml`, secondClaim('qbittorrent-watch'));
    f.replace(
      `${QB}deployment.yaml`,
      '            claimName: qbittorrent-downloads\n',
      '            claimName: qbittorrent-downloads\n        - name: watch\n          persistentVolumeClaim:\n            claimName: qbittorrent-watch\n',
    );
  }),
  reject('k8s/runbook-secrets', 'a declaration without a valid creator', `${ICE}runbook-secrets.yaml`, (f) =>
    f.replace(`${ICE}runbook-secrets.yaml`, 'created_by: phase2-deploy-proxy.mjs', 'created_by: someone'),
  ),
  accept('k8s/runbook-secrets', 'a Secret created by hand', (f) =>
    f.replace(`${ICE}runbook-secrets.yaml`, 'created_by: phase2-deploy-proxy.mjs', 'created_by: manual'),
  ),
  reject('k8s/runbook-secret-unused', 'a declared Secret nobody uses', `${NL}runbook-secrets.yaml`, (f) =>
    f.append(
      `${NL}runbook-secrets.yaml`,
      '  - name: leftover\n    keys: [x]\n    created_by: manual\n    description: Not used.\n',
    ),
  ),
  accept('k8s/runbook-secret-unused', 'a declared Secret a container uses', (f) => {
    f.append(
      `${NL}runbook-secrets.yaml`,
      `  - name: ${SECOND.name}-httpproxy\n    keys: [password]\n    created_by: manual\n    description: HTTP proxy password.\n`,
    );
    f.replace(
      `${NL}deployment.yaml`,
      '            # One country',
      `            - name: HTTPPROXY_PASSWORD\n              valueFrom:\n                secretKeyRef:\n                  name: ${SECOND.name}-httpproxy\n                  key: password\n            # One country`,
    );
  }),
];
