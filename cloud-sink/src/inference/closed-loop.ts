import type { SetpointCommand } from '@hvac-edge/shared';
import type { Logger } from 'pino';
import type { SinkMetrics } from '../metrics.js';
import type { CommandSink } from './command-sink.js';

export interface ClosedLoopOptions {
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
 * Optional closed loop: turns recommendations into set-point commands for the devices. Rate-limited per device and
 * damped by a deadband, so the relay does not chatter.
 */
export class ClosedLoop {
  private readonly last = new Map<string, { at: number; setpoint: number }>();

  constructor(
    private readonly commands: CommandSink,
    private readonly model: string,
    private readonly options: ClosedLoopOptions,
    private readonly metrics: Pick<SinkMetrics, 'commands'>,
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
      if (prev && now - prev.at < this.options.intervalSeconds * 1000) continue;
      const reference = prev?.setpoint ?? r.current;
      if (reference !== undefined && Math.abs(r.setpoint - reference) < this.options.deadbandC) continue;
      commands.push({
        schemaVersion: 1,
        device: r.device,
        setpoint: r.setpoint,
        model: this.model,
        idempotencyKey: `${this.model}:${r.device}:${r.at}`,
        issuedAt: now,
        expiresAt: now + this.options.ttlSeconds * 1000,
      });
    }
    if (commands.length === 0) return [];
    await this.commands.deliver(commands);
    for (const c of commands) this.last.set(c.device, { at: now, setpoint: c.setpoint });
    this.metrics.commands.inc(commands.length);
    this.log.info({ commands: commands.map((c) => [c.device, c.setpoint]) }, 'set-point commands sent');
    return commands;
  }
}
