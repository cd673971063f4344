import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type EdgexEvent, type Reading, UnavailableError } from '@hvac-edge/shared';
import Database from 'better-sqlite3';
import type {
  AppendResult,
  EventQuery,
  EventStore,
  PurgeResult,
  ReadingQuery,
  RetentionPolicy,
  StoredEvent,
  StoreStats,
} from '../event-store.js';
import { DuplicateEventError } from '../event-store.js';
import { SCHEMA_SQL } from './schema.js';

export interface SqliteStoreOptions {
  path: string;
  /** full: fsync per group commit; normal: durable against process crashes, not power loss. */
  synchronous?: 'full' | 'normal';
  now?: () => number;
}

interface Queued {
  event: EdgexEvent;
  resolve: (r: AppendResult) => void;
  reject: (e: unknown) => void;
}

interface EventRow {
  seq: number;
  device_seq: number;
  received_at: number;
  state: number;
  body: string;
}

const DELETE_CHUNK = 500;

function toStored(row: EventRow): StoredEvent {
  return {
    seq: row.seq,
    deviceSeq: row.device_seq,
    receivedAt: row.received_at,
    state: row.state === 0 ? 'pending' : 'forwarded',
    event: JSON.parse(row.body) as EdgexEvent,
  };
}

/**
 * The embedded EventStore: SQLite in WAL mode. Appends arriving in the same event-loop turn share one
 * transaction, so concurrent requests share one fsync (group commit).
 */
export class SqliteEventStore implements EventStore {
  readonly kind = 'sqlite';
  private db: Database.Database | undefined;
  private queue: Queued[] = [];
  private flushScheduled = false;
  private readonly deviceSeq = new Map<string, number>();
  private total = 0;
  private pendingCount = 0;
  private readonly now: () => number;

