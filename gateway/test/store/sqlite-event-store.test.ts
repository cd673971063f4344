import { rm } from 'node:fs/promises';
import { makeAddEventRequest, makeTempDir } from '@hvac-edge/test/support';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../helpers.js';
import { eventStoreContract } from './event-store.contract.js';

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
  const event = (deviceName: string) => makeAddEventRequest({ deviceName }).event;

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
