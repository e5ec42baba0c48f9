/**
 * qBittorrent's Web API, read from inside its pod. gluetun runs as a native sidecar in the same pod, so
 * both share one network namespace: `wget` in the gluetun container reaches qBittorrent on 127.0.0.1, and
 * "Bypass authentication for clients on localhost" (bypass_local_auth) lets it in without a password,
 * exactly as gluetun's VPN_PORT_FORWARDING_UP_COMMAND does (gluetun wiki v3.41.0,
 * setup/advanced/vpn-port-forwarding.md). GET /api/v2/app/preferences returns the preferences JSON,
 * `listen_port` among them (qbittorrent src/webui/api/appcontroller.cpp, preferencesAction). The wget is
 * gluetun's GNU wget: a refusal is exit 8 with "ERROR 403: Forbidden." (see wgetHttpStatus).
 */
import { GluetunError, explainWget, wgetHttpStatus } from './gluetun.ts';
import type { Kube } from './kube.ts';

export interface QbPreferences {
  listen_port: number;
  current_network_interface?: string;
  random_port?: boolean;
  upnp?: boolean;
  bypass_local_auth?: boolean;
}

export async function qbPreferences(
  kube: Kube,
  target: { resource: string; namespace: string; container: string },
  webuiPort: number,
): Promise<QbPreferences | undefined> {
  const url = `http://127.0.0.1:${webuiPort}/api/v2/app/preferences`;
  const r = await kube.exec(target, ['wget', '-nv', '-O-', '-T', '10', url], { okCodes: 'any' });
  if (!r.ran) return undefined;
  if (r.code !== 0) {
    const msg = explainWget(`qBittorrent ${url}`, r.code, r.stderr);
    throw new GluetunError(
      wgetHttpStatus(r.code, r.stderr) === 403
        ? `${msg} qBittorrent refused: enable "Bypass authentication for clients on localhost" (Tools > Options > Web UI), which gluetun's port-forwarding command needs too.`
        : msg,
    );
  }
  try {
    return JSON.parse(r.stdout) as QbPreferences;
  } catch {
    throw new GluetunError(
      `qBittorrent ${url} answered something that is not JSON (a login page?): ${r.stdout.slice(0, 80)}`,
    );
  }
}
