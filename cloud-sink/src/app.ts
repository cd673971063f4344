import type { Logger } from '@hvac-edge/shared';
import type { SinkConfig } from './config.js';
import { buildSinkHttp } from './http.js';
import { InfluxPointWriter } from './influx/point-writer.js';
import { EventsConsumer } from './kafka/events-consumer.js';
import { SinkMetrics } from './metrics.js';

/** The sink's wiring: Kafka consumer group -> InfluxDB. (Inference and the closed loop arrive with their issue.) */
export function createSink(c: Readonly<SinkConfig>, log: Logger, options: { defaultMetrics?: boolean } = {}) {
  const metrics = new SinkMetrics({ defaultMetrics: options.defaultMetrics ?? false });
  let writeRetries = 0;
  const writer = new InfluxPointWriter(c.influx, log.child({ module: 'influx' }), () => {
    writeRetries += 1;
    metrics.writeRetries.inc();
  });
  const consumer = new EventsConsumer(c.kafka, writer, log.child({ module: 'consumer' }), {
    onBatch: (b) => {
      metrics.events.inc(b.messages);
      metrics.points.inc({ measurement: 'climate' }, b.points);
      metrics.deadLettered.inc(b.deadLettered);
      metrics.batchSize.observe(b.messages);
      metrics.writeSeconds.observe(b.writeSeconds);
    },
    onLag: (partition, lag) => metrics.lag.set({ partition: String(partition) }, lag),
  });
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