  constructor(private readonly options: SqliteStoreOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The open database, for the metadata store sharing this file. */
  get database(): Database.Database {
    if (!this.db) throw new UnavailableError('STORE_CLOSED', 'event store is not open');
    return this.db;
  }

  async open(): Promise<void> {
    if (this.options.path !== ':memory:') mkdirSync(dirname(this.options.path), { recursive: true });
    const db = new Database(this.options.path);
    db.pragma('auto_vacuum = INCREMENTAL');
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${this.options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.exec(SCHEMA_SQL);
    for (const r of db.prepare('SELECT device, last FROM device_seq').all() as { device: string; last: number }[])
      this.deviceSeq.set(r.device, r.last);
    this.total = (db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
    this.pendingCount = (db.prepare('SELECT COUNT(*) AS n FROM events WHERE state = 0').get() as { n: number }).n;
    this.db = db;
  }

  async close(): Promise<void> {
    if (!this.db) return;
    this.flush();
    this.db.close();
    this.db = undefined;
  }

  async ping(): Promise<boolean> {
    try {
      return this.db?.prepare('SELECT 1 AS ok').get() !== undefined;
    } catch {
      return false;
    }
  }

  get pendingEvents(): number {
    return this.pendingCount;
  }

  append(event: EdgexEvent): Promise<AppendResult> {
    if (!this.db) return Promise.reject(new UnavailableError('STORE_CLOSED', 'event store is not open'));
    return new Promise((resolve, reject) => {
      this.queue.push({ event, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    const db = this.db;
    if (!db) {
      for (const q of batch) q.reject(new UnavailableError('STORE_CLOSED', 'event store closed'));
      return;
    }
    const insertEvent = db.prepare(
      `INSERT INTO events (id, device, origin, received_at, device_seq, state, body)
       VALUES (?, ?, ?, ?, ?, 0, ?) ON CONFLICT(id) DO NOTHING`,
    );
    const insertReading = db.prepare(
      'INSERT INTO readings (event_seq, idx, device, resource, origin) VALUES (?, ?, ?, ?, ?)',
    );
    const upsertSeq = db.prepare(
      'INSERT INTO device_seq (device, last) VALUES (?, ?) ON CONFLICT(device) DO UPDATE SET last = excluded.last',
    );
    const receivedAt = this.now();
    const nextSeq = new Map<string, number>();
    const results: Array<AppendResult | DuplicateEventError> = [];
    try {
      db.transaction(() => {
        for (const { event } of batch) {
          const deviceSeq = (nextSeq.get(event.deviceName) ?? this.deviceSeq.get(event.deviceName) ?? 0) + 1;
          const info = insertEvent.run(
            event.id,
            event.deviceName,
            event.origin,
            receivedAt,
            deviceSeq,
            JSON.stringify(event),
          );
          if (info.changes === 0) {
            results.push(new DuplicateEventError(event.id));
            continue;
          }
          const seq = Number(info.lastInsertRowid);
          event.readings.forEach((r, i) => {
            insertReading.run(seq, i, r.deviceName, r.resourceName, r.origin);
          });
          nextSeq.set(event.deviceName, deviceSeq);
          results.push({ seq, deviceSeq, receivedAt });
        }
        for (const [device, last] of nextSeq) upsertSeq.run(device, last);
      })();
    } catch (err) {
      // Nothing of this batch is stored: every caller may safely retry.
      const e = new UnavailableError('STORE_WRITE_FAILED', `event store write failed: ${(err as Error).message}`, {
        cause: err,
      });
      for (const q of batch) q.reject(e);
      return;
    }
    for (const [device, last] of nextSeq) this.deviceSeq.set(device, last);
    batch.forEach((q, i) => {
      const r = results[i] as AppendResult | DuplicateEventError;
      if (r instanceof DuplicateEventError) q.reject(r);
      else {
        this.total += 1;
        this.pendingCount += 1;
        q.resolve(r);
      }
    });
  }

  async pending(limit: number, afterSeq = 0): Promise<StoredEvent[]> {
    const rows = this.database
      .prepare(
        'SELECT seq, device_seq, received_at, state, body FROM events WHERE state = 0 AND seq > ? ORDER BY seq LIMIT ?',
      )
      .all(afterSeq, limit) as EventRow[];
    return rows.map(toStored);
  }

  async markForwarded(seqs: readonly number[]): Promise<void> {
    const db = this.database;
    let changed = 0;
    db.transaction(() => {
      for (let i = 0; i < seqs.length; i += DELETE_CHUNK) {
        const chunk = seqs.slice(i, i + DELETE_CHUNK);
        const marks = chunk.map(() => '?').join(',');
        changed += db
          .prepare(`UPDATE events SET state = 1 WHERE state = 0 AND seq IN (${marks})`)
          .run(...chunk).changes;
      }
    })();
    this.pendingCount -= changed;
  }

  async getById(id: string): Promise<StoredEvent | undefined> {
    const row = this.database
      .prepare('SELECT seq, device_seq, received_at, state, body FROM events WHERE id = ?')
      .get(id) as EventRow | undefined;
    return row && toStored(row);
  }

  async listEvents(q: EventQuery): Promise<{ totalCount: number; events: StoredEvent[] }> {
    const { where, params } = eventFilter(q);
    const db = this.database;
    const totalCount = (db.prepare(`SELECT COUNT(*) AS n FROM events ${where}`).get(...params) as { n: number }).n;
    const rows = db
      .prepare(
        `SELECT seq, device_seq, received_at, state, body FROM events ${where} ORDER BY origin DESC, seq DESC LIMIT ? OFFSET ?`,
      )
      .all(...params, q.limit, q.offset) as EventRow[];
    return { totalCount, events: rows.map(toStored) };
  }

  async countEvents(deviceName?: string): Promise<number> {
    if (deviceName === undefined) return this.total;
    return (this.database.prepare('SELECT COUNT(*) AS n FROM events WHERE device = ?').get(deviceName) as { n: number })
      .n;
  }

  async listReadings(q: ReadingQuery): Promise<{ totalCount: number; readings: Reading[] }> {
    const clauses: string[] = [];
    const params: unknown[] = [];
    if (q.deviceName !== undefined) {
      clauses.push('r.device = ?');
      params.push(q.deviceName);
    }
    if (q.resourceName !== undefined) {
      clauses.push('r.resource = ?');
      params.push(q.resourceName);
    }
    const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
    const db = this.database;
    const totalCount = (db.prepare(`SELECT COUNT(*) AS n FROM readings r ${where}`).get(...params) as { n: number }).n;
    const rows = db
      .prepare(
        `SELECT json_extract(e.body, '$.readings[' || r.idx || ']') AS reading
         FROM readings r JOIN events e ON e.seq = r.event_seq ${where}
         ORDER BY r.origin DESC, r.event_seq DESC, r.idx LIMIT ? OFFSET ?`,
      )
      .all(...params, q.limit, q.offset) as { reading: string }[];
    return { totalCount, readings: rows.map((r) => JSON.parse(r.reading) as Reading) };
  }

  async deleteByOrigin(originBeforeNs: number, includePending: boolean): Promise<number> {
    const sql = includePending
      ? 'SELECT seq, state FROM events WHERE origin < ?'
      : 'SELECT seq, state FROM events WHERE origin < ? AND state = 1';
    const rows = this.database.prepare(sql).all(originBeforeNs) as { seq: number; state: number }[];
    this.deleteRows(rows);
    return rows.length;
  }

  private deleteRows(rows: readonly { seq: number; state: number }[]): void {
    if (rows.length === 0) return;
    const db = this.database;
    db.transaction(() => {
      for (let i = 0; i < rows.length; i += DELETE_CHUNK) {
        const chunk = rows.slice(i, i + DELETE_CHUNK).map((r) => r.seq);
        db.prepare(`DELETE FROM events WHERE seq IN (${chunk.map(() => '?').join(',')})`).run(...chunk);
      }
    })();
    this.total -= rows.length;
    this.pendingCount -= rows.filter((r) => r.state === 0).length;
  }

  private usedBytes(): number {
    const db = this.database;
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const pages = db.pragma('page_count', { simple: true }) as number;
    const free = db.pragma('freelist_count', { simple: true }) as number;
    return (pages - free) * pageSize;
  }

  async stats(): Promise<StoreStats> {
    const oldest = this.database.prepare('SELECT received_at FROM events WHERE state = 0 ORDER BY seq LIMIT 1').get() as
      | { received_at: number }
      | undefined;
    return {
      total: this.total,
      pending: this.pendingCount,
      oldestPendingReceivedAt: oldest?.received_at,
      bytes: this.usedBytes(),
    };
  }

  async purge(policy: RetentionPolicy): Promise<PurgeResult> {
    const db = this.database;
    const result: PurgeResult = {};
    const take = (sql: string, ...params: unknown[]) =>
      db.prepare(sql).all(...params) as { seq: number; state: number }[];

    const aged = take('SELECT seq, state FROM events WHERE state = 1 AND received_at < ?', policy.forwardedBefore);
    this.deleteRows(aged);
    if (aged.length) result.forwarded_age = aged.length;

    if (policy.maxCap > 0 && this.total > policy.maxCap) {
      const excess = this.total - Math.min(policy.minCap, policy.maxCap);
      const capped = take('SELECT seq, state FROM events WHERE state = 1 ORDER BY seq LIMIT ?', excess);
      this.deleteRows(capped);
      if (capped.length) result.max_cap = capped.length;
    }

    if (policy.maxBytes > 0) {
      let dropped = 0;
      // Free about a tenth below the budget so that the next writes do not trip it again at once.
      const target = policy.maxBytes * 0.9;
      while (this.total > 0 && this.usedBytes() > target) {
        const oldest = take('SELECT seq, state FROM events ORDER BY seq LIMIT ?', DELETE_CHUNK);
        this.deleteRows(oldest);
        dropped += oldest.length;
        if (this.usedBytes() <= policy.maxBytes && dropped > 0 && oldest.length < DELETE_CHUNK) break;
      }
      if (dropped) result.disk_budget = dropped;
    }
    if (Object.keys(result).length) db.pragma('incremental_vacuum');
    return result;
  }
}

function eventFilter(q: EventQuery): { where: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (q.deviceName !== undefined) {
    clauses.push('device = ?');
    params.push(q.deviceName);
  }
  if (q.start !== undefined) {
    clauses.push('origin >= ?');
    params.push(q.start);
  }
  if (q.end !== undefined) {
    clauses.push('origin <= ?');
    params.push(q.end);
  }
  return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}
