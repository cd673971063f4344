import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { bytesOf, deployedRuntime, oldSpaceMbFor } from './support/deployed-runtime.js';

const deployFile = (p: string) => readFileSync(new URL(`../deploy/${p}`, import.meta.url), 'utf8');

/** A unit file of its own, read back through deployedRuntime. */
function runtimeOf(unit: string) {
  const dir = mkdtempSync(join(tmpdir(), 'unit-'));
  try {
    const path = join(dir, 'x.service');
    writeFileSync(path, unit);
    return deployedRuntime(pathToFileURL(path));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// bench:fleet runs the gateway as the systemd unit does; the container image and compose must run it the same way.
describe('the gateway as deployed (systemd unit, image, compose)', () => {
  const shipped = deployedRuntime();

  it("reads the shipped unit: Node's flags, the V8 heap its MemoryMax gives, the environment without GATEWAY_*", () => {
    expect(shipped.memoryMaxBytes).toBe(512 * 2 ** 20);
    expect(shipped.nodeArgs).toContain('--max-old-space-size=256');
    expect(shipped.nodeArgs.some((a) => a.startsWith('--max-semi-space-size='))).toBe(true);
    expect(shipped.env).toMatchObject({ MALLOC_ARENA_MAX: '2' });
    expect(Object.keys(shipped.env).filter((k) => k.startsWith('GATEWAY_'))).toEqual([]);
  });

  it('follows the unit it reads: other flags, another MemoryMax', () => {
    const r = runtimeOf(
      '[Service]\nExecStart=/usr/bin/node --max-semi-space-size=4 --stack-size=900 /opt/x/main.js\nMemoryMax=1G\nEnvironment=A=1\n',
    );
    expect(r.nodeArgs).toEqual(['--max-semi-space-size=4', '--stack-size=900', '--max-old-space-size=512']);
    expect(r.env).toEqual({ A: '1' });
    expect(() => runtimeOf('[Service]\nExecStart=/usr/bin/node main.js\n')).toThrow(/no MemoryMax/);
    expect(() => runtimeOf('[Service]\nExecStart=/usr/bin/node main.js\nMemoryMax=infinity\n')).toThrow(/infinity/);
    // A size the unit sets itself is kept, not overridden by the derived one.
    expect(
      runtimeOf('[Service]\nExecStart=/usr/bin/node --max-old-space-size=300 m.js\nMemoryMax=512M\n').nodeArgs,
    ).toEqual(['--max-old-space-size=300']);
  });

  it("sizes V8's old generation as V8 does from a memory limit: half, within 256 MB and 4 GB", () => {
    expect(oldSpaceMbFor(512 * 2 ** 20)).toBe(256);
    expect(oldSpaceMbFor(2 * 2 ** 30)).toBe(1024);
    expect(oldSpaceMbFor(256 * 2 ** 20)).toBe(256);
    expect(oldSpaceMbFor(24 * 2 ** 30)).toBe(4096);
  });

  it("the image runs Node with the unit's flags and environment, and compose caps it at the unit's MemoryMax", () => {
    const dockerfile = deployFile('docker/gateway.Dockerfile');
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)?.[1] ?? '[]') as string[];
    const unitFlags = shipped.nodeArgs.filter((a) => !a.startsWith('--max-old-space-size='));
    expect(cmd.filter((a) => a.startsWith('--'))).toEqual(unitFlags);
    for (const [k, v] of Object.entries(shipped.env).filter(([k]) => k.startsWith('MALLOC_'))) {
      expect(dockerfile).toMatch(new RegExp(`\\b${k}=${v}\\b`));
    }
    const compose = parse(deployFile('compose/compose.yaml')) as { services: Record<string, { mem_limit?: string }> };
    expect(bytesOf(compose.services.gateway?.mem_limit ?? '0')).toBe(shipped.memoryMaxBytes);
  });
});
