/**
 * Runbook pages are titled by their task: each page's title is the runbook's own declared title
 * (what `--help --json` prints), so the sidebar, the <title> and search say what the page is for, not its file name.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { declaredHelp } from '../support/runbook-help.ts';

const ROOT = join(import.meta.dirname, '../..');
const pages = readdirSync(join(ROOT, 'src/content/docs/runbooks')).filter((f) => /\.mdx?$/.test(f));

describe('runbook pages', () => {
  test('there are some', () => expect(pages.length).toBeGreaterThan(0));
  test.each(pages)("%s is titled by its runbook's declared title", async (file) => {
    const text = readFileSync(join(ROOT, 'src/content/docs/runbooks', file), 'utf8');
    const front = parse(/^---\n([\s\S]*?)\n---/.exec(text)?.[1] ?? '') as { title?: string };
    const name = /<RunbookPage\s+name="([a-z0-9-]+)"/.exec(text)?.[1];
    expect(name, `${file}: no <RunbookPage name="…">`).toBeTruthy();
    const help = await declaredHelp(name!);
    expect(help, `${file}: no runbooks/${name}/index.ts`).toBeDefined();
    expect(front.title, `${file}: set "title:" to the runbook's title`).toBe(help!.title);
  });
});
