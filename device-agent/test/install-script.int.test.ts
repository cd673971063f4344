import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTempDir } from '@hvac-edge/test/support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layoutRoot, PI_LAYOUTS } from './support-pi.js';

const SCRIPT = fileURLToPath(new URL('../../deploy/raspberry-pi/install.sh', import.meta.url));
const AGENT_MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

function dryRun(root: string, env: Record<string, string> = {}) {
  const r = spawnSync('bash', [SCRIPT, '--dry-run'], {
    encoding: 'utf8',
    env: { ...process.env, HVAC_ROOT: root, HVAC_ARCH: 'arm64', HVAC_NODE_FOUND: 'v18.19.0', ...env },
  });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir('pi-install');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('deploy/raspberry-pi/install.sh', () => {
  it('is shellcheck-clean', () => {
    const r = spawnSync('shellcheck', ['--severity=style', SCRIPT], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it.each(PI_LAYOUTS)('%s: a dry run prints every step for that board and changes nothing', (layout) => {
    const r = dryRun(layoutRoot(layout));
    expect(r.err).toBe('');
    expect(r.status).toBe(0);
    const pi5 = layout.startsWith('pi5');
    expect(r.out).toMatch(/^==> system packages\n {4}would run: apt-get update -qq\n/m);
    expect(r.out.includes('libgpiod-dev')).toBe(pi5);
    expect(r.out.includes('npm_config_use_libgpiod=true')).toBe(pi5);
    expect(r.out).toMatch(/grep ' node-v22\.\d+\.\d+-linux-arm64\.tar\.xz\$' SHASUMS256\.txt \| sha256sum -c -/);
    expect(r.out).toMatch(/would run: useradd --system .* hvac-edge\n {4}would run: usermod -aG gpio hvac-edge/);
    expect(r.out).toMatch(/would run: runuser -u hvac-edge -- .*main\.js doctor\n$/);
    // Nothing made, not even its download directory.
    const tmp = /would run: mkdir -p (\/tmp\/hvac-edge-node\.\d+)\n/.exec(r.out)?.[1];
    expect(tmp).toBeDefined();
    expect(existsSync(tmp as string)).toBe(false);
  });

  it('picks the 32-bit Node build for armhf and keeps a Node that is recent enough', () => {
    const armhf = dryRun(layoutRoot('pi3-6.1'), { HVAC_ARCH: 'armhf' });
    expect(armhf.out).toMatch(/node-v22\.\d+\.\d+-linux-armv7l\.tar\.xz/);
    const recent = dryRun(layoutRoot('pi4-6.6'), { HVAC_NODE_FOUND: 'v20.19.5' });
    expect(recent.out).toMatch(/==> Node\.js >= 20\.19\.0\n {4}done already: node v20\.19\.5\n==> user/);
  });

  it('refuses, with exit code 3 and one line, what it cannot install on', () => {
    const notPi = join(dir, 'not-a-pi');
    mkdirSync(notPi, { recursive: true });
    const r = dryRun(notPi);
    expect(r.status).toBe(3);
    expect(r.err).toMatch(/^install\.sh: not a Raspberry Pi \(no \/proc\/device-tree\/model\)/);
    const armv6 = join(dir, 'pi-zero');
    mkdirSync(join(armv6, 'proc/device-tree'), { recursive: true });
    writeFileSync(join(armv6, 'proc/device-tree/model'), 'Raspberry Pi Zero W Rev 1.1\0');
    expect(dryRun(armv6).err).toMatch(/ARMv6 board: nodejs\.org publishes no Node\.js for it/);
    expect(dryRun(layoutRoot('pi4-6.6'), { HVAC_ARCH: 'amd64' }).status).toBe(3);
    expect(spawnSync('bash', [SCRIPT, '--bogus']).status).toBe(2);
  });
});

describe('hvac-agent doctor on this machine (not a Raspberry Pi)', () => {
  it('fails the board check and exits 3, listing what it found', () => {
    const r = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', AGENT_MAIN, 'doctor'], {
      encoding: 'utf8',
      env: { ...process.env, AGENT_LOG_LEVEL: 'silent', AGENT_GATEWAY_URL: 'http://127.0.0.1:9' },
      timeout: 60_000,
    });
    expect(r.status).toBe(3);
    expect(r.stdout).toMatch(/^FAIL {2}board +not a Raspberry Pi/m);
    expect(r.stdout).toMatch(/^(OK {4}|WARN {2})libgpiod /m);
    expect(r.stdout).toMatch(/^FAIL {2}gateway +http:\/\/127\.0\.0\.1:9: /m);
  });
});
