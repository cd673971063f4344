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
    }).consumer({ groupId: o.groupId, allowAutoTopicCreation: true });
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

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
