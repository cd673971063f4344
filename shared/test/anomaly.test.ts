import { describe, expect, it } from 'vitest';
import { NoveltyDetector, scoreSeries } from '../src/anomaly/novelty-detector.js';
import { RoomClimateWatch } from '../src/anomaly/room-climate-watch.js';
import { forecast, runwaySeconds } from '../src/anomaly/seasonal-forecast.js';
import { simulateSite } from '../src/sim/faults.js';

const MIN = 60_000;
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 5, 1);

/** Two weeks of a daily cycle at one point every 10 minutes, exactly repeating. */
const daily = (days: number, at = (i: number) => T0 + i * 10 * MIN) =>
  Array.from({ length: days * 144 }, (_, i) => ({ at: at(i), v: 50 + 20 * Math.sin((2 * Math.PI * i) / 144) }));

describe('NoveltyDetector', () => {
  it('learns a daily cycle and then stays silent on it', () => {
    const s = daily(14);
    const scores = scoreSeries(
      s.map((p) => p.at),
      s.map((p) => p.v),
    );
    expect(scores.slice(3 * 144).every((x) => x.level === 'normal')).toBe(true);
  });

  it('flags a spike as a new extreme, a day-time level at night as new for the time of day, and rests after', () => {
    const s = daily(14);
    const d = new NoveltyDetector();
    for (const p of s) d.update(p.at, p.v);
    const next = T0 + s.length * 10 * MIN;
    expect(d.update(next, 200)).toMatchObject({ score: 1, level: 'critical', reason: 'new-extreme' });
    // Still resting: novelty is info only.
    expect(d.update(next + 10 * MIN, -100).level).toBe('info');
    const d2 = new NoveltyDetector();
    for (const p of s) d2.update(p.at, p.v);
    // The cycle's peak (at 6 h of each day), then the same level at its trough (18 h): a known step, an unknown hour.
    for (const p of daily(1, (i) => Date.UTC(2026, 5, 15) + i * 10 * MIN).slice(0, 37)) {
      expect(d2.update(p.at, p.v).level).toBe('normal');
    }
    const r = d2.update(Date.UTC(2026, 5, 15, 18), 69);
    expect(r.reason).toBe('new-at-time-of-day');
    expect(r.level).toBe('warning');
  });

  it('ignores values that are not numbers, and a trend that creeps past its maximum', () => {
    const d = new NoveltyDetector();
    expect(d.update(T0, Number.NaN)).toMatchObject({ score: 0, level: 'normal' });
    const levels: string[] = [];
    for (let i = 0; i < 5000; i++) levels.push(d.update(T0 + i * MIN, i * 0.001 + (i % 2) * 0.5).level);
    expect(levels.slice(2000).filter((l) => l === 'critical')).toHaveLength(0);
  });
});

describe('forecast', () => {
  it('finds the day a linear trend with a daily cycle reaches the threshold', () => {
    const history = Array.from({ length: 14 * 24 }, (_, h) => ({
      at: T0 + h * HOUR,
      value: 30 + h / 24 + 5 * Math.sin((2 * Math.PI * h) / 24),
    }));
    const f = forecast(history, { horizonMs: 60 * 86_400_000, threshold: 80 });
    expect(f.seasonal).toBe(true);
    expect(f.trendPerDay).toBeCloseTo(1, 3);
    // The daily peak reaches 80 when the trend is at 75: 75 - (30 + 335/24) = 31.04 days, minus the peak's offset.
    expect(f.daysUntilThreshold).toBeGreaterThan(30);
    expect(f.daysUntilThreshold).toBeLessThan(32);
    expect(forecast(history.slice(0, 3), { horizonMs: 86_400_000 }).series).toEqual([]);
  });

  it('gives the runway at the recent growth, Infinity when not growing', () => {
    const grow = [0, 1, 2, 3].map((k) => ({ at: k * 60_000, value: 100 + k * 60 }));
    expect(runwaySeconds(grow, 1000)).toBeCloseTo((1000 - 280) / 1, 6);
    expect(
      runwaySeconds(
        grow.map((p) => ({ ...p, value: 5 })),
        10,
      ),
    ).toBe(Number.POSITIVE_INFINITY);
    expect(runwaySeconds(grow, 200)).toBe(0);
  });
});

describe('RoomClimateWatch', () => {
  const run = (faults: Parameters<typeof simulateSite>[0]['faults'], rooms = 4, days = 3) => {
    const watch = new RoomClimateWatch();
    const firings: Array<{ device: string; kind: string; minute: number }> = [];
    simulateSite({ rooms, days, seed: 21, faults }, (r) => {
      for (const a of watch.observe({
        device: `room-${r.room}`,
        location: 'site',
        atMs: T0 + r.minute * MIN,
        airC: r.airC,
        humidityPct: r.humidityPct,
        setpointC: r.setpointC,
      })) {
        if (a.transition === 'firing') firings.push({ device: a.device, kind: a.kind, minute: r.minute });
      }
    });
    return firings;
  };

  it('is silent on healthy rooms', () => {
    expect(run([])).toEqual([]);
  });

  it('reports a stuck sensor after stuckMinutes, and a drifting one against its neighbours', () => {
    const stuck = run([{ kind: 'stuck-sensor', room: 2, startMinute: 2000, minutes: 90 }]);
    expect(stuck).toEqual([{ device: 'room-2', kind: 'stuck-sensor', minute: expect.any(Number) }]);
    // 30 minutes after the last reading before the fault (the one the sensor repeats).
    expect(stuck[0]?.minute).toBeGreaterThanOrEqual(2029);
    expect(stuck[0]?.minute).toBeLessThanOrEqual(2031);
    const drift = run([{ kind: 'drift', room: 0, startMinute: 1500, kPerDay: 2 }], 4, 4);
    expect(drift).toEqual([{ device: 'room-0', kind: 'drift', minute: expect.any(Number) }]);
  });

  it('keeps at most maxDevices devices, forgetting the least recently seen, and ignores replays and non-numbers', () => {
    const watch = new RoomClimateWatch(undefined, 3);
    for (const d of ['a', 'b', 'c', 'a', 'd', 'e']) watch.observe({ device: d, atMs: T0, airC: 22 });
    expect(watch.size).toBe(3);
    expect(watch.observe({ device: 'a', atMs: T0, airC: 40 })).toEqual([]);
    expect(watch.observe({ device: 'a', atMs: T0 + MIN, airC: Number.NaN })).toEqual([]);
  });
});
