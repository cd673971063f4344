import { decodeEnrichedEvent, type EnrichedEvent } from '@hvac-edge/shared';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { SinkMetrics } from '../metrics.js';
import type { SinkPipeline } from '../pipeline.js';

export interface EventsConsumerOptions {
  groupId: string;
  topic: string;
  dlqTopic: string;
  fromBeginning: boolean;
  sessionTimeoutMs: number;
}

/**
 * The sink's consumer group: per batch, invalid messages go to the dead-letter topic with the reason, the batch's
 * points are written, and only then is the offset committed. A crash or a rebalance anywhere before the commit
 * re-delivers the batch; points carry the event's origin as timestamp, so the rewrite changes nothing.
 */
export class EventsConsumer {
  private readonly consumer: Consumer;
  private joined = false;

  /**
   * `producer` (shared with the closed loop's command sink) carries the dead letters; the consumer connects and
   * disconnects it.
   */
  constructor(
    kafka: Kafka,
    private readonly producer: Producer,
    private readonly options: EventsConsumerOptions,
    private readonly pipeline: SinkPipeline,
    private readonly metrics: SinkMetrics,
    private readonly log: Logger,
  ) {
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      maxWaitTimeInMs: 1000,
      sessionTimeout: options.sessionTimeoutMs,
      heartbeatInterval: Math.min(3000, Math.floor(options.sessionTimeoutMs / 3)),
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, (e) => {
      this.joined = true;
      const partitions = e.payload.memberAssignment[options.topic] ?? [];
      metrics.assignedPartitions.set(partitions.length);
      log.info({ partitions }, 'joined the consumer group');
    });
    this.consumer.on(this.consumer.events.CRASH, () => {
      this.joined = false;
    });
  }

  get groupJoined(): boolean {
    return this.joined;
  }

  async start(): Promise<void> {
    await this.producer.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.options.topic, fromBeginning: this.options.fromBeginning });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
        if (batch.messages.length === 0 || !isRunning() || isStale()) return;
        const valid: EnrichedEvent[] = [];
        const dead: Array<{ key: Buffer | null; value: Buffer | null; reason: string; offset: string }> = [];
        for (const m of batch.messages) {
          const d = decodeEnrichedEvent(m.value);
          if (d.ok) valid.push(d.value);
          else dead.push({ key: m.key, value: m.value, reason: d.errors.join('; ').slice(0, 1000), offset: m.offset });
        }
        if (dead.length > 0) await this.deadLetter(dead, `${batch.topic}/${batch.partition}`);
        await this.pipeline.process(valid, () => void heartbeat().catch(() => {}));
        const last = batch.messages[batch.messages.length - 1];
        if (!last) return;
        resolveOffset(last.offset);
        await this.consumer.commitOffsets([
          { topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() },
        ]);
        this.metrics.lag.set(
          { partition: String(batch.partition) },
          Number(BigInt(batch.highWatermark) - BigInt(last.offset) - 1n),
        );
      },
    });
  }

  private async deadLetter(
    dead: Array<{ key: Buffer | null; value: Buffer | null; reason: string; offset: string }>,
    source: string,
  ): Promise<void> {
    await this.producer.send({
      topic: this.options.dlqTopic,
      acks: -1,
      messages: dead.map((x) => ({
        key: x.key,
        value: x.value,
        headers: { 'dlq-reason': x.reason, 'dlq-source': `${source}/${x.offset}` },
      })),
    });
    this.metrics.deadLettered.inc(dead.length);
    this.log.warn({ count: dead.length, first: dead[0]?.reason }, 'invalid messages sent to the dead-letter topic');
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
    await this.producer.disconnect();
  }
}
