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

  /** systemd-analyze's overall exposure (0 safe .. 10 exposed) of a unit file, judged offline. */
  function exposure(dir: string, file: string): number {
    const r = spawnSync(
      findSystemBinary('systemd-analyze'),
      ['security', '--offline=true', '--no-pager', `${dir}/${file}`],
      {
        encoding: 'utf8',
      },
    );
    const m = /Overall exposure level for .*: (\d+\.\d+)/.exec(r.stdout);
    if (!m) throw new Error(`no exposure level in: ${r.stdout}${r.stderr}`);
    return Number(m[1]);
  }

  it.each(readdirSync(UNITS).filter((f) => f.endsWith('.service')))(
    'systemd-analyze security rates %s OK (exposure 4.0 or lower), with a memory cap',
    async (file) => {
      dir ||= await makeTempDir('units');
      const text = readFileSync(new URL(file, UNITS), 'utf8');
      writeFileSync(`${dir}/${file}`, text);
      expect(exposure(dir, file)).toBeLessThanOrEqual(4.0);
      expect(text).toMatch(/^MemoryMax=\d+[KMG]$/m);
      // V8's JIT needs writable executable memory: a unit that forbids it would not start.
      expect(text).not.toMatch(/^MemoryDenyWriteExecute=(true|yes)$/m);
    },
  );

  it('rates an unhardened unit EXPOSED (the security check can fail)', async () => {
    dir ||= await makeTempDir('units');
    writeFileSync(`${dir}/bare.service`, '[Service]\nExecStart=/usr/bin/node main.js\nUser=hvac-edge\n');
    expect(exposure(dir, 'bare.service')).toBeGreaterThan(4.0);
  });

  it('fails on a broken unit (the check can fail)', async () => {
    dir ||= await makeTempDir('units');
    writeFileSync(`${dir}/broken.service`, '[Service]\nType=notifyy\nExecStart=relative/path\n');
    expect(verify(dir, 'broken.service').status).not.toBe(0);
  });
});
