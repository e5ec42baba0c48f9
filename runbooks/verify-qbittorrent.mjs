#!/usr/bin/env -S npx zx
// verify-qbittorrent: checks qBittorrent's gluetun sidecar: VPN up in the right country, a forwarded port,
// The runbook is runbooks/verify-qbittorrent/index.ts; `--help` explains it. Every runbook's entry is these lines.
import { start } from '../src/lib/harness/start.mjs';

await start(import.meta.url);
