import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir } from '@hvac-edge/test/support';
import { Point } from '@influxdata/influxdb-client';
import { afterEach, describe, expect, it } from 'vitest';
import { SqlitePointStore } from '../src/embedded/sqlite-point-store.js';

let dir = '';
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const NOW = Date.UTC(2026, 10, 23);
const point = (device: string, atMs: number, t: number) =>
  new Point('climate')
    .tag('device', device)
    .tag('location', 'server room 2')
    .floatField('temperature', t)
    .intField('weather_stat', 6)
    .timestamp(String(BigInt(atMs) * 1_000_000n));

describe('SqlitePointStore (the embedded sink point store)', () => {
  it('is idempotent per series and timestamp, answers the newest point per device, and exports line protocol', async () => {
    dir = await makeTempDir('points');
    const store = new SqlitePointStore(join(dir, 'p.db'), 86_400_000, () => NOW);
    await store.write([point('a', NOW - 2000, 20), point('a', NOW - 1000, 21), point('b', NOW - 1000, 30)]);
    await store.write([point('a', NOW - 1000, 21.5)]); // the same point again (a replay): overwritten, not added
    expect(store.count('climate')).toBe(3);
    const latest = store.latest('climate');
    expect(latest.map((p) => [p.tags.device, p.fields.temperature, p.time])).toEqual([
      ['a', 21.5, String(BigInt(NOW - 1000) * 1_000_000n)],
      ['b', 30, String(BigInt(NOW - 1000) * 1_000_000n)],
    ]);
    expect(latest[0]?.tags.location).toBe('server room 2');
    expect(latest[0]?.fields.weather_stat).toBe(6);
    const lines = [...store.lineProtocol()];
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(
      `climate,device=a,location=server\\ room\\ 2 temperature=20,weather_stat=6i ${NOW - 2000}000000`,
    );
    await store.close();
  });

  it('drops points past the retention', async () => {
    dir = await makeTempDir('points');
    const store = new SqlitePointStore(join(dir, 'p.db'), 60_000, () => NOW);
    // The first write of the hour purges.
    await store.write([point('a', NOW - 120_000, 20), point('a', NOW - 30_000, 21)]);
    expect(store.count()).toBe(1);
    expect(store.purge()).toBe(0);
    await store.close();
  });
});
