import { rm } from 'node:fs/promises';
import { makeTempDir } from '@hvac-edge/test/support';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store.js';
import { eventStoreContract } from './event-store.contract.js';

eventStoreContract('sqlite (embedded)', () => {
  let now = 0;
  let dir: string | undefined;
  const open = async (path: string) => {
    const s = new SqliteEventStore({ path, now: () => now });
    await s.open();
    return s;
  };
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
