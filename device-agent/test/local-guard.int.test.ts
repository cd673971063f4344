import { rm } from 'node:fs/promises';
import { createLogger } from '@hvac-edge/shared';
import { NO_NOISE } from '@hvac-edge/shared/sim';
import { freePort, makeTempDir } from '@hvac-edge/test/support';
import { afterAll, describe, expect, it } from 'vitest';
import { SimulatedActuator } from '../src/actuation/actuator.js';
import { createAgent } from '../src/app.js';
import type { AgentClock } from '../src/clock.js';
import { loadAgentConfig } from '../src/config.js';
import { SimulatedSensor } from '../src/sensor/simulated-sensor.js';

/** Test time: a summer afternoon, advanced by the test. */
class TestClock implements AgentClock {
  t = Date.UTC(2026, 6, 20, 11);
  now() {
    return this.t;
  }
  monotonicNs() {
    return BigInt(this.t) * 1_000_000n;
  }
  bootId() {
    return 'test-boot';
  }
  synchronized() {
    return true;
  }
}

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/**
 * Six hours of the simulated room (the agent's own simulator, cooled to the set-point the agent applies), the
 * gateway unreachable throughout, after a command of 27 °C arrived: the worst a cloud can send within the clamp.
 * Returns the room air readings, one per 10 s.
 */
async function sixHoursAfterABadCommand(upperLimitC: number) {
  const dir = await makeTempDir('guard');
  dirs.push(dir);
  const clock = new TestClock();
  const config = loadAgentConfig(
    {},
    {
      deviceName: 'pi-guard',
      'actuator.kind': 'simulated',
      'actuator.initialSetpointC': 24,
      'actuator.upperLimitC': upperLimitC,
      'gateway.url': `http://127.0.0.1:${await freePort()}`, // nothing listens there
      'gateway.retryMinDelayMs': 50,
      'gateway.retryMaxDelayMs': 200,
      'commands.waitSeconds': 1,
      'outbox.path': `${dir}/agent.db`,
    },
  );
  let setpoint: () => number | undefined = () => undefined;
  const sensor = new SimulatedSensor(
    7,
    () => clock.now(),
    () => setpoint(),
    NO_NOISE,
  );
  const parts = createAgent(config, createLogger('t', { level: 'silent' }), sensor, new SimulatedActuator(), clock);
  const controller = parts.controller;
  if (!controller) throw new Error('no controller');
  setpoint = () => controller.setpoint;
  parts.start();
  try {
    await parts.agent.readOnce(); // the room settled under 24 °C
    const outcome = controller.apply({ id: 'bad-1', value: 27, expiresAt: clock.t + 86_400_000, source: 'sink' });
    expect(outcome).toMatchObject({ applied: true, setpoint: 27 });
    const air: number[] = [];
    let sawHoldingTag = false;
    for (let k = 0; k < 6 * 360; k++) {
      clock.t += 10_000;
      await parts.agent.readOnce();
      air.push((await sensor.read()).temperatureC);
      sawHoldingTag ||= controller.guardHolding;
    }
    return { air, controller, sawHoldingTag, stats: { ...parts.agent.stats } };
  } finally {
    await parts.stop();
  }
}

describe('the device agent’s local guard', () => {
  it('holds room air at or below 27 °C with the gateway unreachable and a bad command applied', async () => {
    // Without the guard (its limit moved out of the way), the 27 °C command overheats this room.
    const unguarded = await sixHoursAfterABadCommand(45);
    const above = (xs: number[]) => xs.filter((c) => c > 27).length;
    expect(above(unguarded.air)).toBeGreaterThan(360);
    expect(unguarded.stats.guardOverrides).toBe(0);

    const guarded = await sixHoursAfterABadCommand(27);
    expect(guarded.stats.sent).toBe(0); // the gateway was unreachable throughout
    expect(above(guarded.air)).toBe(0);
    expect(Math.max(...guarded.air)).toBeLessThanOrEqual(27);
    // The command stands (a later good command replaces it); the guard holds a lower set-point and says so.
    expect(guarded.controller.commandedSetpoint).toBe(27);
    expect(guarded.controller.setpoint).toBeLessThan(27);
    expect(guarded.stats.guardOverrides).toBeGreaterThanOrEqual(1);
    expect(guarded.sawHoldingTag).toBe(true);
  }, 60_000);
});
