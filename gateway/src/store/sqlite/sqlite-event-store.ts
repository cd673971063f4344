import { Worker } from 'node:worker_threads';
import {
  type EdgexEvent,
  parseEdgexJson,
  type Reading,
  stringifyEvent,
  UnavailableError,
  WorkerCalls,
} from '@hvac-edge/shared';
import type Database from 'better-sqlite3';
import type { LocalDatabase } from '../../local/local-database.js';
import type {
  AppendResult,
  DeleteCriteria,
  EventQuery,
  EventStore,
  PurgeResult,
  ReadingFilter,
  ReadingQuery,
  RetentionPolicy,
  StoredEvent,
  StoreStats,
} from '../event-store.js';
import { AppendGroups } from './append-groups.js';

export interface SqliteStoreOptions {
  now?: () => number;
  /**
   * How long an append that finds the writer idle waits for others to share its commit (default 0). A fleet of
   * devices posting every few seconds arrives one event at a time: without a window each is its own transaction,
   * fsync and set of rewritten pages. Appends that arrive while a commit runs never wait (they are the next group),
   * nor do those of a device that sends its next event on the answer to its last (see AppendGroups).
   */
  commitWindowMs?: number;
  /**
   * Called once per transaction of appends: how many it held and how long it took, fsync included (group commit's
   * effect, and the storage's sync latency, which bound durable ingest).
   */
  onCommit?: (events: number, seconds: number) => void;
  /**
   * How often, at most, the per-device sequences are written to their table inside an append's transaction (default
   * 1,000 ms). In between, each event's row is their only record; a start after a crash reads them from the events
   * appended since the last write. Shorter means more pages written per event at a large fleet; longer, more events
   * to read at start.
   */
  seqSaveIntervalMs?: number;
}

/** The writer's answer to an append message: its rows' results, and the group's commit with the first message. */
interface AppendReply {
  rows: Array<AppendResult | null>;
  commit?: { events: number; seconds: number };
}

interface EventRow {
  seq: number;
  device_seq: number;
  received_at: number;
  state: number;
  body: string;
}

const COLUMNS = 'seq, device_seq, received_at, state, body';

function toStored(row: EventRow): StoredEvent {
  return {
    seq: row.seq,
    deviceSeq: row.device_seq,
    receivedAt: row.received_at,
    state: row.state === 0 ? 'pending' : 'forwarded',
    event: parseEdgexJson(row.body) as EdgexEvent,
    eventJson: row.body,
  };
}

/**
 * The embedded EventStore: SQLite in WAL mode, in the gateway's LocalDatabase (opened with its event tables). One
 * writer thread commits batches (group commit: all appends that arrive while the previous batch commits share the
 * next transaction and its fsync); reads go through the LocalDatabase's connection, which WAL lets run alongside
 * the writer. The store's durability (`synchronous`) is the LocalDatabase's.
 */
export class SqliteEventStore implements EventStore {
  readonly kind = 'sqlite';
  private readonly writer = new WorkerCalls(
    (reason) =>
      new UnavailableError(
        'STORE_UNAVAILABLE',
        reason === 'not open' ? 'event store is not open' : `store writer ${reason}`,
      ),
  );
  private readonly groups: AppendGroups;
  private total = 0;
  private pendingCount = 0;
  private readonly now: () => number;
  private readonly seqSaveIntervalMs: number;

  constructor(
    private readonly local: LocalDatabase,
    options: SqliteStoreOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.seqSaveIntervalMs = options.seqSaveIntervalMs ?? 1000;
    this.groups = new AppendGroups(
      async (rows) => {
        const reply = await this.call<AppendReply>('append', rows, this.now());
        if (reply.commit) options.onCommit?.(reply.commit.events, reply.commit.seconds);
        return reply.rows;
      },
      options.commitWindowMs ?? 0,
      () => {
        this.total += 1;
        this.pendingCount += 1;
      },
    );
  }

