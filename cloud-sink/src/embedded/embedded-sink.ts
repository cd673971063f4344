import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  type ClosedLoopSettings,
  type EnrichedEvent,
  type InferenceSettings,
  type Logger,
  PoisonError,
  UnavailableError,
} from '@hvac-edge/shared';
import type { AlertSink } from '@hvac-edge/shared/alerts';
import { RoomAnomalies } from '../anomaly/room-anomalies.js';
import { loadRecommender } from '../app.js';
import { ClosedLoop } from '../inference/closed-loop.js';
import type { CommandSink } from '../inference/command-sink.js';
import { type DecidedBy, decidedByName, RECOMMENDATION } from '../inference/recommender.js';
import type { SinkMetrics } from '../metrics.js';
import { SinkPipeline } from '../pipeline.js';
import { CLIMATE } from '../points.js';
import { SqlitePointStore } from './sqlite-point-store.js';

export interface EmbeddedSinkOptions {
  pointsPath: string;
  retentionDays: number;
  inference: InferenceSettings;
  closedLoop: ClosedLoopSettings;
}

export interface DeviceSummary {
  device: string;
  at: string;
  temperature?: number;
  humidity?: number;
  ext_temperature?: number;
  ext_humidity?: number;
  weather_stat?: number;
  aircon_setpoint?: number;
  /** Present while the agent's local guard holds the set-point below this commanded one. */
  commanded_setpoint?: number;
  recommended_setpoint?: number;
  recommendedAt?: string;
  /** Who decided the latest recommendation: the model, the safety supervisor, or the fallback rule. */
  recommendedBy?: DecidedBy;
}

export interface EmbeddedSinkSummary {
  model: string | null;
  backend: string | null;
  events: number;
  climatePoints: number;
  recommendationPoints: number;
  commandsSent: number;
  devices: DeviceSummary[];
}

const iso = (ns: string) => new Date(Number(BigInt(ns) / 1_000_000n)).toISOString();

async function counterValue(counter: SinkMetrics['events']): Promise<number> {
  return (await counter.get()).values.reduce((sum, v) => sum + v.value, 0);
}

/**
 * The cloud sink inside a gateway process, for a single box without Kafka or InfluxDB: the gateway's forwarder hands
 * it enriched events, which run through the sink's pipeline (climate points, inference, closed loop) into a local
 * point store. `process` resolves only when the points are durable, so the gateway marks events forwarded only then.
 * Closed-loop commands go to the `commands` sink (the gateway's command queue).
 */
export class EmbeddedSink {
  readonly name = 'embedded-sink';
  readonly points: SqlitePointStore;
  private pipeline: SinkPipeline | undefined;
  private model: string | null = null;
  private backend: string | null = null;

  constructor(
    private readonly options: EmbeddedSinkOptions,
    private readonly commands: CommandSink,
    private readonly metrics: SinkMetrics,
    private readonly log: Logger,
    /** Where room anomaly alerts go (the gateway's alert engine). */
    private readonly alerts: readonly AlertSink[] = [],
  ) {
    mkdirSync(dirname(options.pointsPath), { recursive: true });
    this.points = new SqlitePointStore(options.pointsPath, options.retentionDays * 86_400_000);
  }

  /** Loads the model (when configured). */
  async start(): Promise<void> {
    if (this.pipeline) return;
    const recommender = await loadRecommender(this.options.inference, this.metrics, this.log);
    this.model = recommender?.modelId ?? null;
    this.backend = recommender?.backend ?? null;
    const loop =
      recommender && this.options.closedLoop.enabled
        ? new ClosedLoop(
            this.commands,
            recommender.modelId,
            this.options.closedLoop,
            this.metrics,
            this.log.child({ module: 'closed-loop' }),
          )
        : undefined;
    const anomalies = new RoomAnomalies(this.metrics, this.log.child({ module: 'room-anomalies' }), this.alerts);
    this.pipeline = new SinkPipeline(this.points, this.metrics, recommender, loop, anomalies);
  }

  /**
   * Resolves when the batch's points are durable. A failure of the point store's disk (full, I/O, busy) is an
   * outage: UnavailableError, and the gateway retries the batch. Anything else is the data's own: PoisonError, and
   * the gateway halves the batch until the event that fails stands alone and sets it aside.
   */
  async process(events: EnrichedEvent[]): Promise<void> {
    if (!this.pipeline) await this.start();
    try {
      await this.pipeline?.process(events);
    } catch (err) {
      // The point store's writer thread is down (it starts again at the next write): an outage, retried.
      if (err instanceof UnavailableError) throw err;
      const code = String((err as { code?: unknown }).code ?? '');
      if (/^SQLITE_(FULL|IOERR|BUSY|LOCKED|CANTOPEN|READONLY|NOMEM|PROTOCOL)/.test(code)) {
        throw new UnavailableError('POINT_STORE_UNAVAILABLE', `point store unavailable: ${(err as Error).message}`, {
          cause: err,
        });
      }
      throw new PoisonError(`the embedded sink cannot process this batch: ${(err as Error).message}`, { cause: err });
    }
  }

  async stop(): Promise<void> {
    await this.points.close();
  }

  async summary(): Promise<EmbeddedSinkSummary> {
    const recs = new Map(this.points.latest(RECOMMENDATION).map((p) => [p.tags.device, p]));
    const devices = this.points.latest(CLIMATE).map((p): DeviceSummary => {
      const rec = recs.get(p.tags.device);
      return {
        device: p.tags.device ?? '',
        at: iso(p.time),
        ...p.fields,
        ...(rec
          ? {
              recommended_setpoint: rec.fields.recommended_setpoint,
              recommendedAt: iso(rec.time),
              recommendedBy: decidedByName(rec.fields.decided_by),
            }
          : {}),
      };
    });
    return {
      model: this.model,
      backend: this.backend,
      events: await counterValue(this.metrics.events),
      climatePoints: this.points.count(CLIMATE),
      recommendationPoints: this.points.count(RECOMMENDATION),
      commandsSent: await counterValue(this.metrics.commands),
      devices,
    };
  }
}
