import { describe, expect, it } from 'vitest';
import { QualityFilter } from '../src/quality.js';

const opts = { maxJumpC: 5, maxJumpPct: 20, stuckReads: 4 };
const r = (t: number, h: number) => ({ temperatureC: t, humidityPct: h });

describe('QualityFilter', () => {
  it("flags readings outside the DHT22's range", () => {
    const q = new QualityFilter(opts);
    expect(q.assess(r(-41, 50))).toBe('out_of_range');
    expect(q.assess(r(81, 50))).toBe('out_of_range');
    expect(q.assess(r(20, 101))).toBe('out_of_range');
    expect(q.assess(r(20, -1))).toBe('out_of_range');
    expect(q.assess(r(Number.NaN, 50))).toBe('out_of_range');
    expect(q.assess(r(-40, 0))).toBe('good');
  });

  it('flags an implausible jump, and accepts a change that persists', () => {
    const q = new QualityFilter(opts);
    expect(q.assess(r(24, 50))).toBe('good');
    expect(q.assess(r(35, 50))).toBe('implausible_jump'); // single glitch
    expect(q.assess(r(24.2, 50))).toBe('good');
    expect(q.assess(r(24, 75))).toBe('implausible_jump');
    // A real change: three consistent readings far from the last good one -> the third is accepted.
    expect(q.assess(r(31, 50))).toBe('implausible_jump');
    expect(q.assess(r(31.1, 50))).toBe('implausible_jump');
    expect(q.assess(r(31.2, 50))).toBe('good');
    expect(q.assess(r(31.3, 50))).toBe('good');
  });

  it('flags a stuck sensor after the configured identical reads', () => {
    const q = new QualityFilter(opts);
    expect([1, 2, 3, 4, 5].map(() => q.assess(r(22.5, 40)))).toEqual(['good', 'good', 'good', 'stuck', 'stuck']);
    expect(q.assess(r(22.6, 40))).toBe('good');
  });
});
