#!/usr/bin/env -S npx zx
// Build this site and serve it to the tailnet with `tailscale serve` (tailnet only, never Funnel); --stop ends it.
// The runbook is runbooks/publish-docs/index.ts; `--help` explains it. Every runbook's entry is these lines.
import { start } from '../src/lib/harness/start.mjs';

await start(import.meta.url);
