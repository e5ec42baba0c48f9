#!/usr/bin/env -S npx zx
// phase3-migrate-marmithon: migration phase 3, move the marmithon IRC bot onto its shared proxy
// (the inventory's workloads[].egress).
// The runbook is runbooks/phase3-migrate-marmithon/index.ts (`--help` explains it). Every entry is these lines.
import { start } from '../src/lib/harness/start.mjs';

await start(import.meta.url);
