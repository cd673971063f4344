import type { SetpointCommand } from '@hvac-edge/shared';

/**
 * Port: where the closed loop's set-point commands go. The Kafka adapter sends them to the commands topic (the
 * gateway relays them); a gateway running the sink embedded puts them straight into its command queue.
 */
export interface CommandSink {
  /** Resolves once the commands are durable at the other end. */
  deliver(commands: SetpointCommand[]): Promise<void>;
}
