import { backoffDelay, ENRICHED_EVENT_SCHEMA_VERSION, isolatePoison, originMs, WakeableSleep } from '@hvac-edge/shared';
import type { Logger } from 'pino';
import type { GatewayMetrics } from '../metrics.js';
import type { EventStore, StoredEvent } from '../store/event-store.js';
import type { WeatherService } from '../weather/weather-service.js';
import type { EventPublisher, OutboundEvent } from './event-publisher.js';

export interface ForwarderOptions {
  /** Failed attempts in a row, and seconds one publish may wait, before health() says degraded. */
  degradedAfterFailures?: number;
  stallSeconds?: number;
  gatewayId: string;
  batchSize: number;
  /** Wait between empty polls when nothing wakes the forwarder. */
  idleMs: number;
  /** How long a trickle of events gathers before it leaves as one batch (0: at once). */
  lingerMs?: number;
  retryMinDelayMs: number;
  retryMaxDelayMs: number;
}

export type ForwarderMetrics = Pick<
  GatewayMetrics,
  'forwardPublished' | 'forwardLatency' | 'forwardRetries' | 'forwardLastError' | 'enriched' | 'forwardDeadLettered'
>;

type WeatherState = 'fresh' | 'stale' | 'none';

/**
 * Store-and-forward: reads pending events in arrival order, enriches them, publishes them and only then marks them
 * forwarded. A crash anywhere re-sends (never loses); a publisher outage leaves ingest untouched and the backlog
 * drains on recovery. One batch in flight keeps per-device order.
 */
export class Forwarder {
  readonly name = 'forwarder';
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly idle = new WakeableSleep();
  /** Only stop() cuts a backoff short: new events must not turn an outage into a retry storm. */
  private readonly backoff = new WakeableSleep();
  private attempt = 0;
  private lastError: string | undefined;
  private failingSince: number | undefined;
  private publishingSince: number | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly publisher: EventPublisher,
    private readonly weather: WeatherService | undefined,
    private readonly options: ForwarderOptions,
    private readonly metrics: ForwarderMetrics,
    private readonly log: Logger,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Why forwarding is not delivering (failing in a row, or one publish stalled); undefined when it is. */
  health(now = Date.now()): string | undefined {
    const failures = this.options.degradedAfterFailures ?? 3;
    if (this.attempt >= failures) {
      const since = Math.round((now - (this.failingSince ?? now)) / 1000);
      return `forwarding failed ${this.attempt} times in a row for ${since} s: ${this.lastError ?? 'unknown error'}`;
    }
    const stall = this.options.stallSeconds ?? 60;
    if (this.publishingSince !== undefined && now - this.publishingSince > stall * 1000) {
      return `a publish has been waiting ${Math.round((now - this.publishingSince) / 1000)} s (health.forwarderStallSeconds ${stall})`;
    }
    return undefined;
  }

  /** Called on ingest so new events leave at once instead of at the next idle poll. */
  notify(): void {
    this.idle.wake();
  }

