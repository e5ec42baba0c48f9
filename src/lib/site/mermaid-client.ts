/**
 * The fallback for machines without Chromium: an Astro integration that ships Mermaid's own
 * ESM build under /_mermaid/ (copied from node_modules, never fetched) plus a tiny init module.
 * Pages reference it only when they contain a diagram (see diagrams.ts).
 */
import type { AstroIntegration } from 'astro';
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLIENT_SIZE_SOURCE } from './diagram-size.ts';
import { MERMAID_CLIENT_DIR } from './diagrams.ts';

// The same neutral theme as the build-time SVGs: site.css inverts it for the dark theme, so both paths
// look alike and a theme switch needs no re-render. Each diagram gets the same legible minimum width as at
// build time as soon as it is drawn (Mermaid draws them one by one), and is then marked data-sized.
const INIT = `import mermaid from './mermaid.esm.min.mjs';
${CLIENT_SIZE_SOURCE}
mermaid.initialize({ startOnLoad: false, theme: 'neutral', fontFamily: 'system-ui, sans-serif', securityLevel: 'strict' });
await mermaid.run({ querySelector: 'figure.diagram pre.mermaid', postRenderCallback: sizeDiagrams });
sizeDiagrams();
`;

function mermaidDist(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mermaid/package.json')), 'dist');
}

function copyClient(target: string): void {
  const dist = mermaidDist();
  mkdirSync(join(target, 'chunks/mermaid.esm.min'), { recursive: true });
  cpSync(join(dist, 'mermaid.esm.min.mjs'), join(target, 'mermaid.esm.min.mjs'));
  const chunks = join(dist, 'chunks/mermaid.esm.min');
  for (const f of readdirSync(chunks).filter((f) => f.endsWith('.mjs'))) {
    cpSync(join(chunks, f), join(target, 'chunks/mermaid.esm.min', f));
  }
  writeFileSync(join(target, 'init.js'), INIT);
}

export function mermaidClient(enabled: boolean): AstroIntegration {
  return {
    name: 'avalanche-mermaid-client',
    hooks: {
      'astro:server:setup': ({ server }) => {
        if (!enabled) return;
        const dist = mermaidDist();
        server.middlewares.use(`/${MERMAID_CLIENT_DIR}/`, (req, res, next) => {
          const path = (req.url ?? '/').split('?')[0];
          try {
            const body = path === '/init.js' ? INIT : readFileSync(join(dist, path));
            res.setHeader('Content-Type', 'text/javascript');
            res.end(body);
          } catch {
            next();
          }
        });
      },
      'astro:build:done': ({ dir }) => {
        if (enabled) copyClient(join(fileURLToPath(dir), MERMAID_CLIENT_DIR));
      },
    },
  };
}
