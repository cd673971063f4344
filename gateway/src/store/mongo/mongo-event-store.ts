import { type EdgexEvent, PoisonError, type Reading, stringifyEvent, UnavailableError } from '@hvac-edge/shared';
import { type Collection, type Db, MongoClient, MongoServerError, type WriteConcernSettings } from 'mongodb';
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
import { DuplicateEventError } from '../event-store.js';
import { ensureIndexes } from './indexes.js';
import {
  type Counter,
  type EventDoc,
  eventFilter,
  readingsPipeline,
  toStored,
  unavailable,
} from './mongo-documents.js';

export interface MongoStoreOptions {
  url: string;
  database: string;
  collection: string;
  /** Journaled by default: an acknowledged event is on the primary's disk. */
  writeConcern?: WriteConcernSettings;
  /** Server selection and connect timeout: how fast an outage turns into 503. */
  timeoutMs?: number;
  now?: () => number;
}

interface Queued {
  event: EdgexEvent;
  json: string;
  resolve: (r: AppendResult) => void;
  reject: (e: unknown) => void;
}

const BATCH = 1000;

/**
 * MongoDB's per-document write errors that the document itself causes (too large, nested too deep, invalid BSON,
 * failed validation): the same document can never be written. Any other code may pass, and is retried.
 */
const DOCUMENT_ERRORS = new Set([2, 15, 22, 121, 10334, 17419, 17420]);

function writeError(code: number, id: string): Error {
  if (code === 11000) return new DuplicateEventError(id);
  if (DOCUMENT_ERRORS.has(code)) return new PoisonError(`MongoDB cannot store event ${id} (error code ${code})`);
  return new Error(`MongoDB write error ${code} for event ${id}`);
}

/**
 * EventStore on MongoDB through the official driver. Appends are group-committed: the appends that arrive while a
 * batch is being written share the next one (sequence numbers for the batch in two counter updates, then one
 * unordered insertMany with the journaled write concern). Duplicate ids are found before numbering, so duplicates
 * leave no gaps in device sequences; a batch that fails after it was numbered (the server went away mid-batch, or
 * another writer stored an id in between) does leave one, which a consumer sees as a gap, not as a loss: the
 * rejected appends were never acknowledged. While the server is away every call fails with a retriable
 * UnavailableError and `ping` is false; the driver reconnects by itself when it is back.
 */
export class MongoEventStore implements EventStore {
  readonly kind = 'mongodb';
  private client: MongoClient | undefined;
  private db: Db | undefined;
  private queue: Queued[] = [];
  private flushing: Promise<void> | undefined;
  private readonly now: () => number;
  private pendingCount = 0;

  constructor(private readonly options: MongoStoreOptions) {
    this.now = options.now ?? Date.now;
  }

  get pendingEvents(): number {
    return this.pendingCount;
  }

  private get events(): Collection<EventDoc> {
    if (!this.db) throw new UnavailableError('STORE_CLOSED', 'store is not open');
    return this.db.collection<EventDoc>(this.options.collection);
  }

  private get counters(): Collection<Counter> {
    if (!this.db) throw new UnavailableError('STORE_CLOSED', 'store is not open');
    return this.db.collection<Counter>(`${this.options.collection}_counters`);
  }

  async open(): Promise<void> {
    const timeout = this.options.timeoutMs ?? 3000;
    this.client = new MongoClient(this.options.url, {
      serverSelectionTimeoutMS: timeout,
      connectTimeoutMS: timeout,
      writeConcern: this.options.writeConcern ?? { w: 1, journal: true },
      retryWrites: false,
      // Origins are int64 nanoseconds: kept exact as bigints both ways.
      useBigInt64: true,
    });
    await this.client.connect();
    this.db = this.client.db(this.options.database);
    await ensureIndexes(this.events);
    this.pendingCount = await this.events.countDocuments({ state: 'pending' });
  }

  async close(): Promise<void> {
    await this.flushing;
    await this.client?.close();
    this.client = undefined;
    this.db = undefined;
  }

  async ping(): Promise<boolean> {
    try {
      await this.db?.command({ ping: 1 }, { timeoutMS: 1000 });
      return this.db !== undefined;
    } catch {
      return false;
    }
  }

