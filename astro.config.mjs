// @ts-check
import { unified } from '@astrojs/markdown-remark';
import starlight from '@astrojs/starlight';
import { defineConfig } from 'astro/config';
import starlightLinksValidator from 'starlight-links-validator';
import { diagramSetup } from './src/lib/site/diagrams.ts';
import { mermaidClient } from './src/lib/site/mermaid-client.ts';
import { manifestSidebar } from './src/lib/site/manifest-pages.ts';
import { remarkInventoryDiagrams } from './src/lib/site/remark-inventory-diagrams.ts';

const diagrams = diagramSetup();

export default defineConfig({
  // The site is read over the tailnet; `site` only matters for the sitemap.
  site: process.env.AVALANCHE_SITE_URL ?? 'http://127.0.0.1:4321',
  server: { host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 4321) },
  // Astro 7's default Markdown processor (Sätteri) runs no rehype plugins; Mermaid needs unified.
  markdown: {
    processor: unified({ remarkPlugins: [remarkInventoryDiagrams, ...diagrams.remarkPlugins], rehypePlugins: diagrams.rehypePlugins }),
  },
  integrations: [
    starlight({
      title: 'Avalanche network',
      description: 'Remote access with Tailscale, VPN egress with gluetun: architecture, migration and runbooks.',
      customCss: ['./src/styles/site.css'],
      // The manifest pages are a dynamic route (src/pages/manifests/[app].astro), which the validator cannot
      // see; npm run check:links checks links to them in the built site.
      plugins: [starlightLinksValidator({ errorOnInvalidHashes: true, errorOnLocalLinks: true, exclude: manifestSidebar().map((l) => l.link) })],
      lastUpdated: false,
      pagination: true,
      sidebar: [
        { label: 'Overview', link: '/' },
        { label: 'Architecture', items: [{ autogenerate: { directory: 'architecture' } }] },
        { label: 'Migration', items: [{ autogenerate: { directory: 'migration' } }] },
        { label: 'Use cases', items: [{ autogenerate: { directory: 'use-cases' } }] },
        { label: 'Runbooks', collapsed: true, items: [{ autogenerate: { directory: 'runbooks' } }] },
        { label: 'Manifests', collapsed: true, items: [...manifestSidebar(), { autogenerate: { directory: 'manifests' } }] },
        { label: 'Reference', items: [{ autogenerate: { directory: 'reference' } }] },
      ],
    }),
    mermaidClient(!diagrams.chromium),
  ],
});
