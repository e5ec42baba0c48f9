/**
 * The generator (src/lib/inventory/generate.ts): templates rendered from an inventory. The fixture
 * inventory's regions decide what is generated; the bundled files are held to the bundled inventory by
 * the lint rule inventory/generated, tested in test/lint/inventory-facts.test.ts.
 */
import { describe, expect, test } from 'vitest';
import { InputError } from '../../src/lib/core/errors.ts';
import { GENERATED_MARK, generatedFiles, render } from '../../src/lib/inventory/generate.ts';
import { editFixture, fixtureInventory } from './fixture.ts';

describe('render()', () => {
  test('fills placeholders, drops a line whose lone placeholder is empty, repeats the prefix for several lines', () => {
    const out = render('name: {{ name }}\n  # {{ note }}\nport: {{port}}\n    # {{ empty }}\nend', 't.yaml', {
      name: 'x',
      note: 'one\ntwo',
      port: '1',
      empty: '',
    });
    expect(out).toBe('name: x\n  # one\n  # two\nport: 1\nend');
  });

  test('refuses an unknown placeholder with the template line', () => {
    expect(() => render('a\nb: {{ nope }}', 'templates/t.yaml', { name: 'x' })).toThrow(InputError);
    expect(() => render('a\nb: {{ nope }}', 'templates/t.yaml', { name: 'x' })).toThrow(
      /^templates\/t\.yaml:2: unknown placeholder \{\{ nope \}\}; expected one of name/,
    );
  });
});

describe('generatedFiles()', () => {
  const inv = fixtureInventory();
  const files = generatedFiles(inv);

  test('one folder per region of the inventory, plus the shared namespace', () => {
    const folders = [...new Set(files.map((f) => f.path.split('/').slice(0, 2).join('/')))];
    expect(folders).toEqual(['manifests/namespace', 'manifests/vpn-proxy-alpha', 'manifests/vpn-proxy-beta']);
  });

  test("every file says it is generated and carries the region's values, none of another region", () => {
    for (const f of files.filter((x) => x.path.startsWith('manifests/vpn-proxy-alpha/'))) {
      expect(f.text).toContain(GENERATED_MARK);
      expect(f.text).not.toContain('{{');
      expect(f.text).not.toMatch(/vpn-proxy-beta|Japan/);
      expect(f.key).toBe('vpn.proxies.alpha');
    }
    const deployment = files.find((f) => f.path === 'manifests/vpn-proxy-alpha/deployment.yaml')!.text;
    expect(deployment).toMatch(/name: SERVER_COUNTRIES\n\s+value: Switzerland\n/);
    expect(deployment).toContain('namespace: egress');
    expect(files.find((f) => f.path === 'manifests/vpn-proxy-alpha/networkpolicy.yaml')!.text).toContain(
      'example.org/vpn-client: vpn-proxy-alpha',
    );
    expect(files.find((f) => f.path === 'manifests/namespace/namespace.yaml')!.text).toMatch(/^ {2}name: egress$/m);
  });

  test('a region added to the inventory gets its folder; a removed one loses it', () => {
    const added = generatedFiles(
      fixtureInventory(
        editFixture('  sidecars:\n', '    - region: gamma\n      country: Chile\n      status: planned\n  sidecars:\n'),
      ),
    );
    expect(added.filter((f) => f.path.startsWith('manifests/vpn-proxy-gamma/')).length).toBe(
      files.filter((f) => f.path.startsWith('manifests/vpn-proxy-alpha/')).length,
    );
    const removed = generatedFiles(
      fixtureInventory(
        editFixture(
          '    - region: beta\n      country: Japan\n      status: planned\n      example_for: region-specific-access\n',
          '',
        ),
      ),
    );
    expect(removed.some((f) => f.path.includes('vpn-proxy-beta'))).toBe(false);
  });
});
