// @ts-check
import { readFileSync } from 'node:fs';
import { unified } from '@astrojs/markdown-remark';
import starlight from '@astrojs/starlight';
import { defineConfig } from 'astro/config';
import starlightLinksValidator from 'starlight-links-validator';
import { diagramSetup } from './src/lib/site/diagrams.ts';
import { mermaidClient } from './src/lib/site/mermaid-client.ts';
import { manifestSidebar } from './src/lib/site/manifest-pages.ts';
import { remarkInventoryDiagrams } from './src/lib/site/remark-inventory-diagrams.ts';
import { editLinkBase, publishedSite, quietKnownWarnings } from './src/lib/site/site-config.ts';

// Finds (or unpacks, the first time) a Chromium for build-time diagrams: src/lib/site/chromium.ts.
const diagrams = await diagramSetup();
const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const editBase = editLinkBase(process.env, pkg.repository);
const site = publishedSite();

export default defineConfig({
  // The address the docs are published at (publish-docs sets it to the tailnet name it serves), for
  // canonical links, og:url and the sitemap; unset, none of them is written.
  site,
  server: { host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 4321) },
  // Astro 7's default Markdown processor (Sätteri) runs no rehype plugins; Mermaid needs unified.
  markdown: {
    processor: unified({
      remarkPlugins: [remarkInventoryDiagrams, ...diagrams.remarkPlugins],
      rehypePlugins: diagrams.rehypePlugins,
    }),
  },
  // Only known noise is filtered (site-config.ts says which and why); any other warning still shows.
  vite: { build: { rolldownOptions: { onwarn: quietKnownWarnings } } },
  integrations: [
    starlight({
      title: 'Avalanche network',
      description: 'Remote access with Tailscale, VPN egress with gluetun: architecture, migration and runbooks.',
      customCss: ['./src/styles/site.css'],
      components: { MarkdownContent: './src/components/MarkdownContent.astro' },
      routeMiddleware: './src/lib/site/route-data.ts',
      // The manifest pages are a dynamic route (src/pages/manifests/[app].astro), which the validator cannot
      // see; npm run check:links checks links to them in the built site.
      plugins: [
        starlightLinksValidator({
          errorOnInvalidHashes: true,
          errorOnLocalLinks: true,
          exclude: manifestSidebar().map((l) => l.link),
        }),
      ],
      // The date of each page's last commit (git log at build time).
      lastUpdated: true,
      ...(editBase ? { editLink: { baseUrl: editBase } } : {}),
      pagination: true,
      sidebar: [
        { label: 'Overview', link: '/' },
        { label: 'Architecture', items: [{ autogenerate: { directory: 'architecture' } }] },
        { label: 'Migration', items: [{ autogenerate: { directory: 'migration' } }] },
        { label: 'Use cases', items: [{ autogenerate: { directory: 'use-cases' } }] },
        { label: 'Runbooks', collapsed: true, items: [{ autogenerate: { directory: 'runbooks' } }] },
        {
          label: 'Manifests',
          collapsed: true,
          items: [...manifestSidebar(), { autogenerate: { directory: 'manifests' } }],
        },
        { label: 'Reference', items: [{ autogenerate: { directory: 'reference' } }] },
      ],
    }),
    mermaidClient(!diagrams.chromium),
    // A sitemap needs absolute URLs: with no published address there is none. Starlight adds
    // @astrojs/sitemap unless an integration of that name is present, and the sitemap then warns on
    // every build that `site` is missing; this empty one stands in for it until a site is set.
    ...(site ? [] : [{ name: '@astrojs/sitemap', hooks: {} }]),
  ],
});
