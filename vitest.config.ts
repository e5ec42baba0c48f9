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
          // Two files at once, each with its own browser contexts in the one Chromium: a page check mostly
          // waits on the browser, and fallback.test.ts mostly waits for its build, so one file at a time left
          // a core idle (npm test 100 s -> 73-74 s on this 2-core machine, 2026-12-01). Three at once was
          // slower (80-84 s): Chromium and the build contend for the same two cores.
          fileParallelism: true,
          maxWorkers: 2,
          // After the unit project, not beside it: in one group the browser files take the workers first and
          // wait there for the build while the unit files queue (npm test 80 s against 73 s, 2026-12-01).
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
