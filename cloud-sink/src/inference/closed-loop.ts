import type { SetpointCommand } from '@hvac-edge/shared';
import type { Logger } from 'pino';

/**
 * Port: where set-point commands go, keyed by device. The Kafka adapter sends to the commands topic (acks=all);
 * an embedded gateway puts them straight into its durable command queue.
 */
export interface CommandPublisher {
  publish(topic: string, messages: Array<{ key: string; value: string }>): Promise<void>;
}

export interface ClosedLoopOptions {
  commandsTopic: string;
  /** At most one command per device per interval. */
  intervalSeconds: number;
  /** Only when the recommendation moved at least this far from the last command (or the current set-point). */
  deadbandC: number;
  ttlSeconds: number;
}

export interface Recommendation {
  device: string;
  setpoint: number;
  current: number | undefined;
  /** Unix ms of the newest reading in the window. */
  at: number;
}

/**
 * Optional closed loop: turns recommendations into set-point commands on the commands topic (key = device), which
 * the gateway relays to the device. Rate-limited per device and damped by a deadband, so the relay does not chatter.
 */
export class ClosedLoop {
  private readonly last = new Map<string, { at: number; setpoint: number }>();
  sent = 0;

  constructor(
    private readonly commands: CommandPublisher,
    private readonly model: string,
    private readonly o: ClosedLoopOptions,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  async offer(recs: Recommendation[]): Promise<SetpointCommand[]> {
    const now = this.now();
    // The newest recommendation per device decides.
    const newest = new Map<string, Recommendation>();
    for (const r of recs) if ((newest.get(r.device)?.at ?? -1) <= r.at) newest.set(r.device, r);
    const commands: SetpointCommand[] = [];
    for (const r of newest.values()) {
      const prev = this.last.get(r.device);
      if (prev && now - prev.at < this.o.intervalSeconds * 1000) continue;
      const reference = prev?.setpoint ?? r.current;
      if (reference !== undefined && Math.abs(r.setpoint - reference) < this.o.deadbandC) continue;
      commands.push({
        schemaVersion: 1,
        device: r.device,
        setpoint: r.setpoint,
        model: this.model,
        idempotencyKey: `${this.model}:${r.device}:${r.at}`,
        issuedAt: now,
        expiresAt: now + this.o.ttlSeconds * 1000,
      });
    }
    if (commands.length === 0) return [];
    await this.commands.publish(
      this.o.commandsTopic,
      commands.map((c) => ({ key: c.device, value: JSON.stringify(c) })),
    );
    for (const c of commands) this.last.set(c.device, { at: now, setpoint: c.setpoint });
    this.sent += commands.length;
    this.log.info({ commands: commands.map((c) => [c.device, c.setpoint]) }, 'set-point commands published');
    return commands;
  }
}
