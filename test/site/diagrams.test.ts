/**
 * The diagram pipeline of src/lib/site/diagrams.ts, through Astro's own unified Markdown processor
 * (the one astro.config.mjs uses), on small Markdown strings: cheaper than building a broken copy
 * of the site, and the same code path.
 */
import { markdownConfigDefaults, unified } from '@astrojs/markdown-remark';
import { afterAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { CHROMIUM_INSTALL_HINT, ensureChromium } from '../../src/lib/site/chromium.ts';
import { diagramSetup } from '../../src/lib/site/diagrams.ts';
import { legibleMinWidth, MIN_DIAGRAM_TEXT_PX, svgMetrics } from '../../src/lib/site/diagram-size.ts';

const DIAGRAM = (body: string, alt = '  accTitle: Two hosts\n  accDescr: A reaches B.\n') =>
  `# Page\n\nText.\n\n\`\`\`mermaid\nflowchart LR\n${alt}${body}\n\`\`\`\n`;
// Astro's processor also logs the error it rethrows; the assertions are on the thrown error.
beforeEach(() => {
  vi.spyOn(console, 'error').mockImplementation(() => {});
  return () => vi.restoreAllMocks();
});

const page = (name: string) => new URL(`file:///repo/src/content/docs/architecture/${name}.md`);

async function renderer(setup: Awaited<ReturnType<typeof diagramSetup>>) {
  return unified({
    remarkPlugins: setup.remarkPlugins as never,
    rehypePlugins: setup.rehypePlugins as never,
  }).createRenderer({ ...markdownConfigDefaults } as never);
}

// The renders with Chromium share one setup (one launch, Mermaid loaded once), as a build does; the
// test of that sharing itself makes its own. Closed after the file.
let shared: { setup: Awaited<ReturnType<typeof diagramSetup>>; warnings: string[] } | undefined;
afterAll(async () => {
  await shared?.setup.browser?.close();
});

async function render(markdown: string, name: string, env: NodeJS.ProcessEnv = process.env) {
  if (env === process.env) {
    if (!shared) {
      const warnings: string[] = [];
      shared = { setup: await diagramSetup(env, (m) => warnings.push(m)), warnings };
    }
    const { code } = await (await renderer(shared.setup)).render(markdown, { fileURL: page(name) });
    return { code, warnings: shared.warnings, setup: shared.setup };
  }
  const warnings: string[] = [];
  const setup = await diagramSetup(env, (m) => warnings.push(m));
  try {
    const { code } = await (await renderer(setup)).render(markdown, { fileURL: page(name) });
    return { code, warnings, setup };
  } finally {
    await setup.browser?.close();
  }
}

describe('diagramSetup() with Chromium', () => {
  test("finds a Chromium: Debian's, or the one npm brought (or fails saying how to get one)", async () => {
    expect(await ensureChromium(), `no Chromium: ${CHROMIUM_INSTALL_HINT}`).toBeTruthy();
  });

  test('renders a diagram to inline SVG with its text alternative, and no Mermaid script', async () => {
    const { code, warnings } = await render(DIAGRAM('  A --> B'), 'ok');
    expect(warnings).toEqual([]);
    expect(code).toMatch(
      /<figure class="diagram scroll-frame" id="diagram-two-hosts"[^>]*>.*<div class="scroller"><a class="diagram-open" href="#diagram-two-hosts"[^>]*><svg [^>]*aria-labelledby="chart-title-mermaid-\d+"/s,
    );
    expect(code).toMatch(/<title id="chart-title-mermaid-\d+">Two hosts<\/title>/);
    expect(code).toMatch(/<desc id="chart-desc-mermaid-\d+">A reaches B\.<\/desc>/);
    expect(code).toContain('<span class="diagram-title">Two hosts</span>');
    expect(code).toContain('<span id="diagram-two-hosts-closed" class="diagram-anchor"></span>');
    expect(code).not.toMatch(/<script|pre class="mermaid"/);
  }, 30_000);

  test('draws each diagram no narrower than keeps its text at 12 px', async () => {
    const { code } = await render(DIAGRAM('  A --> B --> C --> D --> E'), 'wide');
    const width = Number(/viewBox="[\d.-]+ [\d.-]+ ([\d.]+)/.exec(code)?.[1]);
    const min = Number(/min-width: (\d+)px/.exec(code)?.[1]);
    expect(width).toBeGreaterThan(0);
    // Mermaid's labels are 16 px at 100%: never drawn below 12/16 of the natural width.
    expect(min).toBe(Math.ceil((width * MIN_DIAGRAM_TEXT_PX) / 16));
  }, 30_000);
});

describe('a broken diagram fails the build, naming the file and the line inside it', () => {
  // The fence is line 5 of the page; the broken edge is the diagram's line 5, the page's line 10.
  const BROKEN = DIAGRAM('  A --> B\n  B -->>>> C');
  test.each([
    ['with Chromium', undefined],
    ['with AVALANCHE_CHROMIUM=none', { ...process.env, AVALANCHE_CHROMIUM: 'none' }],
  ])(
    '%s',
    async (_mode, env) => {
      await expect(render(BROKEN, 'broken', env)).rejects.toThrow(
        /src\/content\/docs\/architecture\/broken\.md:10: invalid Mermaid diagram "Two hosts" \(line 5 of the diagram\): Parse error on line 5/,
      );
    },
    30_000,
  );

  test('an unknown diagram type, at the fence', async () => {
    await expect(
      render('# P\n\n```mermaid\nflowchat LR\n  accTitle: T\n  accDescr: D\n  A --> B\n```\n', 'typo', {
        ...process.env,
        AVALANCHE_CHROMIUM: 'none',
      }),
    ).rejects.toThrow(
      /src\/content\/docs\/architecture\/typo\.md:3: invalid Mermaid diagram "T": No diagram type detected/,
    );
  });
});

describe('svgMetrics() and legibleMinWidth()', () => {
  test.each([
    ['-8 -8 812 400', '#m{font-size:16px}', 812, 16, 609],
    ['0 0 400 100', '#m{font-size:16px} .edgeLabel{font-size:14px}', 400, 14, 343],
    ['0 0 300 100', '', 300, 16, 225],
    // Mermaid's tooltip is not drawn text.
    ['0 0 400 100', '#m{font-size:16px} #m div.mermaidTooltip{font-size:12px}', 400, 16, 300],
  ])('viewBox %s, css %s', (viewBox, css, width, minFont, min) => {
    const m = svgMetrics(viewBox, css)!;
    expect(m).toEqual({ width, minFont });
    expect(legibleMinWidth(m)).toBe(min);
  });
  test('no usable viewBox: nothing to size', () => {
    expect(svgMetrics(undefined, '')).toBeUndefined();
    expect(svgMetrics('0 0 0 0', '')).toBeUndefined();
  });
});

describe('one Chromium page for the whole build', () => {
  test('pages rendered at once share one launch and one Mermaid load; each page keeps its own SVG ids', async () => {
    const setup = await diagramSetup(process.env, () => {});
    try {
      const md = await renderer(setup);
      const pages = await Promise.all(
        ['one', 'two', 'three', 'four'].map((name, i) =>
          md.render(DIAGRAM(`  A${i} --> B${i}`), { fileURL: page(name) }),
        ),
      );
      for (const [i, { code }] of pages.entries()) {
        expect(code).toContain(`A${i}`);
        expect(code).toMatch(/<svg [^>]*id="mermaid-0"/);
      }
      // As Astro does: four pages at once. One browser; the page, two style sheets and Mermaid loaded once; one render
      // per page.
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
    await expect(
      render(DIAGRAM('  A --> B', alt), 'noalt', { ...process.env, AVALANCHE_CHROMIUM: 'none' }),
    ).rejects.toThrow(
      /src\/content\/docs\/architecture\/noalt\.md:5: diagram without a text alternative: add "accTitle: …" and "accDescr: …"/,
    );
  });
});

describe('diagramSetup() without Chromium', () => {
  test('warns once, saying why and how to get build-time SVGs', async () => {
    const warnings: string[] = [];
    const setup = await diagramSetup({ PATH: '/nonexistent', AVALANCHE_CHROMIUM: 'none' }, (m) => warnings.push(m));
    expect(setup.chromium).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^\[diagrams\] AVALANCHE_CHROMIUM=none: diagrams will render in the browser .*unset AVALANCHE_CHROMIUM/,
    );
  });

  test('keeps the source and loads the client module only on pages with a diagram', async () => {
    const env = { ...process.env, AVALANCHE_CHROMIUM: 'none' };
    const withDiagram = await render(DIAGRAM('  A --> B'), 'with', env);
    expect(withDiagram.code).toContain('<pre class="mermaid" data-line="5">');
    expect(withDiagram.code).toContain('<script type="module" src="/_mermaid/init.js"></script>');
    expect(withDiagram.code).not.toContain('<svg');
    const without = await render('# Page\n\n```yaml\na: b\n```\n', 'without', env);
    expect(without.code).not.toContain('_mermaid');
  });
});
