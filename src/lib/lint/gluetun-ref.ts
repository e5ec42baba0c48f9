/**
 * The gluetun containers of the bundled pods, with their settings resolved the way gluetun v3.41.1 resolves
 * them: an old name before the current one, an empty value as unset, then the image's default
 * (gluetun-settings.ts). Shared by every gluetun rule.
 */
import { lineAt, type PathKey } from '../inventory/manifests.ts';
import { defaultOf, normalize, setting } from './gluetun-settings.ts';
import { parseBool } from './gluetun-values.ts';
import { containers, podTemplates, type ContainerRef } from './pods.ts';
import type { LintContext } from './types.ts';

const IMAGES = [
  'qmcgaw/gluetun',
  'docker.io/qmcgaw/gluetun',
  'index.docker.io/qmcgaw/gluetun',
  'ghcr.io/qdm12/gluetun',
];
export function isGluetunImage(image: string | undefined): boolean {
  return !!image && IMAGES.includes(image.replace(/@sha256:.*$/, '').replace(/:[^/]*$/, ''));
}

export interface EnvEntry {
  index: number;
  /** The literal value; undefined when it comes from a Secret or ConfigMap. */
  value?: string;
}

export interface GluetunRef extends ContainerRef {
  env: Map<string, EnvEntry>;
  /**
   * The effective raw value of a current setting (old name first, then the name, then the default); undefined when it
   * comes from a Secret.
   */
  get(key: string): string | undefined;
  /** The name that sets `key` (an old one or itself), if any. */
  setBy(key: string): string | undefined;
  /** The effective value as gluetun reads a boolean; undefined when unknown. */
  on(key: string): boolean | undefined;
  has(name: string): boolean;
  at(name: string, field?: 'value' | 'name'): number;
  /** VPN_SERVICE_PROVIDER as gluetun resolves it (provider.go readVPNServiceProvider). */
  provider: string | undefined;
  vpnType: string | undefined;
}

export function gluetunContainers(ctx: LintContext): GluetunRef[] {
  return podTemplates(ctx.objects).flatMap((pod) =>
    containers(pod)
      .filter((c) => isGluetunImage(c.container.image))
      .map(toRef),
  );
}

function toRef(ref: ContainerRef): GluetunRef {
  const env = new Map<string, EnvEntry>();
  (ref.container.env ?? []).forEach((e, index) =>
    env.set(e.name, { index, value: e.valueFrom ? undefined : (e.value ?? '') }),
  );
  const setBy = (key: string) => {
    const s = setting(key);
    const names = [...(s?.retro ?? []).map((r) => r.key), key];
    return names.find((n) => env.has(n) && (env.get(n)!.value !== '' || s?.acceptEmpty));
  };
  const get = (key: string) => {
    const name = setBy(key);
    const s = setting(key);
    if (!name) return s && defaultOf(s);
    const value = env.get(name)!.value;
    const retro = s?.retro?.find((r) => r.key === name);
    return value !== undefined && retro?.parse === 'uint16' && s?.parse === 'listen' ? `:${normalize(value)}` : value;
  };
  const on = (key: string) => {
    const v = get(key);
    return v === undefined ? undefined : parseBool(normalize(v));
  };
  const vpnType = (() => {
    const v = get('VPN_TYPE');
    return v === undefined ? undefined : normalize(v);
  })();
  const provider = (() => {
    // The image sets VPN_SERVICE_PROVIDER=pia; only a value the pod sets empty falls back to custom.
    if (!setBy('VPN_SERVICE_PROVIDER') && env.get('VPN_SERVICE_PROVIDER')?.value === '') {
      return vpnType !== 'wireguard' && env.has('OPENVPN_CUSTOM_CONFIG') ? 'custom' : 'private internet access';
    }
    const v = get('VPN_SERVICE_PROVIDER');
    if (v === undefined) return undefined;
    const name = normalize(v);
    return name === 'pia' || name === '' ? 'private internet access' : name;
  })();
  return {
    ...ref,
    env,
    get,
    setBy,
    on,
    has: (name) => env.has(name),
    provider,
    vpnType,
    at: (name, field = 'value') => {
      const e = env.get(name);
      const path: PathKey[] = e ? [...ref.path, 'env', e.index, field] : [...ref.path, 'env'];
      return lineAt(ref.pod.obj, path);
    },
  };
}
