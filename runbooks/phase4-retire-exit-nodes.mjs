#!/usr/bin/env -S npx zx
// phase4-retire-exit-nodes: migration phase 4, retire every Tailscale exit node, then the VPS (by hand, guided).
// The runbook is runbooks/phase4-retire-exit-nodes/index.ts (`--help` explains it). Every entry is these lines.
import { start } from '../src/lib/harness/start.mjs';

await start(import.meta.url);