  append(event: EdgexEvent): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ event, json: stringifyEvent(event), resolve, reject });
      if (!this.flushing) this.flushing = this.flushLoop();
    });
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, BATCH);
        await this.writeBatch(batch).catch((err: unknown) => {
          for (const q of batch) q.reject(unavailable(err));
        });
      }
    } finally {
      this.flushing = undefined;
    }
  }

  private async writeBatch(batch: Queued[]): Promise<void> {
    // First occurrence of an id in the batch wins; ids already stored are duplicates.
    const seen = new Set<string>();
    const fresh: Queued[] = [];
    const existing = new Set(
      (
        await this.events.find({ _id: { $in: batch.map((q) => q.event.id) } }, { projection: { _id: 1 } }).toArray()
      ).map((d) => d._id),
    );
    for (const q of batch) {
      if (existing.has(q.event.id) || seen.has(q.event.id)) q.reject(new DuplicateEventError(q.event.id));
      else {
        seen.add(q.event.id);
        fresh.push(q);
      }
    }
    if (fresh.length === 0) return;
    const last = await this.counters.findOneAndUpdate(
      { _id: 'seq' },
      { $inc: { value: fresh.length } },
      { upsert: true, returnDocument: 'after' },
    );
    let seq = (last?.value ?? fresh.length) - fresh.length;
    const perDevice = new Map<string, number>();
    for (const q of fresh) perDevice.set(q.event.deviceName, (perDevice.get(q.event.deviceName) ?? 0) + 1);
    const deviceNext = new Map<string, number>();
    for (const [device, n] of perDevice) {
      const c = await this.counters.findOneAndUpdate(
        { _id: `device:${device}` },
        { $inc: { value: n } },
        { upsert: true, returnDocument: 'after' },
      );
      deviceNext.set(device, (c?.value ?? n) - n);
    }
    const receivedAt = this.now();
    const docs = fresh.map((q): EventDoc => {
      const deviceSeq = (deviceNext.get(q.event.deviceName) ?? 0) + 1;
      deviceNext.set(q.event.deviceName, deviceSeq);
      seq += 1;
      return {
        _id: q.event.id,
        seq,
        deviceSeq,
        receivedAt,
        state: 'pending',
        deviceName: q.event.deviceName,
        origin: q.event.origin,
        bytes: Buffer.byteLength(q.json),
        json: q.json,
        readings: q.event.readings,
      };
    });
    let failed = new Map<number, unknown>();
    try {
      await this.events.insertMany(docs, { ordered: false });
    } catch (err) {
      // A concurrent writer stored one of these ids after our check: that append is a duplicate, the rest landed.
      if (!(err instanceof MongoServerError) || !('writeErrors' in err)) throw err;
      const errors = ([] as Array<{ index: number; code: number }>).concat(err.writeErrors as never);
      failed = new Map(errors.map((e) => [e.index, writeError(e.code, docs[e.index]?._id ?? '')]));
    }
    fresh.forEach((q, i) => {
      const d = docs[i] as EventDoc;
      const f = failed.get(i);
      if (f) q.reject(f);
      else {
        this.pendingCount += 1;
        q.resolve({ seq: d.seq, deviceSeq: d.deviceSeq, receivedAt: d.receivedAt });
      }
    });
  }

  private async run<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      throw unavailable(err);
    }
  }

  pending(limit: number, afterSeq = 0): Promise<StoredEvent[]> {
    return this.run(async () =>
      (
        await this.events
          .find({ state: 'pending', seq: { $gt: afterSeq } })
          .sort({ seq: 1 })
          .limit(limit)
          .toArray()
      ).map(toStored),
    );
  }

  markForwarded(seqs: readonly number[]): Promise<void> {
    return this.run(async () => {
      if (seqs.length === 0) return;
      const r = await this.events.updateMany(
        { seq: { $in: [...seqs] }, state: 'pending' },
        { $set: { state: 'forwarded' } },
      );
      this.pendingCount = Math.max(0, this.pendingCount - r.modifiedCount);
    });
  }

  getById(id: string): Promise<StoredEvent | undefined> {
    return this.run(async () => {
      const d = await this.events.findOne({ _id: id });
      return d ? toStored(d) : undefined;
    });
  }

  listEvents(query: EventQuery): Promise<{ totalCount: number; events: StoredEvent[] }> {
    return this.run(async () => {
      const filter = eventFilter(query);
      const [totalCount, docs] = await Promise.all([
        this.events.countDocuments(filter),
        this.events.find(filter).sort({ origin: -1, seq: -1 }).skip(query.offset).limit(query.limit).toArray(),
      ]);
      return { totalCount, events: docs.map(toStored) };
    });
  }

  countEvents(deviceName?: string): Promise<number> {
    return this.run(() => this.events.countDocuments(deviceName === undefined ? {} : { deviceName }));
  }

  countReadings(q: ReadingFilter): Promise<number> {
    return this.run(async () => {
      const total = await this.events.aggregate<{ n: number }>([...readingsPipeline(q), { $count: 'n' }]).toArray();
      return Number(total[0]?.n ?? 0);
    });
  }

  listReadings(query: ReadingQuery): Promise<{ totalCount: number; readings: Reading[] }> {
    return this.run(async () => {
      const [totalCount, page] = await Promise.all([
        this.countReadings(query),
        this.events
          .aggregate<{ readings: Reading }>([
            ...readingsPipeline(query),
            { $skip: query.offset },
            { $limit: query.limit },
            { $project: { _id: 0, readings: 1 } },
          ])
          .toArray(),
      ]);
      return { totalCount, readings: page.map((p) => p.readings) };
    });
  }

  deleteEvents(criteria: DeleteCriteria, includePending: boolean): Promise<number> {
    return this.run(async () => {
      const { deletedCount } = await this.events.deleteMany({
        ...(criteria.id !== undefined ? { _id: criteria.id } : {}),
        ...(criteria.deviceName !== undefined ? { deviceName: criteria.deviceName } : {}),
        ...(criteria.originBefore !== undefined ? { origin: { $lt: criteria.originBefore } } : {}),
        ...(includePending ? {} : { state: 'forwarded' as const }),
      });
      if (includePending) await this.recountPending();
      return deletedCount;
    });
  }

  /** After deletions that may take pending events, so back-pressure does not act on a stale count. */
  private async recountPending(): Promise<void> {
    this.pendingCount = await this.events.countDocuments({ state: 'pending' });
  }

  stats(): Promise<StoreStats> {
    return this.run(async () => {
      const [total, pending, oldest, bytes] = await Promise.all([
        this.events.countDocuments({}),
        this.events.countDocuments({ state: 'pending' }),
        this.events
          .find({ state: 'pending' })
          .sort({ seq: 1 })
          .limit(1)
          .project<{ receivedAt: number }>({ receivedAt: 1 })
          .toArray(),
        this.events.aggregate<{ b: number }>([{ $group: { _id: null, b: { $sum: '$bytes' } } }]).toArray(),
      ]);
      this.pendingCount = pending;
      return { total, pending, oldestPendingReceivedAt: oldest[0]?.receivedAt, bytes: bytes[0]?.b ?? 0 };
    });
  }

  purge(policy: RetentionPolicy): Promise<PurgeResult> {
    return this.run(async () => {
      const result: PurgeResult = {};
      if (policy.forwardedBefore > 0) {
        const n = (await this.events.deleteMany({ state: 'forwarded', receivedAt: { $lt: policy.forwardedBefore } }))
          .deletedCount;
        if (n > 0) result.forwarded_age = n;
      }
      if (policy.maxCap > 0) {
        const total = await this.events.countDocuments({});
        if (total > policy.maxCap) {
          const victims = await this.events
            .find({ state: 'forwarded' }, { projection: { _id: 1 } })
            .sort({ seq: 1 })
            .limit(total - policy.minCap)
            .toArray();
          const n = (await this.events.deleteMany({ _id: { $in: victims.map((v) => v._id) } })).deletedCount;
          if (n > 0) result.max_cap = n;
        }
      }
      if (policy.maxBytes > 0) {
        const { bytes } = await this.stats();
        if (bytes > policy.maxBytes) {
          let excess = bytes - policy.maxBytes;
          const ids: string[] = [];
          const cursor = this.events.find({}, { projection: { _id: 1, bytes: 1 } }).sort({ seq: 1 });
          for await (const d of cursor) {
            if (excess <= 0) break;
            ids.push(d._id);
            excess -= d.bytes;
          }
          await cursor.close();
          const n = (await this.events.deleteMany({ _id: { $in: ids } })).deletedCount;
          if (n > 0) {
            result.disk_budget = n;
            result.droppedIds = ids;
            await this.recountPending();
          }
        }
      }
      return result;
    });
  }
}
