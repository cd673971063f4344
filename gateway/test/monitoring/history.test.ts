import { describe, expect, it } from 'vitest';
import { resample, resampleSeries, SeriesHistory } from '../../src/monitoring/history.js';

const spec = {
  rawCapacity: 360,
  rollups: [
    { stepMs: 60_000, retentionMs: 24 * 3_600_000 },
    { stepMs: 3_600_000, retentionMs: 30 * 86_400_000 },
  ],
};
const T0 = Date.UTC(2026, 0, 1);

describe('SeriesHistory', () => {
  it('keeps its memory fixed however many samples arrive', () => {
    const s = new SeriesHistory(spec);
    const before = s.bytes();
    for (let i = 0; i < 40 * 8640; i++) s.add(T0 + i * 10_000, i % 100); // 40 days at 10 s
    expect(s.bytes()).toBe(before);
    expect(s.storedPoints()).toBe(360 + 1440 + 720);
    expect(s.samples).toBe(40 * 8640);
  });

  it('answers from raw samples within the raw horizon', () => {
    const s = new SeriesHistory(spec);
    for (let i = 0; i < 360; i++) s.add(T0 + i * 10_000, i);
    const now = T0 + 359 * 10_000;
    const pts = s.range(now - 60_000, now, now);
    expect(pts.map((p) => p.last)).toEqual([353, 354, 355, 356, 357, 358, 359]);
  });

  it('falls back to 1-minute roll-ups with correct min/max/avg/last beyond the raw horizon', () => {
    const s = new SeriesHistory(spec);
    for (let i = 0; i < 8640; i++) s.add(T0 + i * 10_000, i); // one day
    const now = T0 + 8639 * 10_000;
    const start = T0 + 60_000; // older than the raw hour
    const pts = s.range(start, start + 119_999, now);
    expect(pts).toHaveLength(2);
    // minute 1 holds samples 6..11
    expect(pts[0]).toMatchObject({ at: start, min: 6, max: 11, sum: 51, count: 6, last: 11 });
  });

  it('uses hour roll-ups past the minute tier', () => {
    const s = new SeriesHistory(spec);
    for (let i = 0; i < 3 * 8640; i++) s.add(T0 + i * 10_000, 1);
    const now = T0 + (3 * 8640 - 1) * 10_000;
    const pts = s.range(T0, T0 + 2 * 3_600_000 - 1, now);
    expect(pts.map((p) => p.count)).toEqual([360, 360]);
  });
});

describe('resample', () => {
  const pts = [0, 10, 20, 30, 40, 50].map((v, i) => ({
    at: T0 + i * 10_000,
    min: v,
    max: v,
    sum: v,
    count: 1,
    last: v,
  }));
  it.each([
    ['avg', [10, 40]],
    ['min', [0, 30]],
    ['max', [20, 50]],
    ['last', [20, 50]],
  ] as const)('aggregates by step: %s', (agg, expected) => {
    expect(resample(pts, T0, 30_000, agg).map((p) => p.value)).toEqual(expected);
    expect(resample(pts, T0, 30_000, agg).map((p) => p.at)).toEqual([T0, T0 + 30_000]);
  });
  it('returns every point without a step', () => {
    expect(resample(pts, T0, undefined, 'avg')).toHaveLength(6);
  });
  it('gathers points that arrived out of order (a late raw sample) into the same buckets, in time order', () => {
    const late = [pts[0], pts[3], pts[1], pts[5], pts[2], pts[4]] as typeof pts;
    expect(resample(late, T0, 30_000, 'avg')).toEqual([
      { at: T0, value: 10 },
      { at: T0 + 30_000, value: 40 },
    ]);
    expect(resample(late, T0, 30_000, 'min').map((p) => p.value)).toEqual([0, 30]);
    expect(resample(late, T0, 30_000, 'max').map((p) => p.value)).toEqual([20, 50]);
  });
  it('leaves empty steps out and starts buckets at the window start', () => {
    const sparse = [pts[0], pts[5]] as typeof pts;
    expect(resample(sparse, T0 - 5_000, 20_000, 'avg')).toEqual([
      { at: T0 - 5_000, value: 0 },
      { at: T0 + 35_000, value: 50 },
    ]);
  });
});

describe('resampleSeries', () => {
  // Two days at 10 s, values varying; a late sample in the raw hour.
  const s = new SeriesHistory(spec);
  const n = 2 * 8640;
  for (let i = 0; i < n; i++) s.add(T0 + i * 10_000, (i * 7) % 101);
  const now = T0 + (n - 1) * 10_000;
  s.add(now - 125_000, 1000);
  it.each([
    ['raw, with a late sample', now - 1_800_000, 60],
    ['minute tier', now - 20 * 3_600_000, 300],
    ['hour tier', now - 40 * 3_600_000, 7_200],
  ])('answers as resample() over range(): %s', (_name, start, stepS) => {
    for (const agg of ['avg', 'min', 'max', 'last'] as const) {
      const expected = resample(s.range(start, now, now), start, stepS * 1000, agg);
      expect(expected.length).toBeGreaterThan(5);
      expect(resampleSeries(s, start, now, now, stepS * 1000, agg)).toEqual(expected);
    }
  });
});
