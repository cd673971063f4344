import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, makeTempDir } from '@hvac-edge/test/support';
import { afterEach, describe, expect, it } from 'vitest';
import { loadGatewayConfig } from '../../src/config.js';
import { spawnGateway } from '../helpers.js';

/** The defaults an installer gets: nothing open to the network by accident. */
describe('safe defaults', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the default config (all interfaces, no tokens) is refused, naming the ways out', () => {
    expect(() => loadGatewayConfig({})).toThrow(
      /http\.host 0\.0\.0\.0 is reachable from the network and no auth\.tokens are set.*auth\.allowAnonymous/,
    );
    expect(() => loadGatewayConfig({ GATEWAY_HTTP_HOST: '127.0.0.1' })).not.toThrow();
    expect(() => loadGatewayConfig({ GATEWAY_AUTH_TOKENS: 'a-device-token-00000001' })).not.toThrow();
  });

  it('a gateway started so exits with code 2 and one line saying why', async () => {
    dir = await makeTempDir('safe');
    const gw = spawnGateway(await freePort(), join(dir, 'gw.db'), { GATEWAY_HTTP_HOST: '0.0.0.0' }, 'pipe');
    let stderr = '';
    gw.proc.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    expect(await gw.exited).toBe(2);
    expect(stderr).toMatch(/auth\.tokens/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('with auth.allowAnonymous it starts, and says ANONYMOUS ACCESS at start', async () => {
    dir = await makeTempDir('safe');
    const gw = spawnGateway(
      await freePort(),
      join(dir, 'gw.db'),
      {
        GATEWAY_HTTP_HOST: '0.0.0.0',
        GATEWAY_AUTH_ALLOW_ANONYMOUS: 'true',
        GATEWAY_LOG_LEVEL: 'warn',
      },
      'pipe',
    );
    let out = '';
    const warned = new Promise<void>((resolve) =>
      gw.proc.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('ANONYMOUS ACCESS')) resolve();
      }),
    );
    await warned;
    gw.proc.kill('SIGTERM');
    await once(gw.proc, 'exit');
    expect(out).toMatch(/"host":"0\.0\.0\.0".*ANONYMOUS ACCESS/);
  });
});
