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
  const open = async (commitWindowMs: number) => {
    dir = await makeTempDir('sqlite-window');
    return openSqliteStore(`${dir}/events.db`, () => ++tick, { commitWindowMs });
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
});
