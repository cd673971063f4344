import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export interface OutboxItem {
  seq: number;
  id: string;
  body: string;
}

/**
 * The agent's durable queue: a reading is written here (fsync) before any send and removed only after the
 * gateway acknowledged it. Past the disk budget the oldest readings go, counted.
 */
export class Outbox {
  private readonly db: Database.Database;
  private bytes: number;
  private count: number;

  constructor(
    path: string,
    private readonly maxBytes: number,
    private readonly onDrop: (n: number) => void = () => {},
  ) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, body TEXT NOT NULL, bytes INTEGER NOT NULL)',
    );
    // The agent's other durable state lives in the same file: the command cursor and applied command keys.
    this.db.exec('CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID');
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS applied_commands (id TEXT PRIMARY KEY, at INTEGER NOT NULL) WITHOUT ROWID',
    );
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

  getState(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM state WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  setState(key: string, value: string): void {
    this.db
      .prepare('INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
      .run(key, value);
  }

  wasApplied(id: string): boolean {
    return this.db.prepare('SELECT 1 FROM applied_commands WHERE id = ?').get(id) !== undefined;
  }

  markApplied(id: string, at = Date.now()): void {
    this.db.prepare('INSERT OR IGNORE INTO applied_commands (id, at) VALUES (?, ?)').run(id, at);
    // Keys older than a week cannot come back (commands expire long before).
    this.db.prepare('DELETE FROM applied_commands WHERE at < ?').run(at - 7 * 86_400_000);
  }

  close(): void {
    this.db.close();
  }
}
