import {
  classifyKafkaError,
  ENRICHED_EVENT_SCHEMA_VERSION,
  encodeEnrichedEventJson,
  type kafkaSecurityOptions,
  originMs,
  PoisonError,
  stringifyEvent,
} from '@hvac-edge/shared';
import { CompressionTypes, Kafka, type KafkaConfig, logLevel, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { EventPublisher, OutboundEvent } from './event-publisher.js';

export interface KafkaPublisherOptions {
  brokers: string[];
  clientId: string;
  topic: string;
  compression: 'none' | 'gzip';
  /** TLS and SASL options for kafkajs. */
  security?: ReturnType<typeof kafkaSecurityOptions>;
  /** kafkajs request timeout per attempt. */
  requestTimeoutMs?: number;
  connectionTimeoutMs?: number;
}

const KAFKAJS_LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * An event as a Kafka message: key = device (per-device order), value = the enriched-event JSON built around the
 * stored event text, headers naming the event, timestamp = the event's origin in ms.
 */
export function toKafkaMessage(e: OutboundEvent) {
  return {
    key: e.event.deviceName,
    value: encodeEnrichedEventJson(e.envelope, e.eventJson ?? stringifyEvent(e.event)),
    headers: {
      'event-id': e.event.id,
      'schema-version': String(ENRICHED_EVENT_SCHEMA_VERSION),
      'device-seq': String(e.envelope.sequence),
      'gateway-id': e.envelope.gatewayId,
    },
    timestamp: String(originMs(e.event.origin)),
  };
}

/**
 * kafkajs producer: idempotent (broker de-duplicates retried batches), acks=-1, one request in flight so that
 * per-partition order holds across retries. kafkajs's own retries are short; the forwarder's backoff covers
 * outages.
 */
export class KafkaEventPublisher implements EventPublisher {
  private readonly producer: Producer;
  private connected = false;

  constructor(
    private readonly options: KafkaPublisherOptions,
    log: Logger,
  ) {
    const kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      requestTimeout: options.requestTimeoutMs ?? 10_000,
      connectionTimeout: options.connectionTimeoutMs ?? 3_000,
      retry: { initialRetryTime: 100, retries: 3 },
      ...(options.security as Pick<KafkaConfig, 'ssl' | 'sasl'>),
      logLevel: logLevel.WARN,
      logCreator:
        () =>
        ({ level, log: entry }) => {
          const { message, ...rest } = entry;
          log[KAFKAJS_LEVELS[level] ?? 'info']({ kafkajs: rest }, message);
        },
    });
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: true });
  }

  async connect(): Promise<void> {
    await this.producer.connect();
    this.connected = true;
  }

  async publish(events: OutboundEvent[]): Promise<void> {
    if (!this.connected) await this.connect();
    try {
      await this.producer.send({
        topic: this.options.topic,
        acks: -1,
        compression: this.options.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
        messages: events.map(toKafkaMessage),
      });
    } catch (err) {
      if (classifyKafkaError(err) === 'poison') {
        throw new PoisonError(`Kafka refused the records: ${(err as Error).message}`, { cause: err });
      }
      throw err;
    }
  }

  async disconnect(): Promise<void> {
    this.connected = false;
    await this.producer.disconnect();
  }
}
