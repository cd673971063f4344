import {
  classifyKafkaError,
  ENRICHED_EVENT_SCHEMA_VERSION,
  encodeEnrichedEventJson,
  type kafkaSecurityOptions,
  PoisonError,
  stringifyEvent,
} from '@hvac-edge/shared';
import { CompressionTypes, Kafka, type KafkaConfig, logLevel, Partitioners, type Producer } from 'kafkajs';
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
 * stored event text, headers naming the event, timestamp = when the gateway made it durable. Not the origin: a real
 * Kafka (4.x: `log.message.timestamp.after.max.ms` = 1 h) refuses records stamped more than an hour ahead — a
 * device clock running fast — and retention deletes at once those stamped older than `retention.ms` — a backlog
 * from an agent that was offline for a week. The origin travels in the value, exact to the nanosecond.
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
    timestamp: String(e.envelope.receivedAt),
  };
}

/** Rebuilds closer together than this are skipped: a cluster that keeps refusing must not spin new clients. */
const MIN_REBUILD_INTERVAL_MS = 5_000;

/**
 * kafkajs producer: idempotent (broker de-duplicates retried batches), acks=-1, one request in flight so that
 * per-partition order holds across retries, the Java client's partitioner (key = device). kafkajs retries as it
 * intends for an idempotent producer; what it gives up on comes back to the forwarder's own backoff loop. When the
 * cluster has lost or fenced this producer's state (out-of-order sequence, unknown producer id, invalid epoch: a
 * broker that came back empty), retrying the same producer can never succeed: a new producer (a new id, sequences
 * from 0) takes over and the batch is sent again at once. Consumers de-duplicate by event id and device sequence.
 */
export class KafkaEventPublisher implements EventPublisher {
  private producer: Producer;
  private connected = false;
  private lastRebuildAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly options: KafkaPublisherOptions,
    private readonly log: Logger,
    private readonly onRebuild: (reason: string) => void = () => {},
  ) {
    this.producer = this.newProducer();
  }

  private newProducer(): Producer {
    const { log, options } = this;
    const kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      requestTimeout: options.requestTimeoutMs ?? 10_000,
      connectionTimeout: options.connectionTimeoutMs ?? 3_000,
      // Short waits between kafkajs's own attempts; how many it makes is its own choice for idempotent producers.
      retry: { initialRetryTime: 100, maxRetryTime: 2_000 },
      ...(options.security as Pick<KafkaConfig, 'ssl' | 'sasl'>),
      logLevel: logLevel.WARN,
      logCreator:
        () =>
        ({ level, log: entry }) => {
          const { message, ...rest } = entry;
          log[KAFKAJS_LEVELS[level] ?? 'info']({ kafkajs: rest }, message);
        },
    });
    return kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: true,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  async connect(): Promise<void> {
    await this.producer.connect();
    this.connected = true;
  }

  private async send(events: OutboundEvent[]): Promise<void> {
    if (!this.connected) await this.connect();
    await this.producer.send({
      topic: this.options.topic,
      acks: -1,
      compression: this.options.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
      messages: events.map(toKafkaMessage),
    });
  }

  async publish(events: OutboundEvent[]): Promise<void> {
    try {
      await this.send(events);
    } catch (err) {
      const kind = classifyKafkaError(err);
      if (kind === 'poison') {
        throw new PoisonError(`Kafka refused the records: ${(err as Error).message}`, { cause: err });
      }
      if (kind !== 'rebuild' || !this.rebuild((err as Error).message)) throw err;
      await this.send(events);
    }
  }

  /** A new producer in place of one whose state the cluster lost; false when the last rebuild was too recent. */
  private rebuild(reason: string): boolean {
    const now = Date.now();
    if (now - this.lastRebuildAt < MIN_REBUILD_INTERVAL_MS) return false;
    this.lastRebuildAt = now;
    const old = this.producer;
    this.producer = this.newProducer();
    this.connected = false;
    old.disconnect().catch(() => {});
    this.onRebuild(reason);
    this.log.warn({ reason }, "Kafka lost this producer's state; a new producer takes over and re-sends the batch");
    return true;
  }

  async disconnect(): Promise<void> {
    this.connected = false;
    await this.producer.disconnect();
  }
}
