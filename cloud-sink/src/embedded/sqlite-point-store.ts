import type { Point } from '@influxdata/influxdb-client';
import Database from 'better-sqlite3';
import type { PointWriter } from '../influx/point-writer.js';

/** Splits line protocol at unescaped `sep` characters (line protocol escapes with a backslash). */
function splitUnescaped(s: string, sep: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === sep) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(s.slice(start));
  return parts;
}

const unescapeLp = (s: string) => s.replace(/\\(.)/g, '$1');

export interface StoredPoint {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, number>;
  /** Unix ns as a decimal string. */
  time: string;
}

/**
 * The embedded sink's point store: the points the sink would write to InfluxDB, kept in a local SQLite file with
 * the same identity InfluxDB gives them (series + timestamp), so a re-delivered batch overwrites instead of
 * duplicating. `lineProtocol()` exports them for `influx write` later. Points older than the retention go.
 */
export class SqlitePointStore implements PointWriter {
  private readonly db: Database.Database;
  private readonly upsert: Database.Statement;
  private lastPurge = 0;

  constructor(
    path: string,
    private readonly retentionMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS points (
      series TEXT NOT NULL, time_ns INTEGER NOT NULL, measurement TEXT NOT NULL, device TEXT NOT NULL,
      fields TEXT NOT NULL, line TEXT NOT NULL, PRIMARY KEY (series, time_ns)) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS points_by_measurement ON points (measurement, device, time_ns);`);
    this.upsert = this.db.prepare(
      `INSERT INTO points (series, time_ns, measurement, device, fields, line) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (series, time_ns) DO UPDATE SET fields = excluded.fields, line = excluded.line`,
    );
  }

  async write(points: Point[]): Promise<void> {
    const rows = points.flatMap((p) => {
      const line = p.toLineProtocol();
      if (!line) return [];
      const [series = '', , time = '0'] = splitUnescaped(line, ' ');
      const [measurement = '', ...tags] = splitUnescaped(series, ',');
      const device = tags.find((t) => t.startsWith('device='))?.slice('device='.length) ?? '';
      const fields = Object.fromEntries(Object.entries(p.fields).map(([k, v]) => [k, Number.parseFloat(v)]));
      return [
        [series, BigInt(time), unescapeLp(measurement), unescapeLp(device), JSON.stringify(fields), line] as const,
      ];
    });
    this.db.transaction(() => {
      for (const r of rows) this.upsert.run(...r);
    })();
    if (this.now() - this.lastPurge > 3_600_000) this.purge();
  }

  purge(): number {
    this.lastPurge = this.now();
    const cutoff = BigInt(this.now() - this.retentionMs) * 1_000_000n;
    return this.db.prepare('DELETE FROM points WHERE time_ns < ?').run(cutoff).changes;
  }

  count(measurement?: string): number {
    const row = measurement
      ? this.db.prepare('SELECT count(*) AS n FROM points WHERE measurement = ?').get(measurement)
      : this.db.prepare('SELECT count(*) AS n FROM points').get();
    return (row as { n: number }).n;
  }

  /** The newest point of `measurement` per device. */
  latest(measurement: string): StoredPoint[] {
    const rows = this.db
      .prepare(
        `SELECT series, fields, max(time_ns) AS time_ns FROM points WHERE measurement = ? GROUP BY device ORDER BY device`,
      )
      .safeIntegers(true)
      .all(measurement) as Array<{ series: string; fields: string; time_ns: bigint }>;
    return rows.map((r) => {
      const [m = '', ...tags] = splitUnescaped(r.series, ',');
      return {
        measurement: unescapeLp(m),
        tags: Object.fromEntries(tags.map((t) => splitUnescaped(t, '=').map(unescapeLp) as [string, string])),
        fields: JSON.parse(r.fields) as Record<string, number>,
        time: r.time_ns.toString(),
      };
    });
  }

  /** Every stored point as InfluxDB line protocol, oldest first. */
  *lineProtocol(): Generator<string> {
    for (const r of this.db.prepare('SELECT line FROM points ORDER BY time_ns').iterate())
      yield (r as { line: string }).line;
  }

  async ping(): Promise<boolean> {
    return this.db.open;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
