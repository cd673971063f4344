import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from './support/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** What `pnpm install` reads: the manifests, the lockfile, the workspace file, and the bins the manifests name. */
const INSTALL_INPUTS = [
  'package.json',
  'pnpm-lock.yaml',
  'pnpm-workspace.yaml',
  '.npmrc',
  ...['shared', 'gateway', 'device-agent', 'cloud-sink', 'test'].map((p) => `${p}/package.json`),
  'gateway/bin',
  'cloud-sink/bin',
  'device-agent/bin',
];

/**
 * The environment of a newcomer's shell: run under `pnpm test`, this process carries pnpm's `npm_config_*` and
 * `npm_*` variables, which the nested npx would read as (unknown) npm config and warn about.
 */
function newcomerEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { CI: 'true' };
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) && !/^pnpm_/i.test(k)) env[k] = v;
  return env;
}

describe('installing the workspace', () => {
  it('prints no warning on a clean tree (no missing bins, no workspace cycle)', { timeout: 240_000 }, async () => {
    const dir = await makeTempDir('install');
    try {
      for (const f of INSTALL_INPUTS) {
        mkdirSync(dirname(join(dir, f)), { recursive: true });
        cpSync(join(ROOT, f), join(dir, f), { recursive: true });
      }
      // From the store the test command's own install filled: no network needed.
      const r = spawnSync('npx', ['-y', 'pnpm@10.34.9', 'install', '--frozen-lockfile', '--offline'], {
        cwd: dir,
        encoding: 'utf8',
        env: newcomerEnv(),
      });
      const output = `${r.stdout}${r.stderr}`;
      expect(r.status, output).toBe(0);
      expect(output.split('\n').filter((l) => /WARN|Failed|cyclic/i.test(l))).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