  private get database(): Database.Database {
    if (!this.writer.running) throw new UnavailableError('STORE_CLOSED', 'event store is not open');
    return this.local.connection;
  }

  get pendingEvents(): number {
    return this.pendingCount;
  }

  async open(): Promise<void> {
    if (!this.local.options.eventTables) {
      throw new Error('the embedded event store needs a LocalDatabase opened with its event tables');
    }
    const db = this.local.connection;
    this.total = (db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
    this.pendingCount = (db.prepare('SELECT COUNT(*) AS n FROM events WHERE state = 0').get() as { n: number }).n;
    await this.writer.start(
      new Worker(new URL('./writer-worker.js', import.meta.url), {
        workerData: {
          path: this.local.path,
          synchronous: this.local.options.synchronous,
          seqSaveIntervalMs: this.seqSaveIntervalMs,
        },
      }),
    );
  }

  private call<T>(op: string, ...args: unknown[]): Promise<T> {
    return this.writer.call<T>(op, ...args);
  }

  async close(): Promise<void> {
    await this.groups.drain();
    await this.writer.stop();
  }

  async ping(): Promise<boolean> {
    try {
      return this.writer.running && this.local.connection.prepare('SELECT 1 AS ok').get() !== undefined;
    } catch {
      return false;
    }
  }

  append(event: EdgexEvent): Promise<AppendResult> {
    if (!this.writer.running) return this.call<AppendResult>('append');
    // Only the row is kept, not the event: with many appends waiting for a commit, holding each parsed event
    // until then made every young-generation collection copy them all.
    return this.groups.add(event.id, event.deviceName, event.origin, stringifyEvent(event));
  }

  /** The forwarder's query, prepared once (preparing it per call showed up at 1,000 events/s). */
  private pendingQuery: Database.Statement | undefined;

  async pending(limit: number, afterSeq = 0): Promise<StoredEvent[]> {
    this.pendingQuery ??= this.database.prepare(
      `SELECT ${COLUMNS} FROM events WHERE state = 0 AND seq > ? ORDER BY seq LIMIT ?`,
    );
    if (!this.writer.running) throw new UnavailableError('STORE_CLOSED', 'event store is not open');
    const rows = this.pendingQuery.all(afterSeq, limit) as EventRow[];
    return rows.map(toStored);
  }

  async markForwarded(seqs: readonly number[]): Promise<void> {
    if (seqs.length === 0) return;
    // Not `this.pendingCount -= await …`: that reads the count before the await and loses appends made meanwhile.
    const changed = await this.call<number>('markForwarded', seqs);
    this.pendingCount -= changed;
  }

  async getById(id: string): Promise<StoredEvent | undefined> {
    const row = this.database.prepare(`SELECT ${COLUMNS} FROM events WHERE id = ?`).get(id) as EventRow | undefined;
    return row && toStored(row);
  }

  async listEvents(q: EventQuery): Promise<{ totalCount: number; events: StoredEvent[] }> {
    const { where, params } = eventFilter(q);
    const db = this.database;
    const totalCount = (db.prepare(`SELECT COUNT(*) AS n FROM events WHERE ${where}`).get(...params) as { n: number })
      .n;
    const rows = db
      .prepare(`SELECT ${COLUMNS} FROM events WHERE ${where} ORDER BY origin DESC, seq DESC LIMIT ? OFFSET ?`)
      .all(...params, q.limit, q.offset) as EventRow[];
    return { totalCount, events: rows.map(toStored) };
  }

  async countEvents(deviceName?: string): Promise<number> {
    if (deviceName === undefined) return this.total;
    const { where, params } = eventFilter({ deviceName, offset: 0, limit: 0 });
    return (this.database.prepare(`SELECT COUNT(*) AS n FROM events WHERE ${where}`).get(...params) as { n: number }).n;
  }

  /** FROM and WHERE over the readings in event bodies (json_each), with their parameters. */
  private readingsFrom(q: ReadingFilter): { from: string; params: unknown[] } {
    const { where, params } = eventFilter({
      offset: 0,
      limit: 0,
      ...(q.deviceName ? { deviceName: q.deviceName } : {}),
    });
    const clauses = [where];
    if (q.resourceName !== undefined) {
      clauses.push("json_extract(r.value, '$.resourceName') = ?");
      params.push(q.resourceName);
    }
    // The reading's own origin (it may differ from its event's): read out of the body, not indexed.
    if (q.start !== undefined) {
      clauses.push("json_extract(r.value, '$.origin') >= ?");
      params.push(q.start);
    }
    if (q.end !== undefined) {
      clauses.push("json_extract(r.value, '$.origin') <= ?");
      params.push(q.end);
    }
    return { from: `FROM events e, json_each(e.body, '$.readings') r WHERE ${clauses.join(' AND ')}`, params };
  }

  async countReadings(q: ReadingFilter): Promise<number> {
    const { from, params } = this.readingsFrom(q);
    return (this.database.prepare(`SELECT COUNT(*) AS n ${from}`).get(...params) as { n: number }).n;
  }

  async listReadings(q: ReadingQuery): Promise<{ totalCount: number; readings: Reading[] }> {
    const { from, params } = this.readingsFrom(q);
    const totalCount = await this.countReadings(q);
    const rows = this.database
      .prepare(
        `SELECT r.value AS reading ${from} ORDER BY json_extract(r.value, '$.origin') DESC, e.seq DESC, r.key LIMIT ? OFFSET ?`,
      )
      .all(...params, q.limit, q.offset) as { reading: string }[];
    return { totalCount, readings: rows.map((r) => parseEdgexJson(r.reading, 'reading') as Reading) };
  }

  async deleteEvents(criteria: DeleteCriteria, includePending: boolean): Promise<number> {
    const d = await this.call<{ deleted: number; pending: number }>('deleteEvents', criteria, includePending);
    this.total -= d.deleted;
    this.pendingCount -= d.pending;
    return d.deleted;
  }

  async stats(): Promise<StoreStats> {
    const db = this.database;
    const oldest = db.prepare('SELECT received_at FROM events WHERE state = 0 ORDER BY seq LIMIT 1').get() as
      | { received_at: number }
      | undefined;
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const pages = db.pragma('page_count', { simple: true }) as number;
    const free = db.pragma('freelist_count', { simple: true }) as number;
    return {
      total: this.total,
      pending: this.pendingCount,
      oldestPendingReceivedAt: oldest?.received_at,
      bytes: (pages - free) * pageSize,
    };
  }

  async purge(policy: RetentionPolicy): Promise<PurgeResult> {
    const r = await this.call<{ result: PurgeResult; removed: number; removedPending: number; droppedIds: string[] }>(
      'purge',
      policy,
      this.total,
    );
    this.total -= r.removed;
    this.pendingCount -= r.removedPending;
    return r.droppedIds.length ? { ...r.result, droppedIds: r.droppedIds } : r.result;
  }
}

/**
 * WHERE clause for event queries. A device filter is split by state so that forwarded events use their partial
 * device index and pending ones their pending index.
 */
function eventFilter(q: EventQuery): { where: string; params: unknown[] } {
  const clauses: string[] = ['1 = 1'];
  const params: unknown[] = [];
  if (q.deviceName !== undefined) {
    clauses.push('((state = 1 AND device = ?) OR (state = 0 AND device = ?))');
    params.push(q.deviceName, q.deviceName);
  }
  if (q.start !== undefined) {
    clauses.push('origin >= ?');
    params.push(q.start);
  }
  if (q.end !== undefined) {
    clauses.push('origin <= ?');
    params.push(q.end);
  }
  return { where: clauses.join(' AND '), params };
}
