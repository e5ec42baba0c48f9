/**
 * The diagram pipeline of src/lib/site/diagrams.ts, through Astro's own unified Markdown processor
 * (the one astro.config.mjs uses), on small Markdown strings: cheaper than building a broken copy
 * of the site, and the same code path.
 */
import { markdownConfigDefaults, unified } from '@astrojs/markdown-remark';
import { beforeEach, describe, expect, test, vi } from 'vitest';
import { CHROMIUM_INSTALL_HINT, findChromium } from '../../src/lib/site/chromium.ts';
import { diagramSetup } from '../../src/lib/site/diagrams.ts';

const DIAGRAM = (body: string, alt = '  accTitle: Two hosts\n  accDescr: A reaches B.\n') => `# Page\n\nText.\n\n\`\`\`mermaid\nflowchart LR\n${alt}${body}\n\`\`\`\n`;
// Astro's processor also logs the error it rethrows; the assertions are on the thrown error.
beforeEach(() => {
  vi.spyOn(console, 'error').mockImplementation(() => {});
  return () => vi.restoreAllMocks();
});

const page = (name: string) => new URL(`file:///repo/src/content/docs/architecture/${name}.md`);

async function renderer(setup: ReturnType<typeof diagramSetup>) {
  return unified({ remarkPlugins: setup.remarkPlugins as never, rehypePlugins: setup.rehypePlugins as never }).createRenderer({ ...markdownConfigDefaults } as never);
}

async function render(markdown: string, name: string, env: NodeJS.ProcessEnv = process.env) {
  const warnings: string[] = [];
  const setup = diagramSetup(env, (m) => warnings.push(m));
  try {
    const { code } = await (await renderer(setup)).render(markdown, { fileURL: page(name) });
    return { code, warnings, setup };
  } finally {
    await setup.browser?.close();
  }
}

describe('diagramSetup() with Chromium', () => {
  test('finds Debian\'s Chromium (or fails saying how to install it)', () => {
    expect(findChromium(), `no Chromium: ${CHROMIUM_INSTALL_HINT}`).toBeTruthy();
  });

  test('renders a diagram to inline SVG with its text alternative, and no Mermaid script', async () => {
    const { code, warnings } = await render(DIAGRAM('  A --> B'), 'ok');
    expect(warnings).toEqual([]);
    expect(code).toMatch(/<figure class="diagram"><svg [^>]*aria-labelledby="chart-title-mermaid-\d+"/);
    expect(code).toMatch(/<title id="chart-title-mermaid-\d+">Two hosts<\/title>/);
    expect(code).toMatch(/<desc id="chart-desc-mermaid-\d+">A reaches B\.<\/desc>/);
    expect(code).toContain('<figcaption>Two hosts</figcaption>');
    expect(code).not.toMatch(/<script|pre class="mermaid"/);
  }, 30_000);

  test('fails on an invalid diagram, naming the page', async () => {
    await expect(render(DIAGRAM('  A -->>>> '), 'broken')).rejects.toThrow(/src\/content\/docs\/architecture\/broken\.md: invalid Mermaid diagram starting "flowchart LR"/);
  }, 30_000);
});

describe('one Chromium page for the whole build', () => {
  test('pages rendered at once share one launch and one Mermaid load; each page keeps its own SVG ids', async () => {
    const setup = diagramSetup(process.env, () => {});
    try {
      const md = await renderer(setup);
      const pages = await Promise.all(
        ['one', 'two', 'three', 'four'].map((name, i) => md.render(DIAGRAM(`  A${i} --> B${i}`), { fileURL: page(name) })),
      );
      for (const [i, { code }] of pages.entries()) {
        expect(code).toContain(`A${i}`);
        expect(code).toMatch(/<svg [^>]*id="mermaid-0"/);
      }
      // As Astro does: four pages at once. One browser; the page, two style sheets and Mermaid loaded once; one render per page.
      expect(setup.browser!.stats).toEqual({ launches: 1, loads: 4, renders: 4 });
      // After close (or the idle delay) the next page launches again rather than failing.
      await setup.browser!.close();
      const again = await md.render(DIAGRAM('  C --> D'), { fileURL: page('five') });
      expect(again.code).toMatch(/<svg /);
      expect(setup.browser!.stats.launches).toBe(2);
    } finally {
      await setup.browser?.close();
    }
  }, 60_000);
});

describe('remarkDiagrams()', () => {
  test.each([
    ['no accTitle and no accDescr', ''],
    ['accTitle only', '  accTitle: Two hosts\n'],
    ['accDescr only', '  accDescr: A reaches B.\n'],
  ])('refuses a diagram with %s, naming the page and line', async (_name, alt) => {
    await expect(render(DIAGRAM('  A --> B', alt), 'noalt', { ...process.env, AVALANCHE_CHROMIUM: 'none' })).rejects.toThrow(
      /src\/content\/docs\/architecture\/noalt\.md:5: diagram without a text alternative: add "accTitle: …" and "accDescr: …"/,
    );
  });
});

describe('diagramSetup() without Chromium', () => {
  test('warns once, saying how to get build-time SVGs', () => {
    const warnings: string[] = [];
    const setup = diagramSetup({ PATH: '/nonexistent', AVALANCHE_CHROMIUM: 'none' }, (m) => warnings.push(m));
    expect(setup.chromium).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^\[diagrams\] no Chromium found: .*apt-get install -y chromium/);
  });

  test('keeps the source and loads the client module only on pages with a diagram', async () => {
    const env = { ...process.env, AVALANCHE_CHROMIUM: 'none' };
    const withDiagram = await render(DIAGRAM('  A --> B'), 'with', env);
    expect(withDiagram.code).toContain('<pre class="mermaid">');
    expect(withDiagram.code).toContain('<script type="module" src="/_mermaid/init.js"></script>');
    expect(withDiagram.code).not.toContain('<svg');
    const without = await render('# Page\n\n```yaml\na: b\n```\n', 'without', env);
    expect(without.code).not.toContain('_mermaid');
  });
});
