import { describe, expect, it } from 'vitest';
import { resample, SeriesHistory } from '../../src/monitoring/history.js';

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
});
