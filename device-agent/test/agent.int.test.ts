import type { ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { loadGatewayConfig, openStorage } from '@hvac-edge/gateway';
import { createLogger } from '@hvac-edge/shared';
import { freePort, makeTempDir, spawnCollecting, waitFor } from '@hvac-edge/test/support';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnGateway } from '../../gateway/test/helpers.js';
import { createAgent } from '../src/app.js';
import { loadAgentConfig } from '../src/config.js';
import { createSensor, detectPlatform, NoGpioError } from '../src/hardware.js';

const AGENT_MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const silent = createLogger('test', { level: 'silent' });

const startGateway = (port: number, dbPath: string) =>
  spawnGateway(port, dbPath, { GATEWAY_MONITORING_ENABLED: 'false' });

describe('device agent against a real gateway process', () => {
  let dir = '';
  let gateway: ChildProcess | undefined;
  afterAll(async () => {
    gateway?.kill('SIGKILL');
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('readings taken while the gateway is down arrive exactly once, in order, after it returns', async () => {
    dir = await makeTempDir('agent');
    const port = await freePort();
    const dbPath = `${dir}/gateway.db`;
    let gw = startGateway(port, dbPath);
    gateway = gw.proc;
    const base = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${base}/readyz`)).ok, 'gateway', 30_000);

    const config = loadAgentConfig(
      {},
      {
        deviceName: 'pi-test',
        'sensor.kind': 'simulated',
        'sensor.periodSeconds': 3600, // readings are driven by the test
        'gateway.url': base,
        'gateway.retryMinDelayMs': 50,
        'gateway.retryMaxDelayMs': 200,
        'outbox.path': `${dir}/outbox.db`,
      },
    );
    const { agent, outbox, stop } = createAgent(config, silent);
    const taken: string[] = [];
    const add = outbox.add.bind(outbox);
    outbox.add = (id, body, untimed) => {
      taken.push(id);
      add(id, body, untimed);
    };
    agent.start();
    await waitFor(async () => (await fetch(`${base}/api/v3/device/name/pi-test`)).ok, 'registration');
    for (let i = 0; i < 5; i++) await agent.readOnce();
    await waitFor(async () => outbox.size.count === 0, 'first readings sent');

    gw.proc.kill('SIGTERM');
    await gw.exited;
    for (let i = 0; i < 10; i++) await agent.readOnce();
    await waitFor(async () => agent.stats.retries > 0, 'agent noticing the outage');
    expect(outbox.size.count).toBeGreaterThanOrEqual(10);

    gw = startGateway(port, dbPath);
    gateway = gw.proc;
    await waitFor(async () => outbox.size.count === 0, 'outbox drained after restart', 30_000);
    await stop();
    gw.proc.kill('SIGTERM');
    await gw.exited;

    // Arrival order in the gateway's store = the order the readings were taken; each exactly once.
    const storage = await openStorage(loadGatewayConfig({}, { 'http.host': '127.0.0.1', 'store.path': dbPath }));
    const stored = await storage.events.pending(1000);
    await storage.close();
    expect(stored.map((s) => s.event.id)).toEqual(taken);
    expect(stored.map((s) => s.deviceSeq)).toEqual(taken.map((_, i) => i + 1));
    expect(stored[0]?.event.tags).toMatchObject({ quality: 'good', sensor: 'simulated', simulated: true });
    expect(agent.stats).toMatchObject({ sent: taken.length, rejected: 0, dropped: 0 });
    expect(taken.length).toBe(16); // the read at start plus 15 driven by the test
  });

  it('refuses a DHT sensor without GPIO and says how to fix it; read-once works on the simulated sensor', async () => {
    // This machine is not a Raspberry Pi.
    expect(() => createSensor(loadAgentConfig({}), silent, detectPlatform())).toThrow(NoGpioError);
    const run = (args: string[], env: Record<string, string>) =>
      spawnCollecting(process.execPath, ['--conditions=source', '--import', 'tsx', AGENT_MAIN, ...args], {
        env: { ...process.env, AGENT_LOG_LEVEL: 'silent', AGENT_OUTBOX_PATH: `${dir}/cli-outbox.db`, ...env },
      }).result;
    const noGpio = await run(['run'], {});
    expect(noGpio.code).toBe(3);
    expect(noGpio.err).toMatch(/not a Raspberry Pi/);
    expect(noGpio.err).toMatch(/AGENT_SENSOR_KIND=simulated/);
    const once = await run(['read-once'], { AGENT_SENSOR_KIND: 'simulated' });
    expect(once.code).toBe(0);
    expect(JSON.parse(once.out)).toMatchObject({ sensor: 'simulated', simulated: true, quality: 'good' });
    const bad = await run(['run'], { AGENT_SENSOR_PERIOD_SECONDS: '1' });
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/sensor\.periodSeconds must be >= 2 \(env AGENT_SENSOR_PERIOD_SECONDS\)/);
  });
});
