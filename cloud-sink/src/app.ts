import type { Logger } from '@hvac-edge/shared';
import type { SinkConfig } from './config.js';
import { InfluxPointWriter } from './influx/point-writer.js';
import { EventsConsumer } from './kafka/events-consumer.js';

/** The sink's wiring: Kafka consumer group -> InfluxDB. (Inference and the closed loop arrive with their issue.) */
export function createSink(c: Readonly<SinkConfig>, log: Logger) {
  let retries = 0;
  const writer = new InfluxPointWriter(c.influx, log.child({ module: 'influx' }), () => {
    retries += 1;
  });
  const consumer = new EventsConsumer(c.kafka, writer, log.child({ module: 'consumer' }));
  return {
    writer,
    consumer,
    get writeRetries() {
      return retries;
    },
    start: () => consumer.start(),
    async stop() {
      await writer.close();
      await consumer.stop();
    },
  };
}
