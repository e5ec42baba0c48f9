#!/usr/bin/env -S npx zx
// Converge the subnet router and the tailnet settings it needs, to the bundled desired state.
// The runbook is runbooks/configure-routy/index.ts; `--help` explains it. Every runbook's entry is these lines.
import { start } from '../src/lib/harness/start.mjs';

await start(import.meta.url);
