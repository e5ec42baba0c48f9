/**
 * The tailnet policy file's top-level sections Tailscale accepts, each with where it is stated: the syntax
 * reference's section table (tailscale.com/docs/reference/syntax/policy-file, "Last validated Apr 8, 2026")
 * and the policy struct of Tailscale's Go API client, tailscale-client-go-v2 v2.9.0 (policyfile.go, type ACL),
 * which also carries sections the reference table leaves out (defaultSrcPosture, attrConfig). The control
 * plane that parses the file is not open source, so these two are the best evidence there is.
 */
const DOCS = 'https://tailscale.com/docs/reference/syntax/policy-file';
const CLIENT = 'https://github.com/tailscale/tailscale-client-go-v2/blob/v2.9.0/policyfile.go';

export interface PolicySection {
  key: string;
  what: string;
  source: string;
}

export const POLICY_SECTIONS: readonly PolicySection[] = [
  { key: 'grants', what: 'network and application access rules', source: DOCS },
  { key: 'acls', what: 'network access rules (legacy syntax)', source: DOCS },
  { key: 'ssh', what: 'who may use Tailscale SSH', source: DOCS },
  { key: 'autoApprovers', what: 'routes and exit nodes approved without a click', source: DOCS },
  { key: 'nodeAttrs', what: 'attributes for devices and users', source: DOCS },
  { key: 'postures', what: 'device posture rules', source: DOCS },
  { key: 'defaultSrcPosture', what: 'postures applied to every grant source', source: CLIENT },
  { key: 'attrConfig', what: 'custom device attributes', source: CLIENT },
  { key: 'tagOwners', what: 'who may assign each tag', source: DOCS },
  { key: 'groups', what: 'named groups of users', source: DOCS },
  { key: 'hosts', what: 'named addresses and subnets', source: DOCS },
  { key: 'ipsets', what: 'named network segments', source: DOCS },
  { key: 'tests', what: 'assertions on access rules', source: DOCS },
  { key: 'sshTests', what: 'assertions on SSH rules', source: DOCS },
  { key: 'derpMap', what: 'custom DERP relays (network-wide option)', source: DOCS },
  { key: 'disableIPv4', what: 'network-wide option', source: DOCS },
  { key: 'OneCGNATRoute', what: 'network-wide option (docs spelling)', source: DOCS },
  { key: 'oneCGNATRoute', what: 'network-wide option (API client spelling)', source: CLIENT },
  { key: 'randomizeClientPort', what: 'network-wide option', source: DOCS },
];
