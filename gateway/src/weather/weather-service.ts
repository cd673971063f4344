import { retry, type WeatherObservation } from '@hvac-edge/shared';
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { GatewayMetrics } from '../metrics.js';
import { type Observation, WeatherError, type WeatherProvider } from './weather-provider.js';

export interface WeatherServiceOptions {
  /** node-cron expression for polls. */
  schedule: string;
  /** An observation further than this from an event's origin is attached but marked stale. */
  maxAgeSeconds: number;
  /** Retries of one poll (with backoff and jitter) before waiting for the next scheduled poll. */
  retries: number;
  retryMinDelayMs: number;
  /** Observations kept to match against event origins (buffered events may be hours old). */
  keep?: number;
}

/**
 * Polls a WeatherProvider on a schedule and keeps recent observations. Enrichment picks the observation nearest
 * an event's origin. Provider trouble is logged (once per change of reason), counted, retried with backoff; it never
 * blocks ingest or forwarding: events then carry stale weather or none.
 */
export class WeatherService {
  readonly name = 'weather';
  private readonly observations: Observation[] = [];
  private task: ScheduledTask | undefined;
  private readonly abort = new AbortController();
  private lastReason: string | undefined;
  private polling: Promise<void> | undefined;

  constructor(
    readonly provider: WeatherProvider,
    private readonly options: WeatherServiceOptions,
    private readonly metrics: Pick<GatewayMetrics, 'weatherPolls' | 'weatherRetries'>,
    private readonly log: Logger,
  ) {}

  start(): void {
    if (!cron.validate(this.options.schedule)) {
      throw new Error(`weather.schedule is not a cron expression: ${this.options.schedule}`);
    }
    void this.pollOnce();
    this.task = cron.schedule(this.options.schedule, () => void this.pollOnce(), { name: 'weather', noOverlap: true });
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.task?.stop();
    await this.polling;
  }

  get latest(): Observation | undefined {
    return this.observations.at(-1);
  }

  /** One poll with retries; concurrent calls share it. Never throws. */
  pollOnce(): Promise<void> {
    this.polling ??= this.poll().finally(() => {
      this.polling = undefined;
    });
    return this.polling;
  }

  private async poll(): Promise<void> {
    try {
      const obs = await retry(() => this.provider.current(this.abort.signal), {
        retries: this.options.retries,
        minDelayMs: this.options.retryMinDelayMs,
        maxDelayMs: this.options.retryMinDelayMs * 16,
        signal: this.abort.signal,
        onRetry: (err, attempt) => {
          this.metrics.weatherRetries.inc();
          this.log.debug({ err, attempt, provider: this.provider.name }, 'weather poll failed; retrying');
        },
      });
      this.add(obs);
      this.metrics.weatherPolls.inc({ provider: this.provider.name, outcome: 'ok' });
      if (this.lastReason) this.log.info({ provider: this.provider.name }, 'weather provider recovered');
      this.lastReason = undefined;
    } catch (err) {
      if (this.abort.signal.aborted) return;
      const reason = err instanceof WeatherError ? err.reason : 'error';
      this.metrics.weatherPolls.inc({ provider: this.provider.name, outcome: reason });
      if (reason !== this.lastReason) {
        this.log.warn({ err, provider: this.provider.name, reason }, `weather poll failed: ${(err as Error).message}`);
      }
      this.lastReason = reason;
    }
  }

  add(obs: Observation): void {
    const i = this.observations.findIndex((o) => o.observedAt >= obs.observedAt);
    if (i >= 0 && this.observations[i]?.observedAt === obs.observedAt) return;
    if (i < 0) this.observations.push(obs);
    else this.observations.splice(i, 0, obs);
    const keep = this.options.keep ?? 288;
    if (this.observations.length > keep) this.observations.splice(0, this.observations.length - keep);
  }

  /** The observation nearest `originMs`, with its age and staleness; null when there is none. */
  enrich(originMs: number): WeatherObservation | null {
    // Observations are kept sorted by time; the forwarder asks for every event, so search rather than scan.
    const list = this.observations;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((list[mid] as Observation).observedAt < originMs) lo = mid + 1;
      else hi = mid;
    }
    const after = list[lo];
    const before = list[lo - 1];
    const best = before && (!after || originMs - before.observedAt <= after.observedAt - originMs) ? before : after;
    if (!best) return null;
    const ageSeconds = Math.abs(originMs - best.observedAt) / 1000;
    return {
      provider: best.provider,
      observedAt: best.observedAt,
      ageSeconds,
      stale: ageSeconds > this.options.maxAgeSeconds,
      temperatureC: best.temperatureC,
      humidityPct: best.humidityPct,
      weatherStatus: best.weatherStatus,
      ...(best.main ? { main: best.main } : {}),
    };
  }
}
