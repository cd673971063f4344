// The embedded point store's only writer, on a thread of its own: a commit's fsync no longer holds the gateway's
// event loop (point writes were its longest stalls under a fleet, 10–50 ms on a busy disk). Plain JavaScript so
// that it loads the same way from sources (tests) and from dist. Protocol: { id, op, args } in, { id, ok,
// result | error } out (shared/worker-calls).
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const db = new Database(workerData.path);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = 5000');
// A checkpoint copies every page changed since the last one from the WAL into the database once, however often it
// changed. A fleet's points land on each device's own page of the tree, so with SQLite's default (1,000 pages) a
// checkpoint came every other commit at 10,000 devices and nearly every page was written twice. Up to 16,000 pages
// (a WAL of up to 64 MB) wrote 16 % fewer bytes per reading there (51 to 43 KB, a writer's SD card wears by bytes).
db.pragma('wal_autocheckpoint = 16000');
// The statement comes from the schema module (point-store-schema.ts), which this plain script cannot import.
const upsert = db.prepare(workerData.upsert);

/** @param {Array<string|bigint>} rows flat: series, time_ns, measurement, device, body, series, ... */
function write(rows) {
  db.transaction(() => {
    for (let k = 0; k < rows.length; k += 5) upsert.run(rows[k], rows[k + 1], rows[k + 2], rows[k + 3], rows[k + 4]);
  })();
  return null;
}

/** @param {bigint} cutoffNs */
function purge(cutoffNs) {
  return db.prepare('DELETE FROM points WHERE time_ns < ?').run(cutoffNs).changes;
}

const ops = { write, purge };

parentPort.on('message', ({ id, op, args }) => {
  if (op === 'close') {
    db.close();
    parentPort.postMessage({ id, ok: true, result: null });
    parentPort.close();
    return;
  }
  try {
    parentPort.postMessage({ id, ok: true, result: ops[op](...args) });
  } catch (err) {
    parentPort.postMessage({ id, ok: false, error: { message: err.message, code: err.code } });
  }
});
parentPort.postMessage({ ready: true });
