#!/usr/bin/env -S npx zx
// verify-proxy: checks that each shared VPN proxy works end to end, from inside the cluster.
// The runbook is runbooks/verify-proxy/index.ts; `--help` explains it. Every runbook's entry is these lines.
import { start } from '../src/lib/harness/start.mjs';

await start(import.meta.url);
