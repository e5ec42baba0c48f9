/**
 * Starlight route middleware (astro.config.mjs `routeMiddleware`):
 * https://starlight.astro.build/guides/route-data/#how-to-customize-route-data
 *
 * - A page titled like the site (the home page) gets "Avalanche network" as its <title>, not
 *   "Avalanche network | Avalanche network".
 * - A page that renders <RunbookPage name="…"> lists that runbook's sections (Run it, Steps, Rollback, …)
 *   in "On this page": Starlight builds the list from the Markdown's own headings, and those sections
 *   are rendered by the component, out of its sight. The sections come from runbook-help.ts, the same
 *   list RunbookPage.astro renders as headings.
 */
import { defineRouteMiddleware } from '@astrojs/starlight/route-data';
import { runbookHelp, runbookSections } from './runbook-help.ts';

const RUNBOOK_PAGE = /<RunbookPage\s+name="([a-z0-9-]+)"/;

export const onRequest = defineRouteMiddleware((context) => {
  const route = context.locals.starlightRoute;
  const title = route.entry.data.title;
  if (title === route.siteTitle) {
    const tag = route.head.find((h) => h.tag === 'title');
    if (tag) tag.content = route.siteTitle;
  }

  const runbook = RUNBOOK_PAGE.exec(route.entry.body ?? '')?.[1];
  if (runbook && route.toc) {
    const have = new Set(route.toc.items.map((i) => i.slug));
    for (const s of runbookSections(runbookHelp(runbook))) {
      if (!have.has(s.slug)) route.toc.items.push({ depth: 2, slug: s.slug, text: s.text, children: [] });
    }
  }
});
