import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay, HvacError, retry } from '../src/index.js';

describe('retry', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('retries a retriable failure with growing delays, then succeeds', async () => {
    const calls: number[] = [];
    const fn = vi.fn(async (attempt: number) => {
      calls.push(Date.now());
      if (attempt < 3) throw new HvacError('DOWN', 'down', { retriable: true });
      return 'ok';
    });
    const p = retry(fn, { retries: 5, minDelayMs: 100, factor: 2, jitter: false });
    await vi.runAllTimersAsync();
    await expect(p).resolves.toBe('ok');
    expect(fn).toHaveBeenCalledTimes(3);
    const [t0, t1, t2] = calls as [number, number, number];
    expect(t1 - t0).toBe(100);
    expect(t2 - t1).toBe(200);
  });

  it('bails at once on a non-retriable error and rethrows it unchanged', async () => {
    const err = new HvacError('BAD_INPUT', 'bad', { retriable: false });
    const fn = vi.fn(async () => {
      throw err;
    });
    const p = retry(fn, { retries: 5, minDelayMs: 10 });
    const assertion = expect(p).rejects.toBe(err);
    await vi.runAllTimersAsync();
    await assertion;
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('gives up after the configured retries with the last error', async () => {
    let n = 0;
    const onRetry = vi.fn();
    const p = retry(
      async () => {
        n += 1;
        throw new HvacError('DOWN', `down ${n}`, { retriable: true });
      },
      { retries: 2, minDelayMs: 10, onRetry },
    );
    const assertion = expect(p).rejects.toThrow('down 3');
    await vi.runAllTimersAsync();
    await assertion;
    expect(onRetry).toHaveBeenCalledTimes(2);
  });

  it('retries forever when asked, until aborted', async () => {
    const ac = new AbortController();
    let n = 0;
    const p = retry(
      async () => {
        n += 1;
        if (n === 50) ac.abort();
        throw new HvacError('DOWN', 'down', { retriable: true });
      },
      { forever: true, minDelayMs: 1, maxDelayMs: 2, signal: ac.signal },
    );
    const assertion = expect(p).rejects.toBeDefined();
    await vi.runAllTimersAsync();
    await assertion;
    expect(n).toBe(50);
  });

  it('keeps jittered delays within [min/2, cap]', async () => {
    const calls: number[] = [];
    const p = retry(
      async (attempt) => {
        calls.push(Date.now());
        if (attempt < 4) throw new Error('flaky');
        return attempt;
      },
      { retries: 5, minDelayMs: 100, maxDelayMs: 250, jitter: true },
    );
    await vi.runAllTimersAsync();
    await expect(p).resolves.toBe(4);
    for (let i = 1; i < calls.length; i++) {
      const d = (calls[i] as number) - (calls[i - 1] as number);
      expect(d).toBeGreaterThanOrEqual(100);
      expect(d).toBeLessThanOrEqual(250 * 2);
    }
  });

  it('backoffDelay grows, caps and jitters', () => {
    expect(backoffDelay(1, 100, 1000, () => 1)).toBe(100);
    expect(backoffDelay(3, 100, 1000, () => 1)).toBe(400);
    expect(backoffDelay(10, 100, 1000, () => 1)).toBe(1000);
    expect(backoffDelay(10, 100, 1000, () => 0)).toBe(50);
  });
});
