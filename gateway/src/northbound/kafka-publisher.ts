import { CompressionTypes, Kafka, logLevel, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { EventPublisher, OutboundMessage } from './event-publisher.js';

export interface KafkaPublisherOptions {
  brokers: string[];
  clientId: string;
  topic: string;
  compression: 'none' | 'gzip';
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
 * kafkajs producer: idempotent (broker de-duplicates retried batches), acks=-1, one request in flight so that
 * per-partition order holds across retries. kafkajs's own retries are short; the forwarder's backoff covers
 * outages.
 */
export class KafkaEventPublisher implements EventPublisher {
  private readonly producer: Producer;
  private connected = false;

  constructor(
    private readonly o: KafkaPublisherOptions,
    log: Logger,
  ) {
    const kafka = new Kafka({
      clientId: o.clientId,
      brokers: o.brokers,
      requestTimeout: o.requestTimeoutMs ?? 10_000,
      connectionTimeout: o.connectionTimeoutMs ?? 3_000,
      retry: { initialRetryTime: 100, retries: 3 },
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

  async publish(messages: OutboundMessage[]): Promise<void> {
    if (!this.connected) await this.connect();
    await this.producer.send({
      topic: this.o.topic,
      acks: -1,
      compression: this.o.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
      messages: messages.map((m) => ({
        key: m.key,
        value: m.value,
        headers: m.headers,
        timestamp: String(m.timestamp),
      })),
    });
  }

  async disconnect(): Promise<void> {
    this.connected = false;
    await this.producer.disconnect();
  }
}
