import type Database from 'better-sqlite3';

const NEEDS_ESCAPE = /[ ,=\\]/;

/** Line-protocol escaping of a measurement, tag key or tag value. */
const escapeKey = (s: string) => (NEEDS_ESCAPE.test(s) ? s.replace(/[ ,=\\]/g, (c) => `\\${c}`) : s);

/**
 * The series identity InfluxDB gives a point: measurement and its tags, sorted by key. Computed for every point
 * written, so keys already in order (as the sink's points carry them) are not sorted again.
 */
export function seriesKey(measurement: string, tags: Record<string, string>): string {
  const keys = Object.keys(tags);
  for (let i = 1; i < keys.length; i++) {
    if ((keys[i - 1] as string) > (keys[i] as string)) {
      keys.sort();
      break;
    }
  }
  let out = escapeKey(measurement);
  for (const k of keys) out += `,${escapeKey(k)}=${escapeKey(tags[k] ?? '')}`;
  return out;
}

/**
 * Version 3: one B-tree, keyed (measurement, device, time, series). That key serves the queries (a device's
 * range, a measurement's latest per device) and is the InfluxDB identity too, since the series names its
 * measurement and device. Version 2 kept the points by (series, time) with an index by (measurement, device, time).
 * Each point then went into two trees at a device's place. Writes touched twice the pages (at 10,000 devices:
 * twice the page writes, fsynced).
 */
const SCHEMA_V3 = `CREATE TABLE IF NOT EXISTS points (
  measurement TEXT NOT NULL, device TEXT NOT NULL, time_ns INTEGER NOT NULL, series TEXT NOT NULL,
  body TEXT NOT NULL, PRIMARY KEY (measurement, device, time_ns, series)) WITHOUT ROWID;`;

/** The upsert every writer uses: a point again (a replay) overwrites its body. */
export const UPSERT_POINT = `INSERT INTO points (series, time_ns, measurement, device, body) VALUES (?, ?, ?, ?, ?)
  ON CONFLICT (measurement, device, time_ns, series) DO UPDATE SET body = excluded.body`;

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
 * Creates the point table (version 3), or brings an older file to it in one transaction without losing a point:
 * version 2 re-keyed; version 1 (points kept as line protocol, tags only inside the series key) with its tags and
 * fields as JSON.
 */
export function migratePointStore(db: Database.Database): void {
  const columns = db.prepare("SELECT name FROM pragma_table_info('points')").all() as Array<{ name: string }>;
  if (columns.length === 0) {
    db.exec(SCHEMA_V3);
    db.pragma('user_version = 3');
  } else if (columns.some((c) => c.name === 'line')) {
    fromVersion1(db);
  } else if ((db.pragma('user_version', { simple: true }) as number) < 3) {
    // Version 2 to 3: the same rows, re-keyed, in one transaction.
    db.transaction(() => {
      db.exec('ALTER TABLE points RENAME TO points_v2; DROP INDEX IF EXISTS points_by_measurement;');
      db.exec(SCHEMA_V3);
      db.exec(
        'INSERT INTO points (measurement, device, time_ns, series, body) SELECT measurement, device, time_ns, series, body FROM points_v2',
      );
      db.exec('DROP TABLE points_v2');
      db.pragma('user_version = 3');
    })();
  }
}

/** A version 1 file (points kept as line protocol, tags only inside the series key) to version 3. */
function fromVersion1(db: Database.Database): void {
  db.transaction(() => {
    db.exec('ALTER TABLE points RENAME TO points_v1; DROP INDEX IF EXISTS points_by_measurement;');
    db.exec(SCHEMA_V3);
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
    db.pragma('user_version = 3');
  })();
}
