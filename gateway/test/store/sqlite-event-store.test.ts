import { rm } from 'node:fs/promises';
import { makeTempDir } from '@hvac-edge/test/support';
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
