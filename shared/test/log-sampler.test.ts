import { describe, expect, it } from 'vitest';
import { LogSampler } from '../src/log-sampler.js';

describe('LogSampler', () => {
  it('lets perMinute lines through a minute and reports the held-back count with the next one', () => {
    let now = 0;
    const s = new LogSampler(3, () => now);
    const taken = Array.from({ length: 10 }, () => s.take());
    expect(taken.filter((t) => t.log)).toHaveLength(3);
    now += 59_999;
    expect(s.take().log).toBe(false);
    now += 1;
    expect(s.take()).toEqual({ log: true, suppressed: 8 });
    expect(s.take()).toEqual({ log: true, suppressed: 0 });
  });
});
