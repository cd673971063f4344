import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** The sink's Prometheus metrics, on a registry of its own. */
export class SinkMetrics {
  readonly registry = new Registry();
  readonly events = new Counter({
    name: 'hvac_sink_events_total',
    help: 'Messages consumed and committed',
    registers: [this.registry],
  });
  readonly points = new Counter({
    name: 'hvac_sink_points_written_total',
    help: 'Points written to InfluxDB, by measurement',
    labelNames: ['measurement'] as const,
    registers: [this.registry],
  });
  readonly deadLettered = new Counter({
    name: 'hvac_sink_dead_lettered_total',
    help: 'Invalid messages sent to the dead-letter topic',
    registers: [this.registry],
  });
  readonly batchSize = new Histogram({
    name: 'hvac_sink_batch_messages',
    help: 'Messages per processed batch',
    buckets: [1, 10, 50, 100, 250, 500, 1000, 5000],
    registers: [this.registry],
  });
  readonly writeSeconds = new Histogram({
    name: 'hvac_sink_write_seconds',
    help: 'Time to get one batch of points acknowledged by InfluxDB (retries included)',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30],
    registers: [this.registry],
  });
  readonly writeRetries = new Counter({
    name: 'hvac_sink_write_retries_total',
    help: 'Failed InfluxDB writes, each followed by a backoff',
    registers: [this.registry],
  });
  readonly lag = new Gauge({
    name: 'hvac_sink_consumer_lag',
    help: 'High watermark minus the next offset, per partition, as of the last batch',
    labelNames: ['partition'] as const,
    registers: [this.registry],
  });

  readonly inferenceSeconds = new Histogram({
    name: 'hvac_sink_inference_seconds',
    help: 'Time for the model to score one batch of windows',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
    registers: [this.registry],
  });
  readonly backend = new Gauge({
    name: 'hvac_sink_inference_backend',
    help: 'TensorFlow.js backend in use (1 for the active one): tensorflow (tfjs-node) or wasm',
    labelNames: ['backend', 'model'] as const,
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'hvac_sink_' });
  }
}
