import { decodeEnrichedEvent, type EnrichedEvent, isolatePoison, retry } from '@hvac-edge/shared';
import type { Consumer, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { SinkMetrics } from '../metrics.js';
import type { SinkPipeline } from '../pipeline.js';

export interface EventsConsumerOptions {
  /** For the "waiting for Kafka" line. */
  brokers: string[];
  groupId: string;
  topic: string;
  dlqTopic: string;
  fromBeginning: boolean;
  sessionTimeoutMs: number;
}

interface Item {
  event: EnrichedEvent;
  message: KafkaMessage;
}

interface Dead {
  message: KafkaMessage;
  reason: string;
}

/**
 * The sink's consumer group: per batch, invalid messages (and events whose points the TSDB refuses for good) go to
 * the dead-letter topic with the reason, the rest of the batch's points are written, and only then is the offset
 * committed. A crash or a rebalance anywhere before the commit
 * re-delivers the batch; points carry the event's origin as timestamp, so the rewrite changes nothing.
 */
export class EventsConsumer {
  private readonly consumer: Consumer;
  private joined = false;
  private running: Promise<void> | undefined;
  private readonly abort = new AbortController();

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

  /**
   * Connects and joins in the background, retrying until Kafka is there: a sink started before its cluster waits,
   * saying so every 30 s (with the reason), and serves its probes meanwhile (/readyz: group not joined).
   */
  start(): void {
    let lastError = 'connecting';
    let connected = false;
    // Said at 10 s, then every 30 s, until connected: an operator sees what the sink waits for, and why.
    let nextNotice = Date.now() + 10_000;
    const notice = setInterval(() => {
      if (connected || Date.now() < nextNotice) return;
      nextNotice = Date.now() + 30_000;
      this.log.warn({ brokers: this.options.brokers, reason: lastError }, 'waiting for Kafka');
    }, 1000);
    notice.unref();
    this.running = retry(() => this.connectAndRun(), {
      forever: true,
      minDelayMs: 1000,
      maxDelayMs: 10_000,
      signal: this.abort.signal,
      // kafkajs gives up on a cluster that is not there yet; the sink does not.
      shouldRetry: () => true,
      onRetry: (err) => {
        lastError = (err as Error).message;
      },
    })
      .then(() => {
        connected = true;
      })
      .catch((err: unknown) => {
        if (!this.abort.signal.aborted) this.log.error({ err }, 'the consumer gave up');
      })
      .finally(() => clearInterval(notice));
  }

  private async connectAndRun(): Promise<void> {
    await this.producer.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.options.topic, fromBeginning: this.options.fromBeginning });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
        if (batch.messages.length === 0 || !isRunning() || isStale()) return;
        this.log.debug(
          {
            partition: batch.partition,
            first: batch.firstOffset(),
            last: batch.lastOffset(),
            n: batch.messages.length,
          },
          'batch',
        );
        const valid: Item[] = [];
        const dead: Dead[] = [];
        for (const m of batch.messages) {
          const d = decodeEnrichedEvent(m.value);
          if (d.ok) valid.push({ event: d.value, message: m });
          else dead.push({ message: m, reason: d.errors.join('; ').slice(0, 1000) });
        }
        const keepAlive = () => void heartbeat().catch(() => {});
        dead.push(...(await this.processIsolating(valid, keepAlive)));
        if (dead.length > 0) await this.deadLetter(dead, `${batch.topic}/${batch.partition}`);
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

  /**
   * Writes the batch; the events whose points the TSDB refuses for good (PoisonError) are isolated
   * (shared/poison.ts) and returned for the dead-letter topic, the rest written. Outages throw (the batch is
   * delivered again).
   */
  private async processIsolating(items: Item[], keepAlive: () => void): Promise<Dead[]> {
    const refused = await isolatePoison(items, (some) =>
      this.pipeline.process(
        some.map((i) => i.event),
        keepAlive,
      ),
    );
    return refused.map(({ item, error }) => ({ message: item.message, reason: error.message.slice(0, 1000) }));
  }

  private async deadLetter(dead: Dead[], source: string): Promise<void> {
    await this.producer.send({
      topic: this.options.dlqTopic,
      acks: -1,
      messages: dead.map((x) => ({
        key: x.message.key,
        value: x.message.value,
        headers: { 'dlq-reason': x.reason, 'dlq-source': `${source}/${x.message.offset}` },
      })),
    });
    this.metrics.deadLettered.inc(dead.length);
    this.log.warn({ count: dead.length, first: dead[0]?.reason }, 'invalid messages sent to the dead-letter topic');
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
    await this.consumer.disconnect();
    await this.producer.disconnect();
  }
}
