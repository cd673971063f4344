import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/**
 * The agent's SQLite file (`outbox.path`): the outbox of readings, and the downlink's state (the command cursor and
 * the keys of applied commands). Every write is fsynced before it returns: a reading is durable before it is sent.
 */
export function openAgentDatabase(path: string): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`
    CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, body TEXT NOT NULL, bytes INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS applied_commands (id TEXT PRIMARY KEY, at INTEGER NOT NULL) WITHOUT ROWID;`);
  // Readings taken before the clock was synchronised: a monotonic stamp and the boot it belongs to (added in 0.2).
  const columns = (db.prepare('PRAGMA table_info(outbox)').all() as Array<{ name: string }>).map((c) => c.name);
  if (!columns.includes('mono_ns'))
    db.exec('ALTER TABLE outbox ADD COLUMN mono_ns TEXT; ALTER TABLE outbox ADD COLUMN boot_id TEXT;');
  return db;
}
