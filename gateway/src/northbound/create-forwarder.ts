import { kafkaSecurityOptions, type Logger } from '@hvac-edge/shared';
import type { GatewayConfig } from '../config.js';
import type { GatewayMetrics } from '../metrics.js';
import type { EventStore } from '../store/event-store.js';
import type { WeatherService } from '../weather/weather-service.js';
import type { EventPublisher } from './event-publisher.js';
import { Forwarder } from './forwarder.js';
import { KafkaEventPublisher } from './kafka-publisher.js';

/**
 * The northbound feature: the forwarder draining the store to the embedded sink when it runs here, else to Kafka
 * when `kafka.brokers` is set; undefined when neither (events stay buffered).
 */
export function createForwarder(
  config: Readonly<GatewayConfig>,
  store: EventStore,
  embeddedSink: EventPublisher | undefined,
  weather: WeatherService | undefined,
  metrics: GatewayMetrics,
  log: Logger,
): Forwarder | undefined {
  const k = config.kafka;
  const publisher =
    embeddedSink ??
    (k.brokers.length > 0
      ? new KafkaEventPublisher(
          {
            brokers: k.brokers,
            clientId: k.clientId,
            topic: k.topic,
            compression: k.compression,
            security: kafkaSecurityOptions(k),
          },
          log.child({ module: 'kafka' }),
          () => metrics.kafkaRebuilds.inc({ client: 'producer' }),
        )
      : undefined);
  if (!publisher) return undefined;
  return new Forwarder(
    store,
    publisher,
    weather,
    {
      gatewayId: config.gatewayId,
      batchSize: k.batchSize,
      idleMs: k.idleMs,
      lingerMs: k.lingerMs,
      retryMinDelayMs: k.retryMinDelayMs,
      retryMaxDelayMs: k.retryMaxDelayMs,
      degradedAfterFailures: config.health.forwarderFailures,
      stallSeconds: config.health.forwarderStallSeconds,
    },
    metrics,
    log.child({ module: 'forwarder' }),
  );
}
