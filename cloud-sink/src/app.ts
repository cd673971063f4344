import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ExitError, kafkaSecurityOptions, type Logger } from '@hvac-edge/shared';
import { MqttAlertSink } from '@hvac-edge/shared/alerts';
import { Kafka, type KafkaConfig, logLevel, Partitioners } from 'kafkajs';
import { RoomAnomalies } from './anomaly/room-anomalies.js';
import type { SinkConfig } from './config.js';
import { buildSinkHttp } from './http.js';
import { ClosedLoop } from './inference/closed-loop.js';
import { Recommender, type RecommenderOptions } from './inference/recommender.js';
import { loadTf } from './inference/tfjs-runtime.js';
import { loadTfjsSetpointModel } from './inference/tfjs-setpoint-model.js';
import { InfluxPointWriter } from './influx/point-writer.js';
import { withNaming } from './influx/report-naming.js';
import { EventsConsumer } from './kafka/events-consumer.js';
import { KafkaCommandSink } from './kafka/kafka-command-sink.js';
import { SinkMetrics } from './metrics.js';
import { SHIPPED_MODEL_DIR } from './model/shipped-model.js';
import { SinkPipeline } from './pipeline.js';

/**
 * Loads a set-point model directory ('builtin' = the shipped model) and wraps it in a Recommender; exports the
 * TensorFlow.js backend in use. Undefined when no model is configured.
 */
export async function loadRecommender(
  options: RecommenderOptions & { modelDir: string },
  metrics: SinkMetrics,
  log: Logger,
): Promise<Recommender | undefined> {
  if (!options.modelDir) return undefined;
  const dir = options.modelDir === 'builtin' ? SHIPPED_MODEL_DIR : options.modelDir;
  if (!existsSync(join(dir, 'model.json'))) {
    throw new ExitError(
      3,
      `hvac-sink: no model at ${dir} (model.json missing); set inference.modelDir (SINK_INFERENCE_MODEL_DIR) to a trained model, "builtin", or "" for none`,
    );
  }
  const { tf, backend } = await loadTf();
  const model = await loadTfjsSetpointModel(tf, dir, backend);
  log.info({ backend, model: model.id, dir }, 'set-point model loaded');
  metrics.backend.set({ backend, model: model.id }, 1);
  return new Recommender(model, options, (by, reason) =>
    metrics.decisions.inc({ decided_by: by, reason: reason ?? '' }),
  );
}

export type Sink = ReturnType<typeof createSink>;

/** The sink's wiring: Kafka consumer group -> InfluxDB, with inference and the closed loop when configured. */
export function createSink(
  c: Readonly<SinkConfig>,
  log: Logger,
  options: { recommender?: Recommender; metrics?: SinkMetrics } = {},
) {
  const { recommender } = options;
  const metrics = options.metrics ?? new SinkMetrics({ defaultMetrics: false });
  const writer = withNaming(new InfluxPointWriter(c.influx, metrics, log.child({ module: 'influx' })), c.influx.naming);
  const kafka = new Kafka({
    clientId: c.kafka.clientId,
    brokers: c.kafka.brokers,
    logLevel: logLevel.NOTHING,
    ...(kafkaSecurityOptions(c.kafka) as Pick<KafkaConfig, 'ssl' | 'sasl'>),
  });
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const loop =
    recommender && c.closedLoop.enabled
      ? new ClosedLoop(
          new KafkaCommandSink(producer, c.kafka.commandsTopic),
          recommender.modelId,
          c.closedLoop,
          metrics,
          log.child({ module: 'closed-loop' }),
        )
      : undefined;
  const alertSink = c.alerts.mqttUrl ? new MqttAlertSink(c.alerts.mqttUrl, c.alerts.mqttTopic) : undefined;
  const anomalies = new RoomAnomalies(metrics, log.child({ module: 'room-anomalies' }), alertSink ? [alertSink] : []);
  const pipeline = new SinkPipeline(writer, metrics, recommender, loop, anomalies);
  const consumer = new EventsConsumer(kafka, producer, c.kafka, pipeline, metrics, log.child({ module: 'consumer' }));
  let http: Awaited<ReturnType<typeof buildSinkHttp>> | undefined;
  return {
    metrics,
    get http() {
      return http;
    },
    async start(listen?: { host: string; port: number }) {
      if (listen) {
        http = await buildSinkHttp({
          metrics,
          joined: () => consumer.groupJoined,
          influxReachable: () => writer.ping(),
          metricsTokens: c.http.metricsTokens,
        });
        await http.listen(listen);
      }
      consumer.start();
    },
    async stop() {
      await writer.close();
      await consumer.stop();
      await http?.close();
      await alertSink?.close();
    },
  };
}
