#!/usr/bin/env node
// The installed command: the built model CLI (pnpm build writes dist/).
import '../dist/model/cli.js';
