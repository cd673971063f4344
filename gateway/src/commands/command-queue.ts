import type Database from 'better-sqlite3';

/** A set-point command on its way to a device (the downlink). */
export interface Command {
  /** Queue position, per gateway; agents poll with `after` = the last seq they saw. */
  seq: number;
  /** Idempotency key: the same key is queued (and applied) once. */
  id: string;
  device: string;
  command: 'setpoint';
  value: number;
  /** Who asked: "api", "kafka:<model>", ... */
  source: string;
  createdAt: number;
  /** Unix ms after which the command must not be applied. */
  expiresAt: number;
}

type NewCommand = Omit<Command, 'seq'>;

/**
 * Durable per-device command queue in the gateway's database. Devices long-poll it; commands past their expiry
 * are never handed out and are purged.
 */
export class CommandQueue {
  private readonly waiters = new Map<string, Set<() => void>>();

  constructor(
    private readonly db: () => Database.Database,
    private readonly now: () => number = Date.now,
  ) {}

  enqueue(c: NewCommand): { command: Command; created: boolean } {
    const db = this.db();
    const info = db
      .prepare('INSERT INTO commands (id, device, body, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO NOTHING')
      .run(c.id, c.device, JSON.stringify(c), c.expiresAt);
    if (info.changes === 1) {
      for (const wake of this.waiters.get(c.device) ?? []) wake();
      return { command: { ...c, seq: Number(info.lastInsertRowid) }, created: true };
    }
    const row = db.prepare('SELECT seq, body FROM commands WHERE id = ?').get(c.id) as { seq: number; body: string };
    return { command: { ...(JSON.parse(row.body) as NewCommand), seq: row.seq }, created: false };
  }

  /** Unexpired commands for a device after `afterSeq`, oldest first. */
  after(device: string, afterSeq: number, limit = 100): Command[] {
    const rows = this.db()
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
    return this.db().prepare('DELETE FROM commands WHERE expires_at <= ?').run(this.now()).changes;
  }
}
