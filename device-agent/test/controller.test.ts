import { describe, expect, it } from 'vitest';
import { SimulatedActuator } from '../src/actuation/actuator.js';
import { CoolingController } from '../src/actuation/controller.js';

function setup(now: { t: number }) {
  const actuator = new SimulatedActuator(() => now.t);
  const applied = new Set<string>();
  const c = new CoolingController(
    actuator,
    {
      hysteresisC: 1,
      minOnSeconds: 180,
      minOffSeconds: 120,
      minSetpointC: 18,
      maxSetpointC: 27,
      upperLimitC: 27,
      guardBandC: 0.5,
    },
    { wasApplied: (id) => applied.has(id), markApplied: (id) => void applied.add(id) },
    () => now.t,
  );
  return { c, actuator };
}

describe('CoolingController', () => {
  it('applies a command once, clamps it to the safe range, refuses expired ones', () => {
    const now = { t: 1_000_000 };
    const { c } = setup(now);
    expect(c.apply({ id: 'a', value: 24, expiresAt: now.t + 60_000, source: 'api' })).toEqual({
      applied: true,
      setpoint: 24,
      clamped: false,
    });
    expect(c.apply({ id: 'a', value: 20, expiresAt: now.t + 60_000, source: 'api' })).toEqual({
      applied: false,
      reason: 'duplicate',
    });
    expect(c.setpoint).toBe(24);
    expect(c.apply({ id: 'b', value: 12, expiresAt: now.t + 60_000, source: 'api' })).toMatchObject({
      setpoint: 18,
      clamped: true,
    });
    expect(c.apply({ id: 'c', value: 35, expiresAt: now.t + 60_000, source: 'api' })).toMatchObject({
      setpoint: 27,
      clamped: true,
    });
    expect(c.apply({ id: 'd', value: 22, expiresAt: now.t, source: 'api' })).toEqual({
      applied: false,
      reason: 'expired',
    });
    expect(c.apply({ id: 'e', value: Number.NaN, expiresAt: now.t + 1, source: 'api' })).toEqual({
      applied: false,
      reason: 'invalid',
    });
    expect(c.setpoint).toBe(27);
  });

  it('switches with hysteresis and honours minimum on and off times', () => {
    const now = { t: 0 };
    const { c, actuator } = setup(now);
    expect(c.onTemperature(26)).toBe(false); // no set-point yet: hands off
    c.apply({ id: 'a', value: 24, expiresAt: 10_000_000, source: 'api' });
    expect(c.onTemperature(24.4)).toBe(false); // inside the band
    expect(c.onTemperature(24.5)).toBe(true); // sp + h/2
    now.t += 60_000;
    expect(c.onTemperature(23)).toBe(true); // cold enough, but on for only 60 s < 180 s
    now.t += 120_000;
    expect(c.onTemperature(23.6)).toBe(true); // 180 s on, but above sp - h/2
    expect(c.onTemperature(23.5)).toBe(false);
    now.t += 60_000;
    expect(c.onTemperature(26)).toBe(false); // off for 60 s < 120 s
    now.t += 60_000;
    expect(c.onTemperature(26)).toBe(true);
    expect(actuator.history.map((h) => h.on)).toEqual([true, false, true]);
  });
});
