import { decodeSetpointCommand } from '@hvac-edge/shared';
import { type Consumer, Kafka, logLevel } from 'kafkajs';
import type { Logger } from 'pino';
import type { CommandQueue } from './command-queue.js';

export interface CommandRelayOptions {
  brokers: string[];
  clientId: string;
  groupId: string;
  topic: string;
}

/**
 * Relays set-point commands from the commands topic into the durable command queue the agents poll. The offset is
 * committed after the command is queued (idempotent on its key, so a replay queues nothing twice). Invalid
 * messages are logged with the reason and skipped.
 */
export class KafkaCommandRelay {
  private readonly consumer: Consumer;
  relayed = 0;
  invalid = 0;

  constructor(
    private readonly o: CommandRelayOptions,
    private readonly queue: CommandQueue,
    private readonly log: Logger,
  ) {
    this.consumer = new Kafka({
      clientId: o.clientId,
      brokers: o.brokers,
      logLevel: logLevel.NOTHING,
      retry: { retries: 10, initialRetryTime: 300 },
      // Short fetch waits keep shutdown quick: disconnect waits for the fetch in flight.
    }).consumer({ groupId: o.groupId, allowAutoTopicCreation: true, maxWaitTimeInMs: 1000 });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.o.topic, fromBeginning: false });
    await this.consumer.run({
      eachMessage: async ({ message }) => {
        const decoded = decodeSetpointCommand(message.value);
        if (!decoded.ok) {
          this.invalid += 1;
          this.log.warn({ errors: decoded.errors, offset: message.offset }, 'invalid set-point command skipped');
          return;
        }
        const c = decoded.value;
        if (c.expiresAt <= Date.now()) {
          this.log.info({ device: c.device, idempotencyKey: c.idempotencyKey }, 'expired set-point command skipped');
          return;
        }
        this.queue.enqueue({
          id: c.idempotencyKey,
          device: c.device,
          command: 'setpoint',
          value: c.setpoint,
          source: `kafka:${c.model}`,
          createdAt: c.issuedAt,
          expiresAt: c.expiresAt,
        });
        this.relayed += 1;
      },
    });
  }

  /**
   * Bounded: a consumer still joining its group (e.g. waiting out a member that died with the previous process)
   * would hold the shutdown until the group's rebalance timeout. Uncommitted commands are simply relayed again.
   */
  async stop(timeoutMs = 3000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const result = await Promise.race([this.consumer.disconnect().then(() => 'done' as const), timedOut]);
    clearTimeout(timer);
    if (result === 'timeout') this.log.warn({ timeoutMs }, 'command relay did not disconnect in time; leaving it');
  }
}
