import { makeEvent } from '@hvac-edge/test/support';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GatewayMetrics } from '../../src/metrics.js';
import type { EventPublisher } from '../../src/northbound/event-publisher.js';
import { Forwarder } from '../../src/northbound/forwarder.js';
import type { EventStore, StoredEvent } from '../../src/store/event-store.js';

describe('Forwarder backoff', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('new events during an outage do not cut the backoff short', async () => {
    const stored: StoredEvent = { seq: 1, deviceSeq: 1, receivedAt: 0, state: 'pending', event: makeEvent() };
    const store = { pending: async () => [stored], markForwarded: async () => {} } as unknown as EventStore;
    let attempts = 0;
    const publisher: EventPublisher = {
      connect: async () => {},
      disconnect: async () => {},
      publish: async () => {
        attempts += 1;
        throw new Error('broker down');
      },
    };
    const f = new Forwarder(
      store,
      publisher,
      undefined,
      { gatewayId: 'g', batchSize: 10, idleMs: 100, retryMinDelayMs: 1000, retryMaxDelayMs: 8000 },
      new GatewayMetrics({ defaultMetrics: false }),
      pino({ level: 'silent' }),
    );
    f.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(attempts).toBe(1);
    // A burst of ingest notifications while backing off.
    for (let i = 0; i < 200; i++) {
      f.notify();
      await vi.advanceTimersByTimeAsync(1);
    }
    expect(attempts).toBeLessThanOrEqual(2);
    await vi.advanceTimersByTimeAsync(30_000);
    // Exponential with full jitter (0.5 s .. 8 s): 30 s allow a bounded number of attempts.
    expect(attempts).toBeLessThan(20);
    const stopping = f.stop();
    await vi.advanceTimersByTimeAsync(0);
    await stopping;
  });
});