  /**
   * Bounded: a publish that kafkajs is still retrying against an unreachable cluster is left behind after
   * `stopTimeoutMs` (nothing was marked forwarded for it, so it is sent again after the restart).
   */
  async stop(stopTimeoutMs = 3000): Promise<void> {
    this.running = false;
    this.idle.wake();
    this.backoff.wake();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), stopTimeoutMs);
    });
    if ((await Promise.race([this.loop, late])) === 'late') {
      this.log.warn({ stopTimeoutMs }, 'a publish was still in flight at shutdown; it is sent again after the restart');
    }
    clearTimeout(timer);
    await this.publisher.disconnect().catch((err: unknown) => this.log.warn({ err }, 'publisher disconnect failed'));
  }

  private enrich(s: StoredEvent): { outbound: OutboundEvent; weather: WeatherState } {
    const weather = this.weather?.enrich(originMs(s.event.origin)) ?? null;
    const outbound: OutboundEvent = {
      envelope: {
        schemaVersion: ENRICHED_EVENT_SCHEMA_VERSION,
        gatewayId: this.options.gatewayId,
        receivedAt: s.receivedAt,
        sequence: s.deviceSeq,
        weather,
      },
      event: s.event,
      ...(s.eventJson === undefined ? {} : { eventJson: s.eventJson }),
    };
    return { outbound, weather: !weather ? 'none' : weather.stale ? 'stale' : 'fresh' };
  }

  private async prepare(afterSeq: number) {
    const batch = await this.store.pending(this.options.batchSize, afterSeq);
    const counts: Record<WeatherState, number> = { fresh: 0, stale: 0, none: 0 };
    const events = batch.map((s) => {
      const { outbound, weather } = this.enrich(s);
      counts[weather] += 1;
      return outbound;
    });
    return { batch, events, counts };
  }

  /**
   * Publishes pending events batch after batch until none is left; returns how many it forwarded. The next batch
   * is read and enriched while the current one is on the wire (one publish in flight, so order holds).
   */
  async drainBacklog(): Promise<number> {
    let total = 0;
    let current = await this.prepare(0);
    // Marking runs on the store's writer thread while the next batch is on the wire; it is awaited before the
    // next mark and before returning, so a failure still stops the loop.
    let marking: Promise<void> = Promise.resolve();
    while (current.batch.length > 0 && this.running !== false) {
      const t0 = performance.now();
      this.publishingSince = Date.now();
      const sending = this.publishOrIsolate(current.batch, current.events).finally(() => {
        this.publishingSince = undefined;
      });
      const full = current.batch.length === this.options.batchSize;
      const lastSeq = current.batch[current.batch.length - 1]?.seq ?? 0;
      const next = full ? this.prepare(lastSeq) : undefined;
      next?.catch(() => {}); // a failed read surfaces when awaited below
      const done = await sending;
      this.metrics.forwardPublished.inc(current.batch.length);
      this.metrics.forwardLatency.observe((performance.now() - t0) / 1000);
      for (const [weather, n] of Object.entries(current.counts)) if (n) this.metrics.enriched.inc({ weather }, n);
      await marking;
      marking = this.store.markForwarded(done);
      total += current.batch.length;
      if (!next) break;
      current = await next;
    }
    await marking;
    return total;
  }

  /**
   * Publishes a batch; the events the publisher refuses for good (PoisonError: too large, invalid) are isolated
   * (shared/poison.ts) and set aside: marked forwarded with the rest so they leave the backlog, counted, their ids
   * logged; they stay readable in the store. Resolves with the seqs done: the whole batch.
   */
  private async publishOrIsolate(batch: StoredEvent[], events: OutboundEvent[]): Promise<number[]> {
    const refused = await isolatePoison(
      batch.map((stored, i) => ({ stored, event: events[i] as OutboundEvent })),
      (items) => this.publisher.publish(items.map((x) => x.event)),
    );
    for (const { item, error } of refused) {
      this.metrics.forwardDeadLettered.inc();
      this.log.error(
        { eventId: item.stored.event.id, device: item.stored.event.deviceName, seq: item.stored.seq, err: error },
        'event refused downstream for good; set aside (marked forwarded, still in the store)',
      );
    }
    return batch.map((s) => s.seq);
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        const n = await this.drainBacklog();
        if (this.attempt > 0) this.log.info({ afterAttempts: this.attempt }, 'forwarding recovered');
        this.attempt = 0;
        this.lastError = undefined;
        this.failingSince = undefined;
        // A notify() during the pass is remembered by the sleep, so new events never wait for the idle poll.
        if (n === 0) await this.idle.sleep(this.options.idleMs);
        // A trickle (the last pass was not a full batch) gathers for lingerMs: at 1,000 events/s one publish and one
        // sink commit carry fifty events instead of one or two. A backlog drains without pause.
        const linger = this.options.lingerMs ?? 0;
        if (linger > 0 && n < this.options.batchSize && this.running) await this.backoff.sleep(linger);
      } catch (err) {
        this.attempt += 1;
        this.failingSince ??= Date.now();
        const message = (err as Error).message;
        if (message !== this.lastError) this.log.warn({ err, attempt: this.attempt }, `forwarding failed: ${message}`);
        this.lastError = message;
        this.metrics.forwardRetries.inc();
        this.metrics.forwardLastError.set(Date.now() / 1000);
        await this.backoff.sleep(
          backoffDelay(this.attempt, this.options.retryMinDelayMs, this.options.retryMaxDelayMs),
        );
      }
    }
  }
}
