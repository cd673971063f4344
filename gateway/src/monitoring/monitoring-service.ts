import { ProcHostCollector } from '@hvac-edge/shared';
import { DEFAULT_NOVELTY, type Forecast, forecast, runwaySeconds, scoreSeries } from '@hvac-edge/shared/anomaly';
import type { Logger } from 'pino';
import type { GatewayMetrics } from '../metrics.js';
import { type MetricName, type Snapshot, snapshotToValues } from './catalog.js';
import { scrapeNodeExporter } from './collectors/node-exporter.js';
import type { MonitoringConfig } from './config.js';
import { type Aggregation, type HistorySpec, resampleSeries, SeriesHistory } from './history.js';

export type TargetSource = 'host' | 'node_exporter' | 'push';

/** The gateway's own event buffer, recorded as the host target's `buffer_bytes`. */
export interface BufferSource {
  bytes(): Promise<number>;
  /** The disk budget (retention.maxDiskBytes): the runway's and the buffer forecast's threshold. */
  limitBytes: number;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;

export interface TargetState {
  name: string;
  host: string;
  source: TargetSource;
  firstSampleAt: number | undefined;
  lastSampleAt: number | undefined;
  /** Time covered by consecutive samples no further apart than the stale limit: "observed running time". */
  runningMs: number;
  lastError: string | undefined;
  prev: Snapshot | undefined;
  series: Map<MetricName, SeriesHistory>;
}

/**
 * Targets and their bounded histories: the gateway's host (from /proc), node_exporters (pulled), and anything that
 * pushes line protocol. Every source becomes a Snapshot, and every Snapshot the same metric values.
 */
export class MonitoringService {
  readonly name = 'monitoring';
  readonly targets = new Map<string, TargetState>();
  private readonly spec: HistorySpec;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private readonly hostCollector: ProcHostCollector;
  samplesIngested = 0;

  constructor(
    readonly config: Readonly<MonitoringConfig>,
    private readonly metrics: Pick<GatewayMetrics, 'monitoringCollectCpu' | 'monitoringScrapeErrors'>,
    private readonly log: Logger,
    readonly now: () => number = Date.now,
    hostName = 'localhost',
    readonly buffer?: BufferSource,
  ) {
    this.spec = {
      rawCapacity: Math.ceil(config.history.rawSeconds / config.intervalSeconds),
      rollups: [
        { stepMs: 60_000, retentionMs: config.history.minuteHours * 3_600_000 },
        { stepMs: 3_600_000, retentionMs: config.history.hourDays * 86_400_000 },
      ],
    };
    this.hostCollector = new ProcHostCollector(config.mountPoint);
    this.ensureTarget(config.hostTarget, hostName, 'host');
    for (const ne of config.nodeExporters) this.ensureTarget(ne.name, new URL(ne.url).hostname, 'node_exporter');
  }

  private ensureTarget(name: string, host: string, source: TargetSource): TargetState {
    let t = this.targets.get(name);
    if (!t) {
      t = {
        name,
        host,
        source,
        firstSampleAt: undefined,
        lastSampleAt: undefined,
        runningMs: 0,
        lastError: undefined,
        prev: undefined,
        series: new Map(),
      };
      this.targets.set(name, t);
    }
    return t;
  }

  /** Adds one snapshot of a target; returns the metric values it produced. */
  ingest(name: string, host: string, source: TargetSource, snap: Snapshot): Partial<Record<MetricName, number>> {
    const t = this.ensureTarget(name, host, source);
    if (t.lastSampleAt !== undefined && snap.at <= t.lastSampleAt) return {}; // duplicate or out of order
    const values = snapshotToValues(snap, t.prev);
    for (const [metric, value] of Object.entries(values) as [MetricName, number][])
      this.record(t, metric, snap.at, value);
    if (t.lastSampleAt !== undefined && snap.at - t.lastSampleAt <= this.config.staleAfterSeconds * 1000) {
      t.runningMs += snap.at - t.lastSampleAt;
    }
    t.firstSampleAt ??= snap.at;
    t.lastSampleAt = snap.at;
    t.prev = snap;
    t.lastError = undefined;
    return values;
  }

  private record(t: TargetState, metric: MetricName, at: number, value: number): void {
    if (!Number.isFinite(value)) return;
    let s = t.series.get(metric);
    if (!s) {
      s = new SeriesHistory(this.spec);
      t.series.set(metric, s);
    }
    s.add(at, value);
    this.samplesIngested += 1;
  }

  /** The roll-up tier an analysis of a window from `start` reads: 1 min within history.minuteHours, else 1 h. */
  analysisStepMs(start: number): number {
    return start >= this.now() - this.config.history.minuteHours * HOUR ? MINUTE : HOUR;
  }

  /** The first whole bucket a roll-up tier still holds (on the tier's own boundaries). */
  private tierStart(stepMs: number): number {
    const span = stepMs === MINUTE ? this.config.history.minuteHours * HOUR : this.config.history.hourDays * 86_400_000;
    return Math.floor((this.now() - span) / stepMs) * stepMs + stepMs;
  }

