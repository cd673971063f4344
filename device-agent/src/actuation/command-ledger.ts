import type Database from 'better-sqlite3';

/**
 * The downlink's durable state in the agent's database: the cursor (the last command seq seen, so a restart neither
 * replays applied commands nor misses queued ones) and the keys of applied commands (each applied once).
 */
export class CommandLedger {
  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number = Date.now,
  ) {}

  get cursor(): number {
    const row = this.db.prepare("SELECT value FROM state WHERE key = 'command_after'").get() as
      | { value: string }
      | undefined;
    return Number(row?.value ?? 0);
  }

  set cursor(seq: number) {
    this.db
      .prepare(
        "INSERT INTO state (key, value) VALUES ('command_after', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
      )
      .run(String(seq));
  }

  wasApplied(id: string): boolean {
    return this.db.prepare('SELECT 1 FROM applied_commands WHERE id = ?').get(id) !== undefined;
  }

  markApplied(id: string): void {
    const at = this.now();
    this.db.prepare('INSERT OR IGNORE INTO applied_commands (id, at) VALUES (?, ?)').run(id, at);
    // Keys older than a week cannot come back (commands expire long before).
    this.db.prepare('DELETE FROM applied_commands WHERE at < ?').run(at - 7 * 86_400_000);
  }
}
