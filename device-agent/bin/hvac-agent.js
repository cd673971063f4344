#!/usr/bin/env -S node --max-semi-space-size=1 --lite-mode --no-expose-wasm
// The installed command: the built agent (pnpm build writes dist/), with the V8 flags of its systemd unit.
import '../dist/main.js';
