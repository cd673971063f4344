import { rm } from 'node:fs/promises';
import { createLogger, msToOrigin } from '@hvac-edge/shared';
import { createAgent } from '../../device-agent/src/app.js';
import type { AgentClock } from '../../device-agent/src/clock.js';
import { loadAgentConfig } from '../../device-agent/src/config.js';
import { startTestGateway, type TestGateway } from '../../gateway/test/helpers.js';
import { freePort, makeTempDir, waitFor } from '../support/index.js';
import type { Scenario } from './scenario.js';

const silent = createLogger('chaos', { level: 'silent' });

/** A clock the scenario sets: wall time, monotonic time, whether NTP has synchronised it, and the boot. */
class SetClock implements AgentClock {
  constructor(
    public wall: number,
    public synced: boolean,
  ) {}
  mono = 1_000_000_000n;
  now = () => this.wall;
  monotonicNs = () => this.mono;
  bootId = () => 'boot-1';
  synchronized = () => this.synced;
}

async function agentFor(port: number, dir: string, device: string, clock: AgentClock, drainPerSecond = 50) {
  const config = loadAgentConfig(
    {},
    {
      deviceName: device,
      'sensor.kind': 'simulated',
      'sensor.periodSeconds': 3600,
      'gateway.url': `http://127.0.0.1:${port}`,
      'gateway.retryMinDelayMs': 20,
      'gateway.retryMaxDelayMs': 200,
      'outbox.path': `${dir}/outbox.db`,
      'outbox.drainPerSecond': drainPerSecond,
    },
  );
  return createAgent(config, silent, undefined, undefined, clock);
}

/**
 * 7. The agent offline for a simulated hour (its outbox full of readings), then back: every reading arrives, the
 * backlog drains no faster than `outbox.drainPerSecond`, and live readings taken meanwhile arrive too.
 */
export const agentOffline: Scenario = {
  name: 'device agent offline for an hour, then back',
  async run(scale) {
    const dir = await makeTempDir('chaos-agent');
    const port = await freePort();
    const hour = scale.name === 'short' ? 120 : 360; // readings at 10 s (short: a simulated 20 minutes)
    const pace = 50;
    const clock = new SetClock(Date.now() - 3_600_000, true);
    const parts = await agentFor(port, dir, 'offline-1', clock, pace);
    const taken: string[] = [];
    const add = parts.outbox.add.bind(parts.outbox);
    parts.outbox.add = (id, body, untimed) => {
      taken.push(id);
      add(id, body, untimed);
    };
    let gw: TestGateway | undefined;
    try {
      parts.agent.start();
      for (let i = 0; i < hour; i++) {
        clock.wall += 10_000;
        await parts.agent.readOnce();
      }
      const backlog = parts.outbox.size.count;
      gw = await startTestGateway({ 'http.port': port, 'rateLimit.perDevicePerMinute': 0 });
      await gw.start();
      const g = gw;
      const t0 = Date.now();
      let live = 0;
      // Live readings every 200 ms while the backlog drains.
      while (parts.outbox.size.count > 0 && Date.now() - t0 < 120_000) {
        clock.wall += 10_000;
        await parts.agent.readOnce();
        live += 1;
        await new Promise((r) => setTimeout(r, 200));
      }
      await waitFor(async () => parts.outbox.size.count === 0, 'outbox drained', 60_000);
      const seconds = (Date.now() - t0) / 1000;
      const ids = new Set((await g.store.pending(100_000)).map((e) => e.event.id));
      const lost = taken.filter((id) => !ids.has(id)).length;
      const rate = ids.size / seconds;
      return {
        lost,
        duplicatedPoints: Math.max(0, ids.size - taken.length),
        passed: lost === 0 && ids.size === taken.length && rate <= pace * 1.2,
        detail: `${backlog} readings kept offline + ${live} live reads, ${ids.size} stored in ${seconds.toFixed(1)} s (${rate.toFixed(0)}/s, pace ${pace}/s)`,
      };
    } finally {
      await parts.stop();
      await gw?.dispose();
      await rm(dir, { recursive: true, force: true });
    }
  },
};

/**
 * 9. The agent started with its clock years behind, then synchronised: no reading is stored with the wrong time
 * (every stored origin lies within the minutes the readings were really taken).
 */
export const agentClockBehind: Scenario = {
  name: 'device agent clock years behind, then synchronised',
  async run(scale) {
    const dir = await makeTempDir('chaos-clock');
    const gw = await startTestGateway({ 'rateLimit.perDevicePerMinute': 0 });
    await gw.start();
    const a = gw.server.server.address();
    const port = typeof a === 'object' && a ? a.port : 0;
    const clock = new SetClock(Date.UTC(2019, 0, 1), false);
    const parts = await agentFor(port, dir, 'clock-1', clock);
    // What the agent kept (a simulated DHT22 fails a read now and then, as a real one does).
    const taken: string[] = [];
    const add = parts.outbox.add.bind(parts.outbox);
    parts.outbox.add = (id, body, untimed) => {
      taken.push(id);
      add(id, body, untimed);
    };
    try {
      parts.agent.start();
      const n = Math.min(scale.events, 300);
      for (let i = 0; i < n; i++) {
        clock.mono += 1_000_000_000n;
        await parts.agent.readOnce();
      }
      const realNow = Date.now();
      clock.wall = realNow;
      clock.synced = true;
      await waitFor(async () => parts.outbox.size.count === 0, 'readings stamped and sent', 60_000);
      const events = (await gw.store.pending(100_000)).map((s) => s.event);
      // Taken over the last n seconds of the monotonic clock before the sync (plus the read at start).
      const earliest = msToOrigin(realNow) - BigInt(n + 1) * 1_000_000_000n;
      const wrong = events.filter((e) => e.origin < earliest || e.origin > msToOrigin(realNow)).length;
      const ids = new Set(events.map((e) => e.id));
      const lost = taken.filter((id) => !ids.has(id)).length;
      return {
        lost,
        duplicatedPoints: Math.max(0, events.length - ids.size),
        passed: wrong === 0 && lost === 0 && events.length === taken.length,
        detail: `${events.length} readings stored, ${wrong} with a time outside when they were taken`,
      };
    } finally {
      await parts.stop();
      await gw.dispose();
      await rm(dir, { recursive: true, force: true });
    }
  },
};
