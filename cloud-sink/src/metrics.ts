import { registerProcessMetrics } from '@hvac-edge/shared/process-metrics';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface SinkMetricsOptions {
  /** Register on this registry (a gateway running the sink embedded); a new one otherwise. */
  registry?: Registry;
  /** prom-client's process metrics (off when the registry is shared: its owner adds them). */
  defaultMetrics?: boolean;
}

/** The sink's Prometheus metrics: every component of the sink reports through this one object. */
export class SinkMetrics {
  readonly registry: Registry;
  readonly events: Counter;
  readonly points: Counter<'measurement'>;
  readonly deadLettered: Counter;
  readonly batchSize: Histogram;
  readonly writeSeconds: Histogram;
  readonly writeRetries: Counter;
  readonly lag: Gauge<'partition'>;
  readonly assignedPartitions: Gauge;
  readonly inferenceSeconds: Histogram;
  readonly backend: Gauge<'backend' | 'model'>;
  readonly commands: Counter;
  readonly decisions: Counter<'decided_by' | 'reason'>;
  readonly guardHolding: Counter;
  readonly roomAnomalies: Counter<'kind' | 'state'>;

  constructor(options: SinkMetricsOptions = {}) {
    const registry = options.registry ?? new Registry();
    const registers = [registry];
    this.registry = registry;
    this.events = new Counter({ name: 'hvac_sink_events_total', help: 'Events processed (points durable)', registers });
    this.points = new Counter({
      name: 'hvac_sink_points_written_total',
      help: 'Points written, by measurement',
      labelNames: ['measurement'] as const,
      registers,
    });
    this.deadLettered = new Counter({
      name: 'hvac_sink_dead_lettered_total',
      help: 'Invalid messages sent to the dead-letter topic',
      registers,
    });
    this.batchSize = new Histogram({
      name: 'hvac_sink_batch_messages',
      help: 'Events per processed batch',
      buckets: [1, 10, 50, 100, 250, 500, 1000, 5000],
      registers,
    });
    this.writeSeconds = new Histogram({
      name: 'hvac_sink_write_seconds',
      help: 'Time to get one batch of points written (retries included)',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30],
      registers,
    });
    this.writeRetries = new Counter({
      name: 'hvac_sink_write_retries_total',
      help: 'Failed point writes, each followed by a backoff',
      registers,
    });
    this.lag = new Gauge({
      name: 'hvac_sink_consumer_lag',
      help: 'High watermark minus the next offset, per partition, as of the last batch',
      labelNames: ['partition'] as const,
      registers,
    });
    this.assignedPartitions = new Gauge({
      name: 'hvac_sink_assigned_partitions',
      help: 'Partitions of the events topic this replica holds since the last rebalance',
      registers,
    });
    this.inferenceSeconds = new Histogram({
      name: 'hvac_sink_inference_seconds',
      help: 'Time for the model to score one batch of windows',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
      registers,
    });
    this.decisions = new Counter({
      name: 'hvac_sink_setpoint_decisions_total',
      help: 'Recommendations by who decided them (model, supervisor, fallback) and why the supervisor acted',
      labelNames: ['decided_by', 'reason'] as const,
      registers,
    });
    this.roomAnomalies = new Counter({
      name: 'hvac_sink_room_anomalies_total',
      help: 'Room climate anomaly episodes (kind: cooling-failure, stuck-sensor, drift) started (firing) and ended (resolved)',
      labelNames: ['kind', 'state'],
      registers,
    });
    this.guardHolding = new Counter({
      name: 'hvac_sink_agent_guard_holding_events_total',
      help: 'Events from devices whose local guard held the set-point below the commanded one (room air near the limit)',
      registers,
    });
    this.backend = new Gauge({
      name: 'hvac_sink_inference_backend',
      help: 'TensorFlow.js backend in use (1 for the active one): tensorflow (tfjs-node) or wasm',
      labelNames: ['backend', 'model'] as const,
      registers,
    });
    this.commands = new Counter({
      name: 'hvac_sink_commands_total',
      help: 'Set-point commands the closed loop sent to devices',
      registers,
    });
    if (options.defaultMetrics ?? !options.registry) {
      registerProcessMetrics(registry, 'hvac_sink_');
    }
  }
}
