import { describe, expect, it } from 'vitest';
import { deployedRuntime, oldSpaceMbFor } from './support/deployed-runtime.js';

// bench:fleet runs the gateway as the systemd unit does (compose.test.ts checks the image and compose agree with it).
describe('the gateway as the systemd unit runs it', () => {
  it("reads the shipped unit: Node's flags, the V8 heap its MemoryMax gives, the environment without GATEWAY_*", () => {
    const shipped = deployedRuntime();
    expect(shipped.memoryMaxBytes).toBe(512 * 2 ** 20);
    expect(shipped.nodeArgs).toContain('--max-old-space-size=256');
    expect(shipped.nodeArgs.some((a) => a.startsWith('--max-semi-space-size='))).toBe(true);
    expect(shipped.env).toMatchObject({ MALLOC_ARENA_MAX: '2' });
    expect(Object.keys(shipped.env).filter((k) => k.startsWith('GATEWAY_'))).toEqual([]);
  });

  it('follows the unit it reads: other flags, another MemoryMax', () => {
    const r = deployedRuntime(
      '[Service]\nExecStart=/usr/bin/node --max-semi-space-size=4 --stack-size=900 /opt/x/main.js\nMemoryMax=1G\nEnvironment=A=1\n',
    );
    expect(r.nodeArgs).toEqual(['--max-semi-space-size=4', '--stack-size=900', '--max-old-space-size=512']);
    expect(r.env).toEqual({ A: '1' });
    expect(() => deployedRuntime('[Service]\nExecStart=/usr/bin/node main.js\n')).toThrow(/no MemoryMax/);
    expect(() => deployedRuntime('[Service]\nExecStart=/usr/bin/node main.js\nMemoryMax=infinity\n')).toThrow(
      /infinity/,
    );
    // A size the unit sets itself is kept, not overridden by the derived one.
    expect(
      deployedRuntime('[Service]\nExecStart=/usr/bin/node --max-old-space-size=300 m.js\nMemoryMax=512M\n').nodeArgs,
    ).toEqual(['--max-old-space-size=300']);
  });

  it("sizes V8's old generation as V8 does from a memory limit: half, within 256 MB and 4 GB", () => {
    expect(oldSpaceMbFor(512 * 2 ** 20)).toBe(256);
    expect(oldSpaceMbFor(2 * 2 ** 30)).toBe(1024);
    expect(oldSpaceMbFor(256 * 2 ** 20)).toBe(256);
    expect(oldSpaceMbFor(24 * 2 ** 30)).toBe(4096);
  });
});
