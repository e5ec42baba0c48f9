/**
 * qBittorrent's Web API, read from inside its pod. gluetun runs as a native sidecar in the same pod, so
 * both share one network namespace: `wget` in the gluetun container reaches qBittorrent on 127.0.0.1, and
 * "Bypass authentication for clients on localhost" (bypass_local_auth) lets it in without a password,
 * exactly as gluetun's VPN_PORT_FORWARDING_UP_COMMAND does (research/gluetun.md §5, the wiki's qBittorrent
 * example). GET /api/v2/app/preferences returns the preferences JSON, `listen_port` among them
 * (qbittorrent src/webui/api/appcontroller.cpp, preferencesAction).
 */
import { GluetunError, explainWget } from './gluetun.ts';
import type { Kube } from './kube.ts';

export interface QbPreferences {
  listen_port: number;
  current_network_interface?: string;
  random_port?: boolean;
  upnp?: boolean;
  bypass_local_auth?: boolean;
}

export async function qbPreferences(kube: Kube, target: { resource: string; namespace: string; container: string }, webuiPort: number): Promise<QbPreferences | undefined> {
  const url = `http://127.0.0.1:${webuiPort}/api/v2/app/preferences`;
  const r = await kube.exec(target, ['wget', '-qO-', '-T', '10', url], { okCodes: 'any' });
  if (!r.ran) return undefined;
  if (r.code !== 0) {
    const msg = explainWget(`qBittorrent ${url}`, r.code, r.stderr);
    throw new GluetunError(/403/.test(r.stderr) ? `${msg} qBittorrent refused: enable "Bypass authentication for clients on localhost" (Tools > Options > Web UI), which gluetun's port-forwarding command needs too.` : msg);
  }
  try {
    return JSON.parse(r.stdout) as QbPreferences;
  } catch {
    throw new GluetunError(`qBittorrent ${url} answered something that is not JSON (a login page?): ${r.stdout.slice(0, 80)}`);
  }
}
