import { rm } from 'node:fs/promises';
import { createLogger, msToOrigin } from '@hvac-edge/shared';
import { makeTempDir, waitFor } from '@hvac-edge/test/support';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../gateway/test/helpers.js';
import { createAgent } from '../src/app.js';
import type { AgentClock } from '../src/clock.js';
import { loadAgentConfig } from '../src/config.js';

/** A Pi's clock before NTP: years behind, and a monotonic clock that keeps counting. */
class PiClock implements AgentClock {
  wall = Date.UTC(2019, 0, 1);
  mono = 5_000_000_000n;
  synced = false;
  boot = 'boot-1';
  now = () => this.wall;
  monotonicNs = () => this.mono;
  bootId = () => this.boot;
  synchronized = () => this.synced;
}

describe('device agent with a clock it cannot trust yet', () => {
  let gw: TestGateway | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await gw?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('keeps readings until the clock is synchronised, then stamps them from the monotonic clock; none is stored with the wrong time', async () => {
    gw = await startTestGateway();
    await gw.start();
    dir = await makeTempDir('clock');
    const a = gw.server.server.address();
    const config = loadAgentConfig(
      {},
      {
        deviceName: 'pi-clock',
        'sensor.kind': 'simulated',
        'sensor.periodSeconds': 3600,
        'gateway.url': `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`,
        'gateway.retryMinDelayMs': 20,
        'gateway.retryMaxDelayMs': 50,
        'outbox.path': `${dir}/outbox.db`,
      },
    );
    const clock = new PiClock();
    const { agent, outbox, stop } = createAgent(
      config,
      createLogger('t', { level: 'silent' }),
      undefined,
      undefined,
      clock,
    );
    agent.start();
    await waitFor(async () => outbox.size.count >= 1, 'the read at start kept');
    const monos = [clock.mono];
    for (let i = 0; i < 3; i++) {
      clock.mono += 10_000_000_000n;
      monos.push(clock.mono);
      await agent.readOnce();
    }
    expect(outbox.size.count).toBe(4);
    expect(await gw.store.countEvents()).toBe(0);

    // NTP sets the clock five seconds after the last reading.
    clock.mono += 5_000_000_000n;
    clock.wall = Date.now();
    clock.synced = true;
    await waitFor(async () => outbox.size.count === 0, 'readings sent once stamped', 10_000);
    const stored = (await gw.store.pending(100)).map((s) => s.event);
    expect(stored.map((e) => e.origin)).toEqual(monos.map((m) => msToOrigin(clock.wall) - (clock.mono - m)));
    for (const e of stored) expect(e.readings.every((r) => r.origin === e.origin)).toBe(true);
    expect(agent.stats.stampedLate).toBe(4);

    // A reading kept in a boot that ended before its clock was set cannot be placed: dropped and counted.
    clock.synced = false;
    await agent.readOnce();
    clock.boot = 'boot-2';
    clock.synced = true;
    await waitFor(async () => outbox.size.count === 0, 'untimed reading of the old boot dropped', 10_000);
    expect(agent.stats.untimed).toBe(1);
    expect(await gw.store.countEvents()).toBe(4);
    await stop();
  });
});
