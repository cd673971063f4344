import type { EnrichedEvent } from '@hvac-edge/shared';
import type { RoomAnomalies } from './anomaly/room-anomalies.js';
import type { ClosedLoop, Recommendation } from './inference/closed-loop.js';
import type { Recommender } from './inference/recommender.js';
import type { PointWriter } from './influx/point-writer.js';
import type { SinkMetrics } from './metrics.js';
import { CLIMATE, climatePoint, type PointRecord } from './points.js';

export interface BatchResult {
  points: number;
  recommendations: Recommendation[];
}

/**
 * What the sink does with a batch of valid events, whichever way they arrived (Kafka consumer group, or in-process
 * from an embedded gateway): climate points, recommendations scored in one model call, one write of all points, and
 * only after the write, the closed loop's commands. Resolves when the points are durable.
 */
export class SinkPipeline {
  constructor(
    private readonly writer: PointWriter,
    private readonly metrics: SinkMetrics,
    readonly recommender?: Recommender,
    readonly loop?: ClosedLoop,
    private readonly anomalies?: RoomAnomalies,
  ) {}

  async process(events: EnrichedEvent[], keepAlive?: () => void): Promise<BatchResult> {
    const points: PointRecord[] = [];
    let guarded = 0;
    for (const m of events) {
      const p = climatePoint(m);
      if (p) points.push(p);
      if (p?.fields.commanded_setpoint !== undefined) guarded++;
    }
    const climate = points.length;
    const anomalyPoints = this.anomalies?.points(events) ?? [];
    points.push(...anomalyPoints);
    const i0 = performance.now();
    const scored = this.recommender ? await this.recommender.recommend(events) : { points: [], recommendations: [] };
    if (scored.points.length > 0) this.metrics.inferenceSeconds.observe((performance.now() - i0) / 1000);
    points.push(...scored.points);
    // Keep a consumer's group membership alive while a TSDB outage holds the write.
    const beat = keepAlive ? setInterval(keepAlive, 3000) : undefined;
    const t0 = performance.now();
    try {
      await this.writer.write(points);
    } finally {
      if (beat) clearInterval(beat);
    }
    this.metrics.writeSeconds.observe((performance.now() - t0) / 1000);
    this.metrics.events.inc(events.length);
    if (guarded > 0) this.metrics.guardHolding.inc(guarded);
    this.metrics.batchSize.observe(events.length);
    if (climate > 0) this.metrics.points.inc({ measurement: CLIMATE }, climate);
    for (const p of [...scored.points, ...anomalyPoints]) this.metrics.points.inc({ measurement: p.measurement });
    // After the points are durable; a replay re-offers the same idempotency keys, which the gateway ignores.
    if (this.loop && scored.recommendations.length > 0) await this.loop.offer(scored.recommendations);
    return { points: climate, recommendations: scored.recommendations };
  }
}
