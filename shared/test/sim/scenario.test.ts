import { describe, expect, it } from 'vitest';
import {
  createScenario,
  DEFAULT_ORACLE,
  DHT22_NOISE,
  fixedController,
  initialState,
  inputsAt,
  MINUTES_PER_DAY,
  NO_NOISE,
  NoisySensorModel,
  oracleController,
  oracleSetpoint,
  runClosedLoop,
  stepRoom,
} from '../../src/sim/index.js';

const mean = (a: ArrayLike<number>, from = 0, to = a.length) => {
  let s = 0;
  for (let i = from; i < to; i++) s += a[i] as number;
  return s / (to - from);
};

describe('scenario: weather and IT load', () => {
  const year = createScenario({ days: 365, seed: 11 });

  it('is deterministic per seed and differs across seeds', () => {
    const again = createScenario({ days: 365, seed: 11 });
    const other = createScenario({ days: 365, seed: 12 });
    expect(again.outdoor.temperatureC).toEqual(year.outdoor.temperatureC);
    expect(again.itLoadW).toEqual(year.itLoadW);
    expect(other.outdoor.temperatureC).not.toEqual(year.outdoor.temperatureC);
  });

  it('has a Gwangju-like annual cycle: cold January, hot August, a daily cycle peaking in the afternoon', () => {
    const month = (m: number) =>
      mean(year.outdoor.temperatureC, m * 30.4 * MINUTES_PER_DAY, (m + 1) * 30.4 * MINUTES_PER_DAY);
    expect(month(0)).toBeLessThan(5);
    expect(month(7)).toBeGreaterThan(23);
    const hourly = (h: number) => {
      let s = 0;
      for (let d = 0; d < 365; d++) s += year.outdoor.temperatureC[d * MINUTES_PER_DAY + h * 60] as number;
      return s / 365;
    };
    expect(hourly(15) - hourly(4)).toBeGreaterThan(4);
  });

  it('weather status stays within 1..9, rains more in the July monsoon, and snows only when cold', () => {
    const wet = (from: number, to: number) => {
      let n = 0;
      for (let i = from * MINUTES_PER_DAY; i < to * MINUTES_PER_DAY; i++)
        if ([1, 2, 3].includes(year.outdoor.status[i] as number)) n++;
      return n / ((to - from) * MINUTES_PER_DAY);
    };
    expect(wet(182, 212)).toBeGreaterThan(2 * wet(300, 330));
    const bad: number[] = [];
    for (let i = 0; i < year.minutes; i++) {
      const s = year.outdoor.status[i] as number;
      // Status is set hourly from the temperature at the top of the hour.
      if (s < 1 || s > 9 || (s === 4 && (year.outdoor.temperatureC[i] as number) >= 3)) bad.push(i);
    }
    expect(bad).toEqual([]);
  });

  it('IT load follows weekdays and business hours', () => {
    const at = (day: number, hour: number) => year.itLoadW[day * MINUTES_PER_DAY + hour * 60] as number;
    let weekdayNoon = 0;
    let weekendNoon = 0;
    let weekdayEvening = 0;
    for (let w = 0; w < 52; w++) {
      weekdayNoon += at(w * 7 + 2, 13);
      weekendNoon += at(w * 7 + 6, 13);
      weekdayEvening += at(w * 7 + 2, 22);
    }
    expect(weekdayNoon).toBeGreaterThan(weekendNoon * 1.2);
    expect(weekdayNoon).toBeGreaterThan(weekdayEvening * 1.2);
  });
});

describe('DHT22 sensor model', () => {
  it('adds noise of the configured size, drops some reads, and is exact without noise', () => {
    const s = new NoisySensorModel(3, DHT22_NOISE);
    const errs: number[] = [];
    let dropped = 0;
    for (let i = 0; i < 20_000; i++) {
      const r = s.sample(24, 50);
      if (!r) dropped++;
      else if (Math.abs(r.temperatureC - 24) < 5) errs.push(r.temperatureC - 24);
    }
    const sd = Math.sqrt(mean(errs.map((e) => e * e)));
    expect(sd).toBeGreaterThan(0.2);
    expect(sd).toBeLessThan(0.32);
    expect(dropped).toBeGreaterThan(20);
    expect(dropped).toBeLessThan(150);
    expect(new NoisySensorModel(3, NO_NOISE).sample(24.04, 50)).toEqual({ temperatureC: 24, humidityPct: 50 });
  });
});

describe('oracle and closed loop', () => {
  const summer = createScenario({ days: 7, seed: 5, startDayOfYear: 200 });

  it('the oracle picks the highest set-point that keeps the room under the limit over the horizon', () => {
    for (const minute of [600, 2000, 5000]) {
      const state = initialState(24);
      const sp = oracleSetpoint(summer, state, minute);
      const limit = DEFAULT_ORACLE.upperC - DEFAULT_ORACLE.marginC;
      const peak = (setpoint: number) => {
        const s = { ...state };
        let max = Number.NEGATIVE_INFINITY;
        for (let k = 0; k < DEFAULT_ORACLE.horizonMin; k++) {
          stepRoom(summer.room, s, inputsAt(summer, minute + k, setpoint), 60);
          max = Math.max(max, s.airC);
        }
        return max;
      };
      expect(peak(sp)).toBeLessThanOrEqual(limit);
      if (sp < DEFAULT_ORACLE.maxSetpointC) expect(peak(sp + DEFAULT_ORACLE.resolutionC)).toBeGreaterThan(limit);
    }
  });

  it('saves energy against a fixed 18 °C while keeping room air inside the envelope, the same for a given seed', async () => {
    const fixed = await runClosedLoop(summer, fixedController(18));
    const oracle = await runClosedLoop(summer, oracleController());
    expect(oracle.coolingKwh).toBeLessThan(0.8 * fixed.coolingKwh);
    expect(oracle.minutesAbovePct).toBe(0);
    expect(oracle.meanSetpointC).toBeGreaterThan(24);
    expect(await runClosedLoop(summer, oracleController())).toEqual(oracle);
  });
});
