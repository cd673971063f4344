import type { Logger } from '@hvac-edge/shared';
import type { SinkConfig } from './config.js';
import { buildSinkHttp } from './http.js';
import { ClosedLoop } from './inference/closed-loop.js';
import { Recommender, type RecommenderOptions } from './inference/recommender.js';
import { loadTf } from './inference/tfjs-runtime.js';
import { loadTfjsSetpointModel } from './inference/tfjs-setpoint-model.js';
import { InfluxPointWriter } from './influx/point-writer.js';
import { EventsConsumer } from './kafka/events-consumer.js';
import { SinkMetrics } from './metrics.js';
import { SHIPPED_MODEL_DIR } from './model/shipped-model.js';

/** Loads a set-point model directory ('builtin' = the shipped model) and wraps it in a Recommender. */
export async function loadRecommender(modelDir: string, options: RecommenderOptions, log: Logger) {
  const dir = modelDir === 'builtin' ? SHIPPED_MODEL_DIR : modelDir;
  const { tf, backend } = await loadTf();
  const model = await loadTfjsSetpointModel(tf, dir, backend);
  log.info({ backend, model: model.id, dir }, 'set-point model loaded');
  return { recommender: new Recommender(model, options), backend, model: model.id };
}

/** Loads the set-point model when one is configured; logs and exports the TensorFlow.js backend in use. */
export async function createRecommender(c: Readonly<SinkConfig>, log: Logger, metrics: SinkMetrics) {
  if (!c.inference.modelDir) return undefined;
  const { recommender, backend, model } = await loadRecommender(c.inference.modelDir, c.inference, log);
  metrics.backend.set({ backend, model }, 1);
  return recommender;
}

/** The sink's wiring: Kafka consumer group -> InfluxDB, with inference and the closed loop when configured. */
export function createSink(
  c: Readonly<SinkConfig>,
  log: Logger,
  options: { defaultMetrics?: boolean; recommender?: Recommender; metrics?: SinkMetrics } = {},
) {
  const recommender = options.recommender;
  const metrics = options.metrics ?? new SinkMetrics({ defaultMetrics: options.defaultMetrics ?? false });
  let writeRetries = 0;
  const writer = new InfluxPointWriter(c.influx, log.child({ module: 'influx' }), () => {
    writeRetries += 1;
    metrics.writeRetries.inc();
  });
  const consumer = new EventsConsumer(
    c.kafka,
    writer,
    log.child({ module: 'consumer' }),
    {
      onBatch: (b) => {
        metrics.events.inc(b.messages);
        metrics.points.inc({ measurement: 'climate' }, b.points);
        metrics.deadLettered.inc(b.deadLettered);
        metrics.batchSize.observe(b.messages);
        metrics.writeSeconds.observe(b.writeSeconds);
        if (b.recommendations > 0) {
          metrics.points.inc({ measurement: 'hvac_recommendation' }, b.recommendations);
          metrics.inferenceSeconds.observe(b.inferenceSeconds);
        }
      },
      onLag: (partition, lag) => metrics.lag.set({ partition: String(partition) }, lag),
    },
    recommender,
    recommender && c.closedLoop.enabled
      ? (commands) => new ClosedLoop(commands, recommender.modelId, c.closedLoop, log.child({ module: 'closed-loop' }))
      : undefined,
  );
  let http: Awaited<ReturnType<typeof buildSinkHttp>> | undefined;
  return {
    writer,
    consumer,
    metrics,
    get http() {
      return http;
    },
    get writeRetries() {
      return writeRetries;
    },
    async start(listen?: { host: string; port: number }) {
      if (listen) {
        http = await buildSinkHttp({
          metrics,
          joined: () => consumer.groupJoined,
          influxReachable: () => writer.ping(),
        });
        await http.listen(listen);
      }
      await consumer.start();
    },
    async stop() {
      await writer.close();
      await consumer.stop();
      await http?.close();
    },
  };
}
