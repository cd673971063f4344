import { decodeSetpointCommand, kafkaSecurityOptions, LogSampler, retry } from '@hvac-edge/shared';
import { type Consumer, Kafka, type KafkaConfig, logLevel } from 'kafkajs';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config.js';
import type { GatewayMetrics } from '../metrics.js';
import type { CommandQueue } from './command-queue.js';

export interface CommandRelayOptions {
  brokers: string[];
  clientId: string;
  groupId: string;
  topic: string;
  security?: ReturnType<typeof kafkaSecurityOptions>;
}

/**
 * Relays set-point commands from the commands topic into the durable command queue the agents poll. The offset is
 * committed after the command is queued (idempotent on its key, so a replay queues nothing twice). Invalid
 * messages are counted, logged with the reason and skipped.
 */
export class KafkaCommandRelay {
  readonly name = 'command-relay';
  private readonly consumer: Consumer;
  private readonly invalidLog = new LogSampler();
  private readonly stopping = new AbortController();
  private readonly startLog = new LogSampler();

  constructor(
    private readonly options: CommandRelayOptions,
    private readonly queue: CommandQueue,
    private readonly metrics: Pick<GatewayMetrics, 'commands'>,
    private readonly log: Logger,
  ) {
    this.consumer = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      logLevel: logLevel.NOTHING,
      retry: { retries: 10, initialRetryTime: 300 },
      ...(options.security as Pick<KafkaConfig, 'ssl' | 'sasl'>),
      // Short fetch waits keep shutdown quick: disconnect waits for the fetch in flight.
    }).consumer({ groupId: options.groupId, allowAutoTopicCreation: true, maxWaitTimeInMs: 1000 });
  }

  /**
   * Connects in the background: a Kafka outage at start must not keep the gateway from serving. Joining is retried
   * until it works or the relay stops: a real Kafka refuses to subscribe to a topic that does not exist yet (kafkajs:
   * "This server does not host this topic-partition") even where it then creates it, and a first failure used to
   * leave the relay dead until a restart.
   */
  start(): void {
    retry(() => this.run(), {
      forever: true,
      shouldRetry: () => !this.stopping.signal.aborted,
      minDelayMs: 500,
      maxDelayMs: 15_000,
      signal: this.stopping.signal,
      onRetry: (err, attempt) => {
        const { log, suppressed } = this.startLog.take();
        if (log)
          this.log.warn(
            { err: (err as Error).message, attempt, suppressed },
            'command relay not consuming yet; retrying',
          );
      },
    }).catch((err: unknown) => {
      if (!this.stopping.signal.aborted) this.log.error({ err }, 'command relay failed to start');
    });
  }

  private async run(): Promise<void> {
    if (this.stopping.signal.aborted) return;
    await this.consumer.connect();
    // A group without committed offsets starts at the topic's beginning, not its end: with "latest", commands
    // published while the relay first joins (a new topic, a new gateway id) were never relayed — found against a real
    // Kafka, whose group join takes seconds. Replaying is safe: expired commands are refused, and each idempotency key
    // is queued once.
    await this.consumer.subscribe({ topic: this.options.topic, fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ message }) => {
        const decoded = decodeSetpointCommand(message.value);
        if (!decoded.ok) {
          this.metrics.commands.inc({ source: 'kafka', outcome: 'invalid' });
          const { log, suppressed } = this.invalidLog.take();
          if (log)
            this.log.warn(
              { errors: decoded.errors, offset: message.offset, suppressed },
              'invalid set-point command skipped',
            );
          return;
        }
        await this.queue.enqueueRecommendation(decoded.value, 'kafka');
      },
    });
  }

  /**
   * Bounded: a consumer still joining its group (e.g. waiting out a member that died with the previous process)
   * would hold the shutdown until the group's rebalance timeout. Uncommitted commands are simply relayed again.
   */
  async stop(timeoutMs = 3000): Promise<void> {
    this.stopping.abort();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const result = await Promise.race([this.consumer.disconnect().then(() => 'done' as const), timedOut]);
    clearTimeout(timer);
    if (result === 'timeout') this.log.warn({ timeoutMs }, 'command relay did not disconnect in time; leaving it');
  }
}

/** The command relay when Kafka is configured with a commands topic; undefined otherwise. */
export function createCommandRelay(
  config: Readonly<GatewayConfig>,
  queue: CommandQueue,
  metrics: Pick<GatewayMetrics, 'commands'>,
  log: Logger,
): KafkaCommandRelay | undefined {
  const k = config.kafka;
  if (k.brokers.length === 0 || !k.commandsTopic) return undefined;
  return new KafkaCommandRelay(
    {
      brokers: k.brokers,
      clientId: `${k.clientId}-commands`,
      groupId: `${config.gatewayId}-commands`,
      topic: k.commandsTopic,
      security: kafkaSecurityOptions(k),
    },
    queue,
    metrics,
    log.child({ module: 'command-relay' }),
  );
}
