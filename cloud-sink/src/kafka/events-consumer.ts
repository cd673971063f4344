import { decodeEnrichedEvent, type EnrichedEvent } from '@hvac-edge/shared';
import { type Consumer, Kafka, logLevel, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { ClosedLoop, CommandPublisher } from '../inference/closed-loop.js';
import type { Recommender } from '../inference/recommender.js';
import type { PointWriter } from '../influx/point-writer.js';
import { SinkPipeline } from '../pipeline.js';

export interface EventsConsumerOptions {
  brokers: string[];
  clientId: string;
  groupId: string;
  topic: string;
  dlqTopic: string;
  fromBeginning: boolean;
  sessionTimeoutMs: number;
}

export interface ConsumerHooks {
  onBatch?: (b: {
    messages: number;
    points: number;
    recommendations: number;
    deadLettered: number;
    writeSeconds: number;
    inferenceSeconds: number;
  }) => void;
  onLag?: (partition: number, lag: number) => void;
}

export interface ConsumerStats {
  batches: number;
  events: number;
  points: number;
  recommendations: number;
  deadLettered: number;
}

/**
 * The sink's consumer group: per batch, invalid messages go to the dead-letter topic with the reason, the batch's
 * points are written, and only then is the offset committed. A crash or a rebalance anywhere before the commit
 * re-delivers the batch; points carry the event's origin as timestamp, so the rewrite changes nothing.
 */
export class EventsConsumer {
  private readonly consumer: Consumer;
  private readonly producer: Producer;
  readonly stats: ConsumerStats = { batches: 0, events: 0, points: 0, recommendations: 0, deadLettered: 0 };
  private joined = false;
  private readonly pipeline: SinkPipeline;
  /** Partitions of the events topic this instance holds since the last rebalance. */
  assignedPartitions: number[] = [];

  constructor(
    private readonly o: EventsConsumerOptions,
    writer: PointWriter,
    private readonly log: Logger,
    private readonly hooks: ConsumerHooks = {},
    recommender?: Recommender,
    closedLoop?: (commands: CommandPublisher) => ClosedLoop,
  ) {
    const kafka = new Kafka({ clientId: o.clientId, brokers: o.brokers, logLevel: logLevel.NOTHING });
    this.consumer = kafka.consumer({
      groupId: o.groupId,
      maxWaitTimeInMs: 1000,
      sessionTimeout: o.sessionTimeoutMs,
      heartbeatInterval: Math.min(3000, Math.floor(o.sessionTimeoutMs / 3)),
    });
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    const commands: CommandPublisher = {
      publish: async (topic, messages) => {
        await this.producer.send({ topic, acks: -1, messages });
      },
    };
    this.pipeline = new SinkPipeline(writer, recommender, closedLoop?.(commands));
    this.consumer.on(this.consumer.events.GROUP_JOIN, (e) => {
      this.joined = true;
      this.assignedPartitions = e.payload.memberAssignment[o.topic] ?? [];
      log.info({ partitions: this.assignedPartitions }, 'joined the consumer group');
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
    await this.consumer.subscribe({ topic: this.o.topic, fromBeginning: this.o.fromBeginning });
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
        if (dead.length > 0) {
          await this.producer.send({
            topic: this.o.dlqTopic,
            acks: -1,
            messages: dead.map((x) => ({
              key: x.key,
              value: x.value,
              headers: {
                'dlq-reason': x.reason,
                'dlq-source': `${batch.topic}/${batch.partition}/${x.offset}`,
              },
            })),
          });
          this.log.warn(
            { count: dead.length, first: dead[0]?.reason },
            'invalid messages sent to the dead-letter topic',
          );
        }
        const r = await this.pipeline.process(valid, () => void heartbeat().catch(() => {}));
        const last = batch.messages[batch.messages.length - 1];
        if (!last) return;
        resolveOffset(last.offset);
        await this.consumer.commitOffsets([
          { topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() },
        ]);
        this.stats.batches += 1;
        this.stats.events += batch.messages.length;
        this.stats.points += r.points;
        this.stats.recommendations += r.recommendations.length;
        this.stats.deadLettered += dead.length;
        this.hooks.onBatch?.({
          messages: batch.messages.length,
          points: r.points,
          recommendations: r.recommendations.length,
          deadLettered: dead.length,
          writeSeconds: r.writeSeconds,
          inferenceSeconds: r.inferenceSeconds,
        });
        this.hooks.onLag?.(batch.partition, Number(BigInt(batch.highWatermark) - BigInt(last.offset) - 1n));
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
    await this.producer.disconnect();
  }
}