  /**
   * Per point of the tier `analysisStepMs(start)` picks, the novelty detector's score and level. The detector reads
   * the tier from its oldest point, so what it says of a point is what it would have said when that point was new
   * (no look-ahead).
   */
  anomalies(target: string, metric: MetricName, start: number, end: number) {
    const stepMs = this.analysisStepMs(start);
    const from = Math.min(this.tierStart(stepMs), Math.floor(start / stepMs) * stepMs);
    const points = this.window(target, metric, from, end, stepMs, 'avg');
    const scores = scoreSeries(
      points.map((p) => p.at),
      points.map((p) => p.value),
      DEFAULT_NOVELTY,
    );
    return {
      stepMs,
      points: points.flatMap((p, i) =>
        p.at >= start && p.at <= end ? [{ ...p, ...(scores[i] as (typeof scores)[number]) }] : [],
      ),
    };
  }

  /** The forecast of a series from its hourly tier (all of it). */
  forecast(target: string, metric: MetricName, horizonMs: number, threshold: number | undefined): Forecast {
    const points = this.window(target, metric, this.tierStart(HOUR), this.now(), HOUR, 'avg');
    return forecast(points, { horizonMs, ...(threshold !== undefined ? { threshold } : {}) });
  }

  /**
   * Seconds until the buffer reaches its disk budget at the growth of the last hour (raw samples), Infinity when
   * it is not growing, undefined without a buffer source.
   */
  bufferRunwaySeconds(): number | undefined {
    if (!this.buffer) return undefined;
    const s = this.targets.get(this.config.hostTarget)?.series.get('buffer_bytes');
    if (!s) return undefined;
    const now = this.now();
    const recent = s.range(now - HOUR, now, now).map((p) => ({ at: p.at, value: p.sum / p.count }));
    return runwaySeconds(recent, this.buffer.limitBytes);
  }

  /**
   * Why pushes naming these targets cannot be taken (undefined when they can): the gateway's own host and scraped
   * node_exporters are not push targets, and no more than `maxTargets` targets are kept.
   */
  refusePush(names: readonly string[]): string | undefined {
    let fresh = 0;
    for (const name of new Set(names)) {
      const t = this.targets.get(name);
      if (t && t.source !== 'push') return `target ${name} is the gateway's ${t.source} target; it cannot be pushed to`;
      if (!t) fresh += 1;
    }
    if (fresh > 0 && this.targets.size + fresh > this.config.maxTargets) {
      return `${fresh} new target(s) would pass monitoring.maxTargets (${this.config.maxTargets}); ${this.targets.size} are kept`;
    }
    return undefined;
  }

  isStale(t: TargetState): boolean {
    return t.lastSampleAt === undefined || this.now() - t.lastSampleAt > this.config.staleAfterSeconds * 1000;
  }

  latest(target: string, metric: MetricName) {
    return this.targets.get(target)?.series.get(metric)?.latest();
  }

  window(target: string, metric: MetricName, start: number, end: number, stepMs: number | undefined, agg: Aggregation) {
    const s = this.targets.get(target)?.series.get(metric);
    if (!s) return [];
    return resampleSeries(s, start, end, this.now(), stepMs, agg);
  }

  /** Memory and down-sampling figures for /metrics and the benchmark. */
  stats() {
    let series = 0;
    let bytes = 0;
    let stored = 0;
    for (const t of this.targets.values()) {
      for (const s of t.series.values()) {
        series += 1;
        bytes += s.bytes();
        stored += s.storedPoints();
      }
    }
    return { targets: this.targets.size, series, bytes, storedPoints: stored, samplesIngested: this.samplesIngested };
  }

  async collectHost(): Promise<void> {
    const cpu0 = process.cpuUsage();
    const snap = await this.hostCollector.collect(this.now());
    const cpu = process.cpuUsage(cpu0);
    this.metrics.monitoringCollectCpu.observe((cpu.user + cpu.system) / 1e6);
    const t = this.targets.get(this.config.hostTarget) as TargetState;
    this.ingest(t.name, t.host, 'host', snap);
    if (this.buffer && t.lastSampleAt === snap.at) this.record(t, 'buffer_bytes', snap.at, await this.buffer.bytes());
  }

  async scrape(name: string, url: string): Promise<void> {
    const t = this.targets.get(name) as TargetState;
    try {
      const snap = await scrapeNodeExporter(
        url,
        Math.min(5000, this.config.intervalSeconds * 1000),
        this.config.mountPoint,
      );
      this.ingest(name, t.host, 'node_exporter', { ...snap, at: this.now() });
    } catch (err) {
      const message = (err as Error).message;
      if (t.lastError !== message) this.log.warn({ err, target: name, url }, 'node_exporter scrape failed');
      t.lastError = message;
      this.metrics.monitoringScrapeErrors.inc({ target: name });
    }
  }

  /** One collection round: the host and every node_exporter, concurrently. */
  tick(): Promise<void> {
    this.ticking ??= Promise.all([
      this.collectHost().catch((err) => this.log.warn({ err }, 'host collection failed')),
      ...this.config.nodeExporters.map((ne) => this.scrape(ne.name, ne.url)),
    ])
      .then(() => undefined)
      .finally(() => {
        this.ticking = undefined;
      });
    return this.ticking;
  }

  start(): void {
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.config.intervalSeconds * 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.ticking;
  }
}
