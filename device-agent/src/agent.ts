import {
  type AddEventRequest,
  backoffDelay,
  msToOrigin,
  parseEdgexJson,
  retry,
  stringifyEdgex,
  uuidv7,
  WakeableSleep,
} from '@hvac-edge/shared';
import type { Logger } from 'pino';
import type { CoolingController } from './actuation/controller.js';
import type { AgentClock } from './clock.js';
import type { AgentConfig } from './config.js';
import type { Outbox, OutboxItem } from './outbox/outbox.js';
import { type Quality, QualityFilter } from './quality.js';
import { registerDevice } from './registration.js';
import type { Sensor } from './sensor/sensor.js';
import type { HttpTransport } from './transport/http-transport.js';

export interface AgentStats {
  readings: Record<Quality, number>;
  sent: number;
  rejected: number;
  dropped: number;
  retries: number;
  /** Readings taken before the clock was synchronised and stamped once it was. */
  stampedLate: number;
  /** Readings taken before the clock was synchronised in a boot that ended before it was: they cannot be placed. */
  untimed: number;
  /** Times the local guard started holding a set-point below the commanded one. */
  guardOverrides: number;
}

/**
 * Reads the sensor on a fixed period, keeps good readings in the durable outbox, and drains the outbox to the
 * gateway in order, with jittered backoff that honours Retry-After (so a fleet coming back does not stampede).
 */
export class Agent {
  readonly stats: AgentStats = {
    readings: { good: 0, out_of_range: 0, implausible_jump: 0, stuck: 0, read_failure: 0 },
    sent: 0,
    rejected: 0,
    dropped: 0,
    retries: 0,
    stampedLate: 0,
    untimed: 0,
    guardOverrides: 0,
  };
  private waitingForClock = false;
  /** Paces a backlog's drain; only stop() cuts it short. */
  private readonly pace = new WakeableSleep();
  private lastSentAt = 0;
  private readonly quality: QualityFilter;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private draining: Promise<void> | undefined;
  private readonly idle = new WakeableSleep();
  /** Only stop() cuts a backoff short: new readings must not turn an outage into a retry storm. */
  private readonly backoff = new WakeableSleep();
  private attempt = 0;
  private readonly abort = new AbortController();

  constructor(
    private readonly config: Readonly<AgentConfig>,
    private readonly sensor: Sensor,
    private readonly outbox: Outbox,
    private readonly transport: HttpTransport,
    private readonly log: Logger,
    private readonly clock: AgentClock,
    private readonly controller?: CoolingController,
  ) {
    this.quality = new QualityFilter(config.quality);
  }

  get eventPath(): string {
    const c = this.config;
    return `/api/v3/event/${c.serviceName}/${c.profileName}/${c.deviceName}/${c.sourceName}`;
  }

  start(): void {
    this.running = true;
    void retry(() => registerDevice(this.transport, this.config), {
      forever: true,
      minDelayMs: this.config.gateway.retryMinDelayMs,
      maxDelayMs: this.config.gateway.retryMaxDelayMs,
      signal: this.abort.signal,
      onRetry: (err, attempt) => {
        if (attempt === 1) this.log.warn({ err }, 'registration failed; retrying in the background');
      },
    }).then(
      () => this.log.info({ device: this.config.deviceName }, 'registered with the gateway'),
      (err: unknown) => {
        if (!this.abort.signal.aborted) this.log.error({ err }, 'registration gave up');
      },
    );
    this.timer = setInterval(() => void this.readOnce(), this.config.sensor.periodSeconds * 1000);
    void this.readOnce();
    this.draining = this.drainLoop();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    if (this.timer) clearInterval(this.timer);
    this.idle.wake();
    this.backoff.wake();
    this.pace.wake();
    await this.draining;
    this.log.info({ ...this.stats, outbox: this.outbox.size.count }, 'agent stopped');
  }

  /** The event of one reading; `origin` 0 for a reading whose wall time is not known yet (stamped later). */
  buildEvent(
    temperatureC: number,
    humidityPct: number,
    origin: bigint = msToOrigin(this.clock.now()),
  ): AddEventRequest {
    const c = this.config;
    const reading = (resourceName: string, value: number, units: string) => ({
      id: uuidv7(),
      origin,
      deviceName: c.deviceName,
      resourceName,
      profileName: c.profileName,
      valueType: 'Float64' as const,
      value: String(value),
      units,
    });
    return {
      apiVersion: 'v3',
      event: {
        apiVersion: 'v3',
        id: uuidv7(),
        deviceName: c.deviceName,
        profileName: c.profileName,
        sourceName: c.sourceName,
        origin,
        readings: [
          reading('temperature', temperatureC, '°C'),
          reading('humidity', humidityPct, '%RH'),
          // The applied set-point travels back with the readings, so the sink sees aircon_setpoint.
          ...(this.controller?.setpoint === undefined ? [] : [reading('setpoint', this.controller.setpoint, '°C')]),
        ],
        tags: {
          quality: 'good',
          sensor: this.sensor.kind,
          simulated: this.sensor.simulated,
          ...(c.location ? { location: c.location } : {}),
          // The local guard holds a lower set-point than commanded: said with every reading while it lasts.
          ...(this.controller?.guardHolding
            ? { guard: 'holding', commandedSetpoint: this.controller.commandedSetpoint }
            : {}),
        },
      },
    };
  }

