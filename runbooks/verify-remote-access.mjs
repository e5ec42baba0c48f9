#!/usr/bin/env -S npx zx
// Check, from the operator's tailnet machine, that remote access to the home LAN works end to end.
// The runbook is runbooks/verify-remote-access/index.ts; `--help` explains it. Every runbook's entry is these lines.
import { start } from '../src/lib/harness/start.mjs';

await start(import.meta.url);
