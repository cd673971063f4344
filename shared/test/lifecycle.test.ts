import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handleSignals, Lifecycle, SdNotify } from '../src/index.js';

const log = pino({ level: 'silent' });

describe('Lifecycle', () => {
  it('starts in order and stops in reverse, once', async () => {
    const order: string[] = [];
    const comp = (name: string) => ({
      name,
      start: () => void order.push(`start ${name}`),
      stop: () => void order.push(`stop ${name}`),
    });
    const lc = new Lifecycle(log, [comp('store'), comp('http')]);
    await lc.start();
    await Promise.all([lc.stop(), lc.stop()]);
    expect(order).toEqual(['start store', 'start http', 'stop http', 'stop store']);
  });

  it('stops what started when a later start fails, and keeps stopping past a failing stop', async () => {
    const order: string[] = [];
    const lc = new Lifecycle(log)
      .add({ name: 'a', start: () => void order.push('start a'), stop: () => void order.push('stop a') })
      .add({
        name: 'b',
        start: () => void order.push('start b'),
        stop: () => {
          throw new Error('b will not stop');
        },
      })
      .add({
        name: 'c',
        start: () => {
          throw new Error('c broken');
        },
      });
    await expect(lc.start()).rejects.toThrow('c broken');
    expect(order).toEqual(['start a', 'start b', 'stop a']);
  });
});

describe('handleSignals', () => {
  it('runs shutdown on SIGTERM and exits 0; a second signal exits 1', async () => {
    const exit = vi.fn();
    let release!: () => void;
    const shutdown = vi.fn(() => new Promise<void>((r) => (release = r)));
    const remove = handleSignals(log, shutdown, { exit, signals: ['SIGUSR2'] });
    process.emit('SIGUSR2', 'SIGUSR2');
    expect(shutdown).toHaveBeenCalledTimes(1);
    process.emit('SIGUSR2', 'SIGUSR2');
    expect(exit).toHaveBeenCalledWith(1);
    release();
    await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(0));
    remove();
  });
});

describe('SdNotify', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('is a no-op without NOTIFY_SOCKET', async () => {
    const send = vi.fn(async () => {});
    const sd = new SdNotify({ env: { WATCHDOG_USEC: '1000000' }, send });
    await sd.ready();
    await vi.advanceTimersByTimeAsync(5_000);
    await sd.stopping();
    expect(sd.enabled).toBe(false);
    expect(send).not.toHaveBeenCalled();
  });

  it('sends READY, then WATCHDOG at half of WATCHDOG_USEC, then STOPPING', async () => {
    const send = vi.fn(async (_socket: string, _state: string) => {});
    const sd = new SdNotify({ env: { NOTIFY_SOCKET: '/run/notify', WATCHDOG_USEC: '2000000' }, send });
    expect(sd.watchdogIntervalMs).toBe(1000);
    await sd.ready('listening');
    expect(send).toHaveBeenLastCalledWith('/run/notify', 'READY=1\nSTATUS=listening');
    await vi.advanceTimersByTimeAsync(3_000);
    expect(send.mock.calls.filter(([, s]) => s === 'WATCHDOG=1')).toHaveLength(3);
    await sd.stopping();
    expect(send).toHaveBeenLastCalledWith('/run/notify', 'STOPPING=1');
    await vi.advanceTimersByTimeAsync(3_000);
    expect(send.mock.calls.filter(([, s]) => s === 'WATCHDOG=1')).toHaveLength(3);
  });

  it('ignores a watchdog meant for another process', () => {
    const sd = new SdNotify({ env: { NOTIFY_SOCKET: '/s', WATCHDOG_USEC: '2000000', WATCHDOG_PID: '1' } });
    expect(sd.watchdogIntervalMs).toBeUndefined();
  });
});

describe('WakeableSleep', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sleeps, wakes early, and remembers a wake that came while awake', async () => {
    const { WakeableSleep } = await import('../src/index.js');
    const s = new WakeableSleep();
    let done = false;
    const p = s.sleep(10_000).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(done).toBe(false);
    s.wake();
    await p;
    expect(done).toBe(true);
    s.wake(); // nobody sleeping: remembered
    let second = false;
    const q = s.sleep(10_000).then(() => {
      second = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(second).toBe(true);
    await q;
  });
});