  /** One sensor read: filtered, and when good written to the outbox (durably) before anything is sent. */
  async readOnce(): Promise<Quality> {
    let q: Quality;
    try {
      const r = await this.sensor.read();
      q = this.quality.assess(r);
      if (q === 'good') {
        this.controller?.onTemperature(r.temperatureC);
        if (this.clock.synchronized()) {
          const req = this.buildEvent(r.temperatureC, r.humidityPct);
          this.outbox.add(req.event.id, stringifyEdgex(req));
        } else {
          // No wall time to trust: kept with a monotonic stamp, and stamped once the clock is synchronised.
          const req = this.buildEvent(r.temperatureC, r.humidityPct, 0n);
          const untimed = { monoNs: this.clock.monotonicNs(), bootId: this.clock.bootId() };
          this.outbox.add(req.event.id, stringifyEdgex(req), untimed);
        }
        this.idle.wake();
      } else {
        this.log.debug({ reading: r, quality: q }, 'reading rejected');
      }
    } catch (err) {
      q = 'read_failure';
      this.log.warn({ err }, 'sensor read failed');
    }
    this.stats.readings[q] += 1;
    return q;
  }

  /**
   * Sends the outbox oldest first, at most `outbox.drainPerSecond` a second; stops at the first failure and backs
   * off, so order is kept.
   */
  async drainOnce(): Promise<{ sent: number; retryInMs?: number }> {
    let sent = 0;
    const gapMs = 1000 / this.config.outbox.drainPerSecond;
    for (const item of this.outbox.peek(100)) {
      if (sent > 0) await this.pace.sleep(gapMs - (performance.now() - this.lastSentAt));
      if (this.abort.signal.aborted) break;
      const body = this.timed(item);
      if (body === 'wait') return { sent, retryInMs: 1_000 };
      if (body === 'drop') continue;
      const r = await this.transport.sendEvent(this.eventPath, body);
      this.lastSentAt = performance.now();
      if (r.outcome === 'acked') {
        this.outbox.remove(item.seq);
        this.stats.sent += 1;
        sent += 1;
        this.attempt = 0;
      } else if (r.outcome === 'rejected') {
        this.outbox.remove(item.seq);
        this.stats.rejected += 1;
        this.log.error(
          { status: r.status, message: r.message, eventId: item.id },
          'gateway rejected a reading; dropped',
        );
      } else {
        this.attempt += 1;
        this.stats.retries += 1;
        if (this.attempt === 1)
          this.log.warn({ status: r.status, message: r.message }, 'gateway unreachable; buffering');
        const backoff = backoffDelay(
          this.attempt,
          this.config.gateway.retryMinDelayMs,
          this.config.gateway.retryMaxDelayMs,
        );
        return { sent, retryInMs: Math.max(backoff, r.retryAfterMs ?? 0) };
      }
    }
    return { sent };
  }

  /**
   * The body to send: as stored, or for an untimed reading its wall time worked out from the monotonic clock once
   * the system clock is synchronised (stored before it is sent). 'wait' while the clock is not synchronised (order
   * is kept: nothing behind it goes first); 'drop' for a reading of an earlier boot, which cannot be placed.
   */
  private timed(item: OutboxItem): string | 'wait' | 'drop' {
    if (!item.untimed) return item.body;
    if (!this.clock.synchronized()) {
      if (!this.waitingForClock) this.log.warn('clock not synchronised yet: readings are kept, and sent once it is');
      this.waitingForClock = true;
      return 'wait';
    }
    this.waitingForClock = false;
    if (item.untimed.bootId !== this.clock.bootId()) {
      this.outbox.remove(item.seq);
      this.stats.untimed += 1;
      this.log.error({ eventId: item.id }, 'reading from a boot that ended before its clock was set: dropped');
      return 'drop';
    }
    const ageNs = this.clock.monotonicNs() - item.untimed.monoNs;
    const origin = msToOrigin(this.clock.now()) - ageNs;
    const req = parseEdgexJson(item.body) as AddEventRequest;
    req.event.origin = origin;
    for (const r of req.event.readings) r.origin = origin;
    const body = stringifyEdgex(req);
    this.outbox.stamp(item.seq, body);
    this.stats.stampedLate += 1;
    return body;
  }

  private async drainLoop(): Promise<void> {
    while (this.running) {
      const r = await this.drainOnce();
      if (!this.running) break;
      if (r.retryInMs !== undefined) await this.backoff.sleep(r.retryInMs);
      else if (this.outbox.size.count === 0) await this.idle.sleep(this.config.sensor.periodSeconds * 1000);
    }
  }
}
