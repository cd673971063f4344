import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { freePort, makeTempDir } from '@hvac-edge/test/support';
import { afterAll, describe, expect, it } from 'vitest';

const AGENT_MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

describe('agent shutdown', () => {
  let dir = '';
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('stops within 2 s of SIGTERM while every loop backs off from an unreachable gateway', async () => {
    dir = await makeTempDir('agent-stop');
    const port = await freePort(); // nothing listens: the gateway is down
    const agent = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', AGENT_MAIN, 'run'], {
      env: {
        ...process.env,
        AGENT_DEVICE_NAME: 'pi-stop',
        AGENT_SENSOR_KIND: 'simulated',
        AGENT_ACTUATOR_KIND: 'simulated',
        AGENT_GATEWAY_URL: `http://127.0.0.1:${port}`,
        // Backoffs far longer than the shutdown allows: only a wake-up on stop can end them in time.
        AGENT_GATEWAY_RETRY_MIN_DELAY_MS: '30000',
        AGENT_GATEWAY_RETRY_MAX_DELAY_MS: '60000',
        AGENT_OUTBOX_PATH: `${dir}/outbox.db`,
        AGENT_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => agent.once('exit', (code) => resolve(code)));
    // The registration, the outbox drain and the command poll each fail once and go to sleep.
    const waiting = new Set(['registration failed', 'gateway unreachable', 'command poll failed']);
    for await (const line of createInterface({ input: agent.stdout })) {
      const msg = String((JSON.parse(line) as { msg?: string }).msg);
      for (const w of waiting) if (msg.startsWith(w)) waiting.delete(w);
      if (waiting.size === 0) break;
    }
    expect([...waiting]).toEqual([]);
    const t0 = performance.now();
    agent.kill('SIGTERM');
    const code = await exited;
    const ms = performance.now() - t0;
    expect(code).toBe(0);
    expect(ms).toBeLessThan(2000);
  }, 30_000);
});
