import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { UnavailableError } from '@hvac-edge/shared';
import Database from 'better-sqlite3';
import { EVENT_TABLES_SQL, LOCAL_TABLES_SQL } from './schema.js';
import { commitUnsynced } from './unsynced-commit.js';

export interface LocalDatabaseOptions {
  /** The SQLite file (WAL mode). */
  path: string;
  /** full: fsync per commit (survives power loss); normal: survives process crashes only. */
  synchronous: 'full' | 'normal';
  /** Create the embedded event store's tables too (only when it is the chosen store). */
  eventTables: boolean;
}

/**
 * The gateway's own SQLite file and its schema: device metadata and the command queue always, the embedded event
 * store's tables when that store is chosen. One connection on the main thread serves the small local state (rare,
 * small writes: a registration, a queued command) and the event store's reads; the event store's appends go through
 * its writer thread's own connection, which WAL lets run beside this one.
 */
export class LocalDatabase {
  private db: Database.Database | undefined;

  constructor(readonly options: Readonly<LocalDatabaseOptions>) {}

  get path(): string {
    return this.options.path;
  }

  open(): void {
    if (this.db) return;
    mkdirSync(dirname(this.options.path), { recursive: true });
    const db = new Database(this.options.path);
    db.pragma('auto_vacuum = INCREMENTAL');
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${this.options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    db.pragma('busy_timeout = 5000');
    db.exec(LOCAL_TABLES_SQL);
    if (this.options.eventTables) db.exec(EVENT_TABLES_SQL);
    this.db = db;
  }

  get connection(): Database.Database {
    if (!this.db) throw new UnavailableError('LOCAL_DB_CLOSED', `the gateway database ${this.path} is not open`);
    return this.db;
  }

  /**
   * Runs `fn` in a transaction of the main connection; `withoutSync`: one that commits without an fsync of its own
   * (see commitUnsynced for when that is safe).
   */
  transaction<T>(withoutSync: boolean, fn: () => T): T {
    const run = this.connection.transaction(fn);
    return withoutSync ? commitUnsynced(this.connection, this.options.synchronous, run) : run();
  }

  get isOpen(): boolean {
    return this.db?.open ?? false;
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
  }
}
