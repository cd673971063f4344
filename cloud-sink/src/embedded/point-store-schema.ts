import type Database from 'better-sqlite3';

/** Line-protocol escaping of a measurement, tag key or tag value. */
const escapeKey = (s: string) => s.replace(/[ ,=\\]/g, (c) => `\\${c}`);

/** The series identity InfluxDB gives a point: measurement and its tags, sorted by key. */
export function seriesKey(measurement: string, tags: Record<string, string>): string {
  const sorted = Object.keys(tags).sort();
  return [escapeKey(measurement), ...sorted.map((k) => `${escapeKey(k)}=${escapeKey(tags[k] ?? '')}`)].join(',');
}

const SCHEMA_V2 = `CREATE TABLE IF NOT EXISTS points (
  series TEXT NOT NULL, time_ns INTEGER NOT NULL, measurement TEXT NOT NULL, device TEXT NOT NULL,
  body TEXT NOT NULL, PRIMARY KEY (series, time_ns)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS points_by_measurement ON points (measurement, device, time_ns);`;

/** Splits an escaped series key at unescaped `sep` characters (version 1 files only). */
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

/**
 * Creates the point table, or brings a version 1 file (points kept as line protocol, tags only inside the series
 * key) to version 2 (tags and fields as JSON) in one transaction, without losing a point.
 */
export function migratePointStore(db: Database.Database): void {
  const columns = db.prepare("SELECT name FROM pragma_table_info('points')").all() as Array<{ name: string }>;
  if (!columns.some((c) => c.name === 'line')) {
    db.exec(SCHEMA_V2);
    db.pragma('user_version = 2');
    return;
  }
  db.transaction(() => {
    db.exec('ALTER TABLE points RENAME TO points_v1; DROP INDEX IF EXISTS points_by_measurement;');
    db.exec(SCHEMA_V2);
    const insert = db.prepare('INSERT INTO points (series, time_ns, measurement, device, body) VALUES (?, ?, ?, ?, ?)');
    // In key order, a chunk at a time: the connection cannot write while it iterates, and a month of points need
    // not fit in memory at once.
    const chunk = db
      .prepare(
        `SELECT series, time_ns, measurement, device, fields, line FROM points_v1
         WHERE (series, time_ns) > (?, ?) ORDER BY series, time_ns LIMIT 5000`,
      )
      .safeIntegers(true);
    let after: [string, bigint] = ['', -1n];
    for (;;) {
      const rows = chunk.all(...after) as Array<Record<string, string | bigint>>;
      for (const r of rows) {
        const [, ...pairs] = splitUnescaped(String(r.series), ',');
        const tags = Object.fromEntries(pairs.map((t) => splitUnescaped(t, '=').map(unescapeLp) as [string, string]));
        const fieldsPart = splitUnescaped(String(r.line), ' ')[1] ?? '';
        const integers = splitUnescaped(fieldsPart, ',')
          .filter((f) => /=-?\d+i$/.test(f))
          .map((f) => unescapeLp(splitUnescaped(f, '=')[0] ?? ''));
        const body = { tags, fields: JSON.parse(String(r.fields)), ...(integers.length ? { integers } : {}) };
        insert.run(seriesKey(String(r.measurement), tags), r.time_ns, r.measurement, r.device, JSON.stringify(body));
      }
      const last = rows.at(-1);
      if (!last) break;
      after = [String(last.series), last.time_ns as bigint];
    }
    db.exec('DROP TABLE points_v1');
    db.pragma('user_version = 2');
  })();
}
