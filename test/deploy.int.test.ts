import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { findSystemBinary, makeTempDir } from './support/index.js';

const UNITS = new URL('../deploy/systemd/', import.meta.url);

function verify(dir: string, file: string) {
  return spawnSync(findSystemBinary('systemd-analyze'), ['verify', '--man=no', `${dir}/${file}`], { encoding: 'utf8' });
}

describe('systemd units', () => {
  let dir = '';
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it.each(readdirSync(UNITS).filter((f) => f.endsWith('.service')))(
    'systemd-analyze verify passes: %s',
    async (file) => {
      dir ||= await makeTempDir('units');
      // ExecStart must name an existing binary: point it at this machine's node.
      const text = readFileSync(new URL(file, UNITS), 'utf8').replaceAll('/usr/bin/node', process.execPath);
      writeFileSync(`${dir}/${file}`, text);
      const r = verify(dir, file);
      expect(r.stderr + r.stdout).toBe('');
      expect(r.status).toBe(0);
      expect(text).toMatch(/^Type=notify$/m);
      expect(text).toMatch(/^WatchdogSec=\d+$/m);
    },
  );

  it('fails on a broken unit (the check can fail)', async () => {
    dir ||= await makeTempDir('units');
    writeFileSync(`${dir}/broken.service`, '[Service]\nType=notifyy\nExecStart=relative/path\n');
    expect(verify(dir, 'broken.service').status).not.toBe(0);
  });
});
