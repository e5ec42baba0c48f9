/**
 * What is worth knowing about a ProtonVPN exit country when gluetun picks servers in it: a knowledge table
 * keyed by gluetun's country name, shown on the egress page and in a region's generated deployment.yaml only
 * for the countries the inventory uses. Not network facts: facts about Proton's servers, with their source.
 */
export const COUNTRY_NOTES: Record<string, string> = {
  Iceland:
    "few servers: two in Reykjavik in gluetun's server data of August 2026, both with port forwarding (an image may ship an older list; https://github.com/qdm12/gluetun/blob/master/internal/storage/servers.json).",
  Netherlands:
    '"Netherlands", not "The Netherlands" (gluetun\'s country names). Proton\'s Secure Core servers (CH-NL#..) are listed under this country too and stay eligible unless a filter excludes them: the exit IP is still Dutch, only slower (https://github.com/qdm12/gluetun/blob/v3.41.1/internal/provider/protonvpn/updater/servers.go).',
};

export function countryNote(country: string): string | undefined {
  return COUNTRY_NOTES[country];
}
