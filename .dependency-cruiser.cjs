/**
 * The library's layer rule, checked by `npm run check` (dependency-cruiser,
 * https://github.com/sverweij/dependency-cruiser/blob/main/doc/rules-reference.md).
 *
 * src/lib is split into folders by role; each may import only the layers listed for it (its own
 * folder included), never one above it. Runbook folders (runbooks/<name>/) may use the whole
 * library but not each other: what two runbooks share belongs in src/lib/steps/. Nothing in
 * src/lib imports a runbook. No cycles anywhere.
 */
const LAYERS = {
  core: [],
  inventory: ['core'],
  clients: ['core', 'inventory'],
  harness: ['core', 'inventory', 'clients'],
  steps: ['core', 'inventory', 'clients', 'harness'],
  lint: ['core', 'inventory'],
  site: ['core', 'inventory', 'harness', 'lint'],
  checks: ['core', 'inventory', 'harness', 'site'],
};

const layerRules = Object.entries(LAYERS).map(([layer, allowed]) => ({
  name: `layer-${layer}`,
  severity: 'error',
  comment: allowed.length
    ? `src/lib/${layer}/ may import only from itself and the layers below it: ${allowed.map((l) => `src/lib/${l}/`).join(', ')} (src/lib/README.md). Move the code down a layer, or pass what it needs in as an argument.`
    : `src/lib/${layer}/ is the lowest layer: it imports nothing else in src/lib (src/lib/README.md). Move what it needs down into core, or pass it in as an argument.`,
  from: { path: `^src/lib/${layer}/` },
  to: { path: `^src/lib/(?!(?:${[layer, ...allowed].join('|')})/)` },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'lib-not-runbooks',
      severity: 'error',
      comment: 'The library never imports a runbook: runbooks sit on top of it.',
      from: { path: '^src/lib/' },
      to: { path: '^runbooks/' },
    },
    {
      name: 'runbooks-not-each-other',
      severity: 'error',
      comment: "A runbook's folder is its own; what two runbooks share goes to src/lib/steps/.",
      from: { path: '^runbooks/([^/]+)/' },
      to: { path: '^runbooks/[^/]+/', pathNot: '^runbooks/$1/' },
    },
    {
      name: 'no-cycles',
      severity: 'error',
      comment:
        'No import cycles: they hide which module depends on which. An import into a higher layer usually closes one: fix the layer-* error reported with it first.',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|\\.astro)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.mjs', '.js'] },
  },
};
