import { NO_NOISE } from '@hvac-edge/shared/sim';
import { describe, expect, it } from 'vitest';
import { SimulatedSensor } from '../src/sensor/simulated-sensor.js';

const JULY_NOON = Date.UTC(2026, 6, 15, 3); // 12:00 in Korea

describe('simulated sensor (shared room simulator)', () => {
  it('is deterministic for a seed and a clock', async () => {
    const read = async (seed: number) => {
      const s = new SimulatedSensor(seed, () => JULY_NOON);
      return s.read();
    };
    expect(await read(7)).toEqual(await read(7));
  });

  it("follows the set-point the agent applied: the room's cooling unit holds it", async () => {
    let clock = JULY_NOON;
    let setpoint = 20;
    const s = new SimulatedSensor(
      3,
      () => clock,
      () => setpoint,
      NO_NOISE,
    );
    const cold = await s.read();
    expect(cold.temperatureC).toBeGreaterThan(20);
    expect(cold.temperatureC).toBeLessThan(23);
    setpoint = 25;
    clock += 30 * 60_000;
    const warm = await s.read();
    expect(warm.temperatureC).toBeGreaterThan(25);
    expect(warm.temperatureC).toBeLessThan(28);
    expect(warm.humidityPct).toBeGreaterThan(10);
    expect(warm.humidityPct).toBeLessThan(90);
  });

  it('fails some reads, as a DHT22 does', async () => {
    let clock = JULY_NOON;
    const s = new SimulatedSensor(5, () => clock);
    let failures = 0;
    for (let i = 0; i < 2000; i++) {
      clock += 10_000;
      await s.read().catch(() => failures++);
    }
    expect(failures).toBeGreaterThan(0);
    expect(failures).toBeLessThan(30);
  });
});
