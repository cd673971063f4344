import { Worker } from 'node:worker_threads';
import { UnavailableError, WorkerCalls } from '@hvac-edge/shared';
import Database from 'better-sqlite3';
import type { PointWriter } from '../influx/point-writer.js';
import type { PointRecord } from '../points.js';
import { migratePointStore, seriesKey, UPSERT_POINT } from './point-store-schema.js';

export interface PointQuery {
  measurement: string;
  device?: string;
  /** Unix ns, inclusive. */
  from?: bigint;
  to?: bigint;
  /** Newest first past this many. */
  limit?: number;
}

export type Aggregation = 'min' | 'max' | 'mean' | 'last';

/** One field of one measurement over a time range, in buckets of `stepNs`, each bucket aggregated. */
export interface SeriesQuery {
  measurement: string;
  device?: string;
  /** A field name: letters, digits and underscores. */
  field: string;
  fromNs: bigint;
  toNs: bigint;
  stepNs: bigint;
  agg: Aggregation;
}

export const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

interface Row {
  time_ns: bigint;
  measurement: string;
  body: string;
}

const toRecord = (r: Row): PointRecord => ({
  measurement: r.measurement,
  ...(JSON.parse(r.body) as Pick<PointRecord, 'tags' | 'fields' | 'integers'>),
  time: r.time_ns.toString(),
});

/**
 * The embedded sink's point store: the points the sink would write to InfluxDB, kept in a local SQLite file with
 * the same identity InfluxDB gives them (series + timestamp), so a re-delivered batch overwrites instead of
 * duplicating. Points older than the retention go. Writes (and their fsync) run on a writer thread, so that a slow
 * disk does not stall the process that ingests; reads use this thread's connection, alongside it (WAL).
 */
export class SqlitePointStore implements PointWriter {
  private readonly db: Database.Database;
  private readonly writer = new WorkerCalls(
    (reason) => new UnavailableError('POINT_STORE_UNAVAILABLE', `point store writer ${reason}`),
  );
  private starting: Promise<void> | undefined;
  private lastPurge = 0;

  constructor(
    private readonly path: string,
    private readonly retentionMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    migratePointStore(this.db);
  }

  /** The writer thread, started at the first write (and again after it failed). */
  private async started(): Promise<WorkerCalls> {
    if (!this.writer.running) {
      this.starting ??= this.writer
        .start(
          new Worker(new URL('./point-writer-worker.js', import.meta.url), {
            workerData: { path: this.path, upsert: UPSERT_POINT },
          }),
        )
        .finally(() => {
          this.starting = undefined;
        });
      await this.starting;
    }
    return this.writer;
  }

  async write(points: PointRecord[]): Promise<void> {
    const rows: Array<string | bigint> = [];
    for (const p of points) {
      const body = JSON.stringify({ tags: p.tags, fields: p.fields, ...(p.integers ? { integers: p.integers } : {}) });
      rows.push(seriesKey(p.measurement, p.tags), BigInt(p.time), p.measurement, p.tags.device ?? '', body);
    }
    const writer = await this.started();
    await writer.call('write', rows);
    if (this.now() - this.lastPurge > 3_600_000) await this.purge();
  }

  /** Deletes the points past the retention; how many. */
  async purge(): Promise<number> {
    this.lastPurge = this.now();
    const cutoff = BigInt(this.now() - this.retentionMs) * 1_000_000n;
    return (await this.started()).call<number>('purge', cutoff);
  }

  count(measurement?: string): number {
    const row = measurement
      ? this.db.prepare('SELECT count(*) AS n FROM points WHERE measurement = ?').get(measurement)
      : this.db.prepare('SELECT count(*) AS n FROM points').get();
    return (row as { n: number }).n;
  }

  /** Points of one measurement (optionally one device and a time range), oldest first; the newest `limit`. */
  query(q: PointQuery): PointRecord[] {
    const where = ['measurement = ?'];
    const params: unknown[] = [q.measurement];
    if (q.device !== undefined) {
      where.push('device = ?');
      params.push(q.device);
    }
    if (q.from !== undefined) {
      where.push('time_ns >= ?');
      params.push(q.from);
    }
    if (q.to !== undefined) {
      where.push('time_ns <= ?');
      params.push(q.to);
    }
    const rows = this.db
      .prepare(
        `SELECT time_ns, measurement, body FROM points WHERE ${where.join(' AND ')} ORDER BY time_ns DESC, series DESC LIMIT ?`,
      )
      .safeIntegers(true)
      .all(...params, q.limit ?? -1) as Row[];
    return rows.reverse().map(toRecord);
  }

  /**
   * [bucket start (Unix ms), value] pairs, oldest first; buckets without the field are left out. The caller bounds
   * the number of buckets; the scan is the (measurement, device, time) index's range.
   */
  series(q: SeriesQuery): Array<[number, number]> {
    if (!FIELD_NAME.test(q.field)) throw new RangeError(`field must match ${FIELD_NAME}`);
    const value = `json_extract(body, '$.fields.${q.field}')`;
    // SQLite returns the other columns of the row that gave max(): the last value of the bucket.
    const agg = { min: `min(${value})`, max: `max(${value})`, mean: `avg(${value})`, last: value }[q.agg];
    const rows = this.db
      .prepare(
        `SELECT time_ns / ? AS bucket, ${agg} AS v${q.agg === 'last' ? ', max(time_ns) AS t' : ''}
         FROM points WHERE measurement = ?${q.device === undefined ? '' : ' AND device = ?'}
           AND time_ns >= ? AND time_ns <= ? AND ${value} IS NOT NULL
         GROUP BY bucket ORDER BY bucket`,
      )
      .safeIntegers(true)
      .all(q.stepNs, q.measurement, ...(q.device === undefined ? [] : [q.device]), q.fromNs, q.toNs) as Array<{
      bucket: bigint;
      v: number | bigint;
    }>;
    return rows.map((r) => [Number((r.bucket * q.stepNs) / 1_000_000n), Number(r.v)]);
  }

  /** The newest point of `measurement` per device. */
  latest(measurement: string): PointRecord[] {
    const rows = this.db
      .prepare(
        `SELECT measurement, body, max(time_ns) AS time_ns FROM points WHERE measurement = ? GROUP BY device ORDER BY device`,
      )
      .safeIntegers(true)
      .all(measurement) as Row[];
    return rows.map(toRecord);
  }

  async ping(): Promise<boolean> {
    return this.db.open;
  }

  async close(): Promise<void> {
    await this.starting?.catch(() => {});
    await this.writer.stop();
    if (this.db.open) this.db.close();
  }
}
