import { copyFile, rm } from 'node:fs/promises';
import { makeAddEventRequest, makeTempDir } from '@hvac-edge/test/support';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../helpers.js';
import { eventStoreContract } from './event-store.contract.js';

const event = (deviceName: string) => makeAddEventRequest({ deviceName }).event;

eventStoreContract('sqlite (embedded)', () => {
  let now = 0;
  let dir: string | undefined;
  const open = (path: string) => openSqliteStore(path, () => now);
  let path = '';
  return {
    async create() {
      dir = await makeTempDir('sqlite');
      path = `${dir}/events.db`;
      return open(path);
    },
    async reopen(store) {
      await store.close();
      return open(path);
    },
    setNow(ms) {
      now = ms;
    },
    async destroy() {
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
});

describe('sqlite store: the group-commit window', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  // Each group gets the clock's next tick as its receivedAt: appends that share a receivedAt shared a commit.
  let tick = 0;
  const open = async (commitWindowMs: number, onCommit?: (events: number, seconds: number) => void) => {
    dir = await makeTempDir('sqlite-window');
    return openSqliteStore(`${dir}/events.db`, () => ++tick, { commitWindowMs, onCommit });
  };

  it('gathers appends of devices arriving one by one into one commit', async () => {
    const store = await open(300);
    const first = store.append(event('a'));
    await new Promise((r) => setTimeout(r, 20));
    const second = store.append(event('b'));
    const [ra, rb] = await Promise.all([first, second]);
    expect(ra.receivedAt).toBe(rb.receivedAt);
    await store.close();
  });

  it('does not hold a device that sends its next event on the answer to its last', async () => {
    const store = await open(60_000);
    // The first append of a device waits out the window: that is what a periodic device looks like.
    const windowed = await Promise.race([
      store.append(event('a')).then(() => 'committed'),
      new Promise((r) => setTimeout(() => r('waiting'), 200)),
    ]);
    expect(windowed).toBe('waiting');
    await store.close();
    const loop = await open(600);
    await loop.append(event('c'));
    // Answered just now: its next append goes at once, and takes a window that was open with it.
    const other = loop.append(event('d'));
    const next = await Promise.race([
      loop.append(event('c')).then(() => 'committed'),
      new Promise((r) => setTimeout(() => r('waiting'), 300)),
    ]);
    expect(next).toBe('committed');
    expect((await other).receivedAt).toBeGreaterThan(0);
    await loop.close();
  });

  it('reports each transaction once, with its events and its time', async () => {
    const commits: Array<{ events: number; seconds: number }> = [];
    const store = await open(0, (events, seconds) => commits.push({ events, seconds }));
    // 150 appends in one turn go to the writer as messages of 64, 64 and 22, which it may commit together; the
    // 151st repeats an id, is offered in a transaction all the same, and is refused.
    const events = Array.from({ length: 150 }, (_, i) => event(`room-${i % 7}`));
    const settled = await Promise.allSettled([...events.map((e) => store.append(e)), store.append(events[0]!)]);
    const stored = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    expect(stored).toHaveLength(150);
    expect(commits.reduce((n, c) => n + c.events, 0)).toBe(151);
    expect(commits.length).toBeGreaterThanOrEqual(1);
    expect(commits.length).toBeLessThanOrEqual(3);
    // One receivedAt per transaction (see `tick`): as many as the commits reported.
    expect(new Set(stored.map((r) => r.receivedAt)).size).toBe(commits.length);
    for (const c of commits) expect(c.seconds).toBeGreaterThan(0);
    await store.close();
  });
});

describe('sqlite store: per-device sequences after a crash', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  /**
   * The database and its WAL as they are on disk while the store runs (every answered append is in them), opened by
   * a new store without the old one closing: what a start after SIGKILL or a power cut finds.
   */
  const crashImage = async (store: { close(): Promise<void> }) => {
    await copyFile(`${dir}/a.db`, `${dir}/b.db`);
    await copyFile(`${dir}/a.db-wal`, `${dir}/b.db-wal`);
    await store.close();
    return openSqliteStore(`${dir}/b.db`);
  };
  // The sequence table is written at most hourly here: only the events themselves carry the sequences.
  const open = async () => {
    dir = await makeTempDir('sqlite-seq');
    return openSqliteStore(`${dir}/a.db`, undefined, { seqSaveIntervalMs: 3_600_000 });
  };

  it('continues each device from the events appended since its sequence was last written', async () => {
    const store = await open();
    for (let i = 0; i < 3; i++) await store.append(event('pi'));
    await store.append(event('other'));
    const after = await crashImage(store);
    expect((await after.append(event('pi'))).deviceSeq).toBe(4);
    expect((await after.append(event('other'))).deviceSeq).toBe(2);
    expect((await after.append(event('new'))).deviceSeq).toBe(1);
    await after.close();
  });

  it('keeps the sequence of a device whose events were deleted or purged before the crash', async () => {
    const store = await open();
    for (let i = 0; i < 3; i++) await store.append(event('pi'));
    const forwarded = [await store.append(event('q')), await store.append(event('q'))];
    expect(await store.deleteEvents({ deviceName: 'pi' }, true)).toBe(3);
    await store.markForwarded(forwarded.map((r) => r.seq));
    await store.purge({ forwardedBefore: Date.now() + 60_000, maxCap: 0, minCap: 0, maxBytes: 0 });
    expect(await store.stats()).toMatchObject({ total: 0 });
    const after = await crashImage(store);
    expect((await after.append(event('pi'))).deviceSeq).toBe(4);
    expect((await after.append(event('q'))).deviceSeq).toBe(3);
    await after.close();
  });

  it('opens a file written before the sequence table was written lazily', async () => {
    const store = await open();
    await store.append(event('pi'));
    await store.close();
    // Such a file has the table exact at every append and no mark of how far it goes.
    const raw = new Database(`${dir}/a.db`);
    raw.prepare('DROP TABLE device_seq_through').run();
    raw.close();
    const after = await openSqliteStore(`${dir}/a.db`);
    expect((await after.append(event('pi'))).deviceSeq).toBe(2);
    await after.close();
  });
});
