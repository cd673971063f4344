import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir } from '@hvac-edge/test/support';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { seriesKey } from '../src/embedded/point-store-schema.js';
import { SqlitePointStore } from '../src/embedded/sqlite-point-store.js';
import type { PointRecord } from '../src/points.js';

let dir = '';
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const NOW = Date.UTC(2026, 10, 23);
const ns = (ms: number) => String(BigInt(ms) * 1_000_000n);
const point = (device: string, atMs: number, t: number): PointRecord => ({
  measurement: 'climate',
  tags: { device, location: 'server room 2' },
  fields: { temperature: t, weather_stat: 6 },
  integers: ['weather_stat'],
  time: ns(atMs),
});

/** A points file as an older version wrote it: its schema, then its rows; the file's path. */
async function olderFile(schema: string, insert: string, rows: unknown[][]): Promise<string> {
  dir = await makeTempDir('points');
  const path = join(dir, 'p.db');
  const db = new Database(path);
  db.exec(schema);
  const statement = db.prepare(insert);
  for (const row of rows) statement.run(...row);
  db.close();
  return path;
}

describe('seriesKey', () => {
  it("is InfluxDB's series identity: tags sorted by key, line-protocol escapes, in whatever order the tags come", () => {
    const key = 'climate,device=a\\,b,location=server\\ room\\ 2,x\\=y=1';
    expect(seriesKey('climate', { device: 'a,b', location: 'server room 2', 'x=y': '1' })).toBe(key);
    expect(seriesKey('climate', { 'x=y': '1', location: 'server room 2', device: 'a,b' })).toBe(key);
    expect(seriesKey('hvac recommendation', {})).toBe('hvac\\ recommendation');
  });
});

describe('SqlitePointStore (the embedded sink point store)', () => {
  it('is idempotent per series and timestamp, answers the newest point per device, and queries ranges', async () => {
    dir = await makeTempDir('points');
    const store = new SqlitePointStore(join(dir, 'p.db'), 86_400_000, () => NOW);
    await store.write([point('a', NOW - 2000, 20), point('a', NOW - 1000, 21), point('b', NOW - 1000, 30)]);
    await store.write([point('a', NOW - 1000, 21.5)]); // the same point again (a replay): overwritten, not added
    expect(store.count('climate')).toBe(3);
    const latest = store.latest('climate');
    expect(latest.map((p) => [p.tags.device, p.fields.temperature, p.time])).toEqual([
      ['a', 21.5, ns(NOW - 1000)],
      ['b', 30, ns(NOW - 1000)],
    ]);
    expect(latest[0]).toEqual(point('a', NOW - 1000, 21.5));
    expect(store.query({ measurement: 'climate', device: 'a' })).toEqual([
      point('a', NOW - 2000, 20),
      point('a', NOW - 1000, 21.5),
    ]);
    expect(store.query({ measurement: 'climate', from: BigInt(ns(NOW - 1000)) }).map((p) => p.tags.device)).toEqual([
      'a',
      'b',
    ]);
    expect(store.query({ measurement: 'climate', device: 'a', limit: 1 })).toEqual([point('a', NOW - 1000, 21.5)]);
    await store.close();
  });

  it('drops points past the retention', async () => {
    dir = await makeTempDir('points');
    const store = new SqlitePointStore(join(dir, 'p.db'), 60_000, () => NOW);
    // The first write of the hour purges.
    await store.write([point('a', NOW - 120_000, 20), point('a', NOW - 30_000, 21)]);
    expect(store.count()).toBe(1);
    expect(await store.purge()).toBe(0);
    await store.close();
  });

  it('brings a version 1 file (points as line protocol) to the current version without losing a point', async () => {
    const series = 'climate,device=a,location=server\\ room\\ 2';
    const path = await olderFile(
      `CREATE TABLE points (
      series TEXT NOT NULL, time_ns INTEGER NOT NULL, measurement TEXT NOT NULL, device TEXT NOT NULL,
      fields TEXT NOT NULL, line TEXT NOT NULL, PRIMARY KEY (series, time_ns)) WITHOUT ROWID;
      CREATE INDEX points_by_measurement ON points (measurement, device, time_ns);`,
      'INSERT INTO points VALUES (?, ?, ?, ?, ?, ?)',
      [
        [
          series,
          BigInt(ns(NOW - 1000)),
          'climate',
          'a',
          JSON.stringify({ temperature: 21.5, weather_stat: 6 }),
          `${series} temperature=21.5,weather_stat=6i ${ns(NOW - 1000)}`,
        ],
      ],
    );
    const store = new SqlitePointStore(path, 86_400_000, () => NOW);
    expect(store.query({ measurement: 'climate' })).toEqual([point('a', NOW - 1000, 21.5)]);
    await store.write([point('a', NOW - 1000, 22)]); // the same series and time: still one point
    expect(store.count()).toBe(1);
    await store.close();
  });

  it('brings a version 2 file (points by series, an index by device) to one tree keyed by device, every point kept', async () => {
    const written = [point('a', NOW - 2000, 20), point('a', NOW - 1000, 21), point('b', NOW - 1000, 30)];
    const path = await olderFile(
      `CREATE TABLE points (
      series TEXT NOT NULL, time_ns INTEGER NOT NULL, measurement TEXT NOT NULL, device TEXT NOT NULL,
      body TEXT NOT NULL, PRIMARY KEY (series, time_ns)) WITHOUT ROWID;
      CREATE INDEX points_by_measurement ON points (measurement, device, time_ns);
      PRAGMA user_version = 2;`,
      'INSERT INTO points VALUES (?, ?, ?, ?, ?)',
      written.map((p) => [
        `climate,device=${p.tags.device},location=server\\ room\\ 2`,
        BigInt(p.time),
        'climate',
        p.tags.device,
        JSON.stringify({ tags: p.tags, fields: p.fields, integers: p.integers }),
      ]),
    );
    const store = new SqlitePointStore(path, 86_400_000, () => NOW);
    expect(store.query({ measurement: 'climate' })).toEqual(written);
    expect(store.query({ measurement: 'climate', device: 'a' })).toEqual(written.slice(0, 2));
    await store.write([point('a', NOW - 1000, 22)]); // the same series and time: overwritten, not added
    expect(store.count()).toBe(3);
    expect(store.query({ measurement: 'climate', device: 'a' }).at(-1)?.fields.temperature).toBe(22);
    await store.close();
    const reopened = new Database(path);
    expect(reopened.pragma('user_version', { simple: true })).toBe(3);
    expect(
      reopened.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'points_by_measurement'").get(),
    ).toEqual({ n: 0 });
    reopened.close();
  });
});
