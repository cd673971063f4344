import type Database from 'better-sqlite3';

export interface OutboxItem {
  seq: number;
  id: string;
  body: string;
}

/**
 * The agent's durable queue of readings: a reading is written here (fsync) before any send and removed only after
 * the gateway acknowledged it. Past the disk budget the oldest readings go, counted.
 */
export class Outbox {
  private bytes: number;
  private count: number;

  constructor(
    private readonly db: Database.Database,
    private readonly maxBytes: number,
    private readonly onDrop: (n: number) => void = () => {},
  ) {
    const s = this.db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(bytes), 0) AS b FROM outbox').get() as {
      n: number;
      b: number;
    };
    this.count = s.n;
    this.bytes = s.b;
  }

  get size(): { count: number; bytes: number } {
    return { count: this.count, bytes: this.bytes };
  }

  add(id: string, body: string): void {
    const bytes = Buffer.byteLength(body);
    this.db.prepare('INSERT INTO outbox (id, body, bytes) VALUES (?, ?, ?)').run(id, body, bytes);
    this.count += 1;
    this.bytes += bytes;
    if (this.bytes > this.maxBytes) this.dropOldest();
  }

  private dropOldest(): void {
    let dropped = 0;
    this.db.transaction(() => {
      while (this.bytes > this.maxBytes && this.count > 1) {
        const row = this.db.prepare('SELECT seq, bytes FROM outbox ORDER BY seq LIMIT 1').get() as {
          seq: number;
          bytes: number;
        };
        this.db.prepare('DELETE FROM outbox WHERE seq = ?').run(row.seq);
        this.bytes -= row.bytes;
        this.count -= 1;
        dropped += 1;
      }
    })();
    if (dropped) this.onDrop(dropped);
  }

  /** Oldest first. */
  peek(limit: number): OutboxItem[] {
    return this.db.prepare('SELECT seq, id, body FROM outbox ORDER BY seq LIMIT ?').all(limit) as OutboxItem[];
  }

  remove(seq: number): void {
    const row = this.db.prepare('DELETE FROM outbox WHERE seq = ? RETURNING bytes').get(seq) as
      | { bytes: number }
      | undefined;
    if (row) {
      this.count -= 1;
      this.bytes -= row.bytes;
    }
  }
}
