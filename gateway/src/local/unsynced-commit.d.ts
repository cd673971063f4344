import type { Database } from 'better-sqlite3';

/** See unsynced-commit.js (plain JavaScript, for the store's writer thread). */
export function commitUnsynced<T>(db: Database, synchronous: 'full' | 'normal', transaction: () => T): T;
