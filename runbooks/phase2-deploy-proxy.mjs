#!/usr/bin/env -S npx zx
// phase2-deploy-proxy: migration phase 2, deploy the shared VPN proxies (gluetun + ProtonVPN WireGuard).
// The runbook is runbooks/phase2-deploy-proxy/index.ts; `--help` explains it. Every runbook's entry is these lines.
import { start } from '../src/lib/harness/start.mjs';

await start(import.meta.url);
