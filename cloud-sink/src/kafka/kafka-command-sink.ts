import type { SetpointCommand } from '@hvac-edge/shared';
import type { Producer } from 'kafkajs';
import type { CommandSink } from '../inference/command-sink.js';

/** Set-point commands to the commands topic (key = device, acks = all); the gateway relays them to the devices. */
export class KafkaCommandSink implements CommandSink {
  constructor(
    private readonly producer: Producer,
    private readonly topic: string,
  ) {}

  async deliver(commands: SetpointCommand[]): Promise<void> {
    await this.producer.send({
      topic: this.topic,
      acks: -1,
      messages: commands.map((c) => ({ key: c.device, value: JSON.stringify(c) })),
    });
  }
}
