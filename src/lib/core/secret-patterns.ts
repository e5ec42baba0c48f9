/**
 * This project's own secretlint rule, beside secretlint's recommended preset: the secrets this
 * network actually has (design.md: "Secrets (WireGuard key, Tailscale API key) never in git,
 * argv, logs, output, reports, dry-run output, the site").
 *
 * - WireGuard private keys: 32 bytes in base64 is 43 characters plus "=", and because 256 bits
 *   leave 2 spare bits, the 43rd character is one of A E I M Q U Y c g k o s w 0 4 8
 *   (https://www.wireguard.com/protocol/ — Curve25519 keys are 32 bytes). Only reported next to a
 *   key-ish word (private, wireguard, secret, psk…), not next to "public": public keys are shared.
 * - Tailscale keys: tskey-auth-…, tskey-api-…, tskey-client-… (https://tailscale.com/kb/1085/auth-keys,
 *   https://tailscale.com/kb/1101/api).
 * - ProtonVPN credentials: a literal OPENVPN_PASSWORD (gluetun's variable, see
 *   https://github.com/qdm12/gluetun-wiki/blob/main/setup/providers/protonvpn.md) and a "+pmp" username followed by a colon and a password
 *   (ProtonVPN's port-forwarding username suffix, https://protonvpn.com/support/port-forwarding-manual-setup).
 * - PEM private key blocks.
 * Each finding's range is the secret value itself, so callers can judge whether it is a fake.
 */
import type { SecretLintRuleCreator } from '@secretlint/types';

export type SecretKind = 'wireguard-key' | 'tailscale-key' | 'protonvpn-password' | 'pem-private-key';

export interface SecretMatch {
  kind: SecretKind;
  start: number;
  end: number;
}

const WG_KEY = /(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=(?![A-Za-z0-9+/=])/g;
const KEYISH = /private|wireguard|wg[_-]?key|secret|psk|preshared|password|token/i;
// A random part of 10+ characters: prose such as "a tskey-client-… key" is not a key.
const TSKEY = /tskey-(?:[a-z]+-)?[A-Za-z0-9]{10,}(?:-[A-Za-z0-9]{6,})*/g;
// A literal value of 8+ password characters ending at a quote, space, comma or line end: not
// `${VAR}`, `<placeholder>`, `{{ template }}`, a valueFrom block, or code such as `z.string()`.
const OPENVPN_PASSWORD =
  /OPENVPN_PASSWORD["']?\s*(?::|=|\n\s*-?\s*value\s*:)[ \t]*["']?([A-Za-z0-9+/=_.!@#%^&*~-]{8,})(?=["'\s,]|$)/g;
// "user+pmp:password": a literal password, not a reference such as ${PASSWORD} or <password>.
const PMP_PAIR = /[\w.-]+\+pmp:([^\s@/"'`${}<>%]{4,})(?=[@\s"'`]|$)/g;
/** Words that stand for a password in prose and examples ("user+pmp:password"). */
const PLACEHOLDER = /^(?:password|passwd|secret|changeme|your[-_]?password|\*+)$/i;
const PEM = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----/g;

/** The text before `index` on its own line and the line above it. */
function context(text: string, index: number): { line: string; before: string } {
  const lineStart = text.lastIndexOf('\n', index - 1) + 1;
  const prevStart = text.lastIndexOf('\n', lineStart - 2) + 1;
  return { line: text.slice(lineStart, index), before: text.slice(prevStart, index) };
}

export function findSecrets(text: string): SecretMatch[] {
  const found: SecretMatch[] = [];
  for (const m of text.matchAll(WG_KEY)) {
    const { line, before } = context(text, m.index);
    if (/public/i.test(line) || !KEYISH.test(before)) continue;
    found.push({ kind: 'wireguard-key', start: m.index, end: m.index + m[0].length });
  }
  for (const m of text.matchAll(TSKEY))
    found.push({ kind: 'tailscale-key', start: m.index, end: m.index + m[0].length });
  for (const re of [OPENVPN_PASSWORD, PMP_PAIR]) {
    for (const m of text.matchAll(re)) {
      if (PLACEHOLDER.test(m[1]!)) continue;
      const start = m.index + m[0].length - m[1]!.length;
      found.push({ kind: 'protonvpn-password', start, end: m.index + m[0].length });
    }
  }
  for (const m of text.matchAll(PEM))
    found.push({ kind: 'pem-private-key', start: m.index, end: m.index + m[0].length });
  return found.sort((a, b) => a.start - b.start);
}

const WHERE = 'keep it out of git and the site (environment, a file outside the repository, or a password manager)';
// One message per kind, without data: secretlint masks message data, and callers read the kind back from messageId.
const messages = {
  'wireguard-key': { en: () => `found a WireGuard private key: ${WHERE}` },
  'tailscale-key': { en: () => `found a Tailscale key (tskey-…): ${WHERE}` },
  'protonvpn-password': { en: () => `found a ProtonVPN credential (OpenVPN password): ${WHERE}` },
  'pem-private-key': { en: () => `found a PEM private key: ${WHERE}` },
};

export const RULE_ID = '@avalanche/secretlint-rule-network';

export const networkSecretsRule: SecretLintRuleCreator = {
  messages,
  meta: {
    id: RULE_ID,
    type: 'scanner',
    recommended: true,
    supportedContentTypes: ['text'],
    docs: { url: 'https://github.com/secretlint/secretlint' },
  },
  create(context) {
    const t = context.createTranslator(messages);
    return {
      file(source) {
        for (const match of findSecrets(source.content))
          context.report({ message: t(match.kind), range: [match.start, match.end] });
      },
    };
  },
};
