import type { SetpointCommand } from '@hvac-edge/shared';
import type { LocalDatabase } from '../local/local-database.js';
import type { GatewayMetrics } from '../metrics.js';

/** A set-point command on its way to a device (the downlink). */
export interface Command {
  /** Queue position, per gateway; agents poll with `after` = the last seq they saw. */
  seq: number;
  /** Idempotency key: the same key is queued (and applied) once. */
  id: string;
  device: string;
  command: 'setpoint';
  value: number;
  /** Who asked: "api", "kafka:<model>", "embedded:<model>". */
  source: string;
  createdAt: number;
  /** Unix ms after which the command must not be applied. */
  expiresAt: number;
}

export type NewCommand = Omit<Command, 'seq'>;

/** Where a recommendation came from: the commands topic, or the sink embedded in this gateway. */
export type RecommendationPath = 'kafka' | 'embedded';

export type EnqueueOutcome = 'queued' | 'duplicate' | 'expired';

/**
 * Durable per-device command queue in the gateway's LocalDatabase. Devices long-poll it; commands past their expiry
 * are never handed out and are purged.
 */
export class CommandQueue {
  private readonly waiters = new Map<string, Set<() => void>>();

  constructor(
    private readonly local: LocalDatabase,
    private readonly metrics: Pick<GatewayMetrics, 'commands'>,
    private readonly now: () => number = Date.now,
  ) {}

  enqueue(c: NewCommand): { command: Command; created: boolean } {
    const db = this.local.connection;
    const info = db
      .prepare('INSERT INTO commands (id, device, body, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO NOTHING')
      .run(c.id, c.device, JSON.stringify(c), c.expiresAt);
    const source = c.source.split(':')[0] ?? c.source;
    if (info.changes === 1) {
      this.metrics.commands.inc({ source, outcome: 'queued' });
      for (const wake of this.waiters.get(c.device) ?? []) wake();
      return { command: { ...c, seq: Number(info.lastInsertRowid) }, created: true };
    }
    this.metrics.commands.inc({ source, outcome: 'duplicate' });
    const row = db.prepare('SELECT seq, body FROM commands WHERE id = ?').get(c.id) as { seq: number; body: string };
    return { command: { ...(JSON.parse(row.body) as NewCommand), seq: row.seq }, created: false };
  }

  /**
   * A recommendation from the cloud sink (relayed from the commands topic, or from the embedded sink) as a queued
   * command: the one conversion, with the expiry checked whichever way it came.
   */
  enqueueRecommendation(c: SetpointCommand, path: RecommendationPath): EnqueueOutcome {
    if (c.expiresAt <= this.now()) {
      this.metrics.commands.inc({ source: path, outcome: 'expired' });
      return 'expired';
    }
    const { created } = this.enqueue({
      id: c.idempotencyKey,
      device: c.device,
      command: 'setpoint',
      value: c.setpoint,
      source: `${path}:${c.model}`,
      createdAt: c.issuedAt,
      expiresAt: c.expiresAt,
    });
    return created ? 'queued' : 'duplicate';
  }

  /** Unexpired commands for a device after `afterSeq`, oldest first. */
  after(device: string, afterSeq: number, limit = 100): Command[] {
    const rows = this.local.connection
      .prepare('SELECT seq, body FROM commands WHERE device = ? AND seq > ? AND expires_at > ? ORDER BY seq LIMIT ?')
      .all(device, afterSeq, this.now(), limit) as { seq: number; body: string }[];
    return rows.map((r) => ({ ...(JSON.parse(r.body) as NewCommand), seq: r.seq }));
  }

  /** Long poll: resolves with commands as soon as there are any, or [] after `timeoutMs`. */
  async wait(device: string, afterSeq: number, timeoutMs: number, signal?: AbortSignal): Promise<Command[]> {
    const now = this.after(device, afterSeq);
    if (now.length > 0 || timeoutMs <= 0) return now;
    await new Promise<void>((resolve) => {
      const set = this.waiters.get(device) ?? new Set();
      this.waiters.set(device, set);
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0) this.waiters.delete(device);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      set.add(done);
      signal?.addEventListener('abort', done);
    });
    return this.after(device, afterSeq);
  }

  /** Wakes every waiting poll (shutdown). */
  wakeAll(): void {
    for (const set of this.waiters.values()) for (const wake of [...set]) wake();
  }

  purgeExpired(): number {
    return this.local.connection.prepare('DELETE FROM commands WHERE expires_at <= ?').run(this.now()).changes;
  }
}
