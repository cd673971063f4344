// Plain JavaScript, like the store's writer thread that imports it (it loads the same way from sources and dist).

/**
 * Runs a better-sqlite3 transaction whose commit needs no fsync of its own, on a connection kept at `synchronous`:
 * at FULL it commits at NORMAL, and the connection is FULL again afterwards, also when the transaction throws. WAL
 * mode keeps the file consistent; a power cut may lose the commit. Only for writes that a later synced commit to the
 * same WAL covers (WAL recovery keeps a prefix of the frames), or that are made again if lost.
 * @template T
 * @param {import('better-sqlite3').Database} db
 * @param {'full' | 'normal'} synchronous the connection's own level
 * @param {() => T} transaction a db.transaction() function
 * @returns {T}
 */
export function commitUnsynced(db, synchronous, transaction) {
  if (synchronous === 'normal') return transaction();
  db.pragma('synchronous = NORMAL');
  try {
    return transaction();
  } finally {
    db.pragma('synchronous = FULL');
  }
}
