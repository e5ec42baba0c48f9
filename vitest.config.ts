import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Tests still wait on subprocesses (the runbook smoke tests under zx, builds, Chromium), so more
    // workers than the 2 cores pays: on a loaded 2-core machine the unit project took 36 s with 4 workers
    // against 77 s with 2 (2026-11-30, after runbook scenarios moved in-process).
    maxWorkers: 4,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**'],
          testTimeout: 20_000,
          // Worker threads that keep their module cache from one file to the next: the files share the
          // heavy imports (the linter's Kubernetes models, the harness, Mermaid's parser), and re-importing
          // them per file was a third of the time (unit project 44 s -> 29 s on this 2-core machine). The
          // tests keep no global state: each brings its own temp dirs, fakes and inventory.
          pool: 'threads',
          isolate: false,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          // Screenshots are for a person to look at, not a check: `npm run screenshots` takes them.
          exclude: ['test/e2e/screenshots.test.ts'],
          // Builds the site once, serves it on 127.0.0.1 and starts one shared Chromium.
          globalSetup: ['test/e2e/global-setup.ts'],
          // Generous: the machine has 2 cores shared with other work; a page check takes ~1 s when quiet.
          testTimeout: 120_000,
          // fallback.test.ts waits in its beforeAll for the build without Chromium global-setup.ts started.
          hookTimeout: 300_000,
          // One browser, one page per context: files run one after the other.
          fileParallelism: false,
          // After the unit project, not beside it: sharing the 2 cores with ~200 runbook subprocess
          // scenarios starved Chromium (CI once saw Pagefind's UI wait 60 s for an idle moment), and
          // the two take about as long one after the other as together (312 s against 307-322 s: CPU-bound
          // either way).
          sequence: { groupOrder: 1 },
        },
      },
      // `npm run screenshots`: the key pages at phone and desktop size, light and dark, into screenshots/.
      ...(process.env.AVALANCHE_SCREENSHOTS
        ? [
            {
              test: {
                name: 'screenshots',
                include: ['test/e2e/screenshots.test.ts'],
                globalSetup: ['test/e2e/global-setup.ts'],
                testTimeout: 120_000,
                hookTimeout: 300_000,
              },
            },
          ]
        : []),
    ],
  },
});
