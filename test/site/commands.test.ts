/**
 * src/lib/site/commands.ts: how many commands a copy block holds, what each does, and what a page of
 * copy blocks gets wrong. Runbook declarations are small fixtures, not the real runbooks.
 */
import { describe, expect, test } from 'vitest';
import { classifyCommand, copyBlockProblems, splitCommands, type RunbookFacts } from '../../src/lib/site/commands.ts';
import { commandBlock, commandGroups } from '../../src/lib/site/command-block.ts';
import { loadInventory, sharedProxies } from '../../src/lib/inventory/inventory.ts';

const RUNBOOKS: Record<string, RunbookFacts> = {
  deploy: { steps: [{}, { changes: 'applies manifests' }], rollback: {} },
  check: { steps: [{}, {}], rollback: null },
};
const facts = (name: string) => RUNBOOKS[name];

describe('splitCommands()', () => {
  test.each([
    ['npx zx runbooks/deploy.mjs --dry-run', 1],
    ['a\nb', 2],
    ['a && b', 2],
    ['a; b', 2],
    ['a || b', 2],
    ['kubectl get pods | grep x', 1],
    ['npx zx runbooks/deploy.mjs \\\n  --region iceland', 1],
    ["echo 'a; b && c'", 1],
    ['echo "a\\" ; b"', 1],
    ['tailscale status   # routy is listed', 1],
    ['# only a comment\n', 0],
  ])('%j holds %i command(s)', (text, n) => {
    expect(splitCommands(text)).toHaveLength(n);
  });
});

describe('classifyCommand()', () => {
  test.each([
    ['npx zx runbooks/deploy.mjs --dry-run', 'dry-run'],
    ['npx zx runbooks/deploy.mjs --dry-run=server', 'dry-run'],
    ['npx zx runbooks/deploy.mjs --rollback --dry-run', 'dry-run'],
    ['npx zx runbooks/deploy.mjs --help', 'read'],
    ['npx zx runbooks/deploy.mjs', 'change'],
    ['npx zx runbooks/deploy.mjs --region iceland', 'change'],
    ['npx zx runbooks/check.mjs --json', 'read'],
    ['npx zx runbooks/check.mjs --yes', 'change'],
    ['npx zx runbooks/check.mjs --rollback', 'change'],
    ['npx zx runbooks/unknown.mjs', 'change'],
    ['sudo tailscale set --accept-routes', 'change'],
    ['tailscale serve --bg --https=443 http://127.0.0.1:4321', 'change'],
    ['tailscale serve status', 'read'],
    ['tailscale status', 'read'],
    ['tailscale dns query kanidm.internal', 'read'],
    ['kubectl -n vpn-egress apply -k manifests/x', 'change'],
    ['kubectl apply -k manifests/x --dry-run=server', 'dry-run'],
    ['kubectl --context avalanche -n ns port-forward svc/q 8080', 'read'],
    ['kubectl rollout restart deploy/x', 'change'],
    ['kubectl rollout status deploy/x', 'read'],
    ['sudo ethtool -K eth0 rx-udp-gro-forwarding on', 'change'],
    ['ethtool -k eth0', 'read'],
    ['sudo sysctl -p /etc/sysctl.d/99-tailscale.conf', 'change'],
    ['sysctl net.ipv4.ip_forward', 'read'],
  ])('%s: %s', (command, kind) => {
    expect(classifyCommand(command, facts).kind).toBe(kind);
  });
});

describe('copyBlockProblems()', () => {
  const sh = (text: string, underCaution = false) => ({ text, lang: 'sh', underCaution });
  test('a page that rehearses, then changes under a caution aside, is fine', () => {
    expect(
      copyBlockProblems(
        [
          sh('npx zx runbooks/deploy.mjs --dry-run'),
          sh('npx zx runbooks/deploy.mjs', true),
          sh('npx zx runbooks/check.mjs'),
        ],
        facts,
      ),
    ).toEqual([]);
  });
  test('two commands in one block, mixing a dry run with a change', () => {
    expect(
      copyBlockProblems([sh('npx zx runbooks/deploy.mjs --dry-run\nnpx zx runbooks/deploy.mjs', true)], facts),
    ).toEqual([
      'block 1 "npx zx runbooks/deploy.mjs --dry-run": copies 2 commands, mixing a dry run with a change; expected exactly one',
    ]);
  });
  test('a change without a caution aside, and before its dry run', () => {
    expect(
      copyBlockProblems([sh('npx zx runbooks/deploy.mjs --yes'), sh('npx zx runbooks/deploy.mjs --dry-run')], facts),
    ).toEqual([
      'block 1 "npx zx runbooks/deploy.mjs --yes": changes something (--yes without --dry-run) but is not under a caution aside',
      'block 1 "npx zx runbooks/deploy.mjs --yes": runs runbooks/deploy.mjs for real before the page shows its --dry-run',
    ]);
  });
  test('blocks that are not shell (a manifest, a list of URLs) are not commands', () => {
    expect(
      copyBlockProblems(
        [
          { text: 'a: 1\nb: 2', lang: 'yaml', underCaution: false },
          { text: 'http://a\nhttp://b', lang: 'text', underCaution: false },
        ],
        facts,
      ),
    ).toEqual([]);
  });
});

describe('commandGroups()', () => {
  test('keeps a flag with its value, and boolean flags alone', () => {
    expect(commandGroups('npx zx runbooks/deploy.mjs --region iceland --yes --json')).toEqual([
      'npx',
      'zx',
      'runbooks/deploy.mjs',
      '--region iceland',
      '--yes',
      '--json',
    ]);
    expect(commandGroups('npx zx runbooks/verify.mjs --report-dir reports --dry-run')).toEqual([
      'npx',
      'zx',
      'runbooks/verify.mjs',
      '--report-dir reports',
      '--dry-run',
    ]);
  });
});

describe('commandBlock(): the dry run and the undo name the same target as the command', () => {
  const root = new URL('../../', import.meta.url).pathname;
  const region = sharedProxies(loadInventory())[0]!.region;
  const deploy = `npx zx runbooks/phase2-deploy-proxy.mjs --region ${region}`;

  test('a one-region deploy rehearses that region and rolls back that region', () => {
    const block = commandBlock(deploy, {}, root);
    expect(block.kind).toBe('change');
    expect(block.dryRun).toBe(`${deploy} --dry-run`);
    expect(block.undo).toContain(`--rollback --region ${region}`);
    expect(block.undo).not.toContain('<region>');
    // "All at once" is every region: no --region there.
    expect(block.undo).toMatch(/all at once: `npx zx runbooks\/phase2-deploy-proxy\.mjs --rollback`/);
  });

  test('a one-region rollback rehearses that region', () => {
    const block = commandBlock(`npx zx runbooks/phase2-deploy-proxy.mjs --rollback --region ${region}`, {}, root);
    expect(block.dryRun).toBe(`npx zx runbooks/phase2-deploy-proxy.mjs --rollback --region ${region} --dry-run`);
  });

  test('a command for every region keeps the generic words', () => {
    const block = commandBlock('npx zx runbooks/phase2-deploy-proxy.mjs', {}, root);
    expect(block.dryRun).toBe('npx zx runbooks/phase2-deploy-proxy.mjs --dry-run');
  });
});
