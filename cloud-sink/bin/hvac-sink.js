#!/usr/bin/env node
// The installed command: the built service (pnpm build writes dist/). A file of its own so that installing the
// workspace, before any build, finds the bin it links.
import '../dist/main.js';
