// The embedded store's only writer, on a thread of its own: while it commits one batch (and waits for fsync),
// the main thread goes on parsing and validating the next requests. Plain JavaScript so that it loads the same
// way from sources (tests) and from dist. Protocol: { id, op, args } in, { id, ok, result | error } out.
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { commitUnsynced } from '../../local/unsynced-commit.js';

const CHUNK = 500;
const { path, synchronous, seqSaveIntervalMs } = workerData;
const db = new Database(path);
db.pragma('journal_mode = WAL');
db.pragma(`synchronous = ${synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
db.pragma('busy_timeout = 5000');
// A statement that changes many rows inside a transaction (a forward mark, a purge) journals the pages it changes
// in case it fails alone. Past 64 KB that journal spilled to a temporary file, rewritten at every mark: over a third
// of this thread's bytes written at 10,000 devices. In memory it is bounded by CHUNK rows' pages.
db.pragma('temp_store = MEMORY');

const upsertSeq = db.prepare(
  'INSERT INTO device_seq (device, last) VALUES (?, ?) ON CONFLICT(device) DO UPDATE SET last = excluded.last',
);
const setSeqsThrough = db.prepare(
  'INSERT INTO device_seq_through (id, seq) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET seq = excluded.seq',
);
const insertEvent = db.prepare(
  `INSERT INTO events (id, device, origin, received_at, device_seq, state, body)
   VALUES (?, ?, ?, ?, ?, 0, ?) ON CONFLICT(id) DO NOTHING`,
);

/*
 * Per-device sequences reach device_seq lazily. Writing a device's row with every append cost a page of WAL per
 * event at a fleet of thousands of devices, about a fifth of the event store's bytes (flash wear on a Pi). The table
 * holds every device's last sequence as of event seq `device_seq_through`; each event after that holds its own. A
 * start reads the table and then the events since. The table is brought up to date inside any transaction that
 * deletes events (they may hold the only record of a device's last sequence), inside an append's transaction at
 * most every `seqSaveIntervalMs`, and at close.
 */
const storedThrough = db.prepare('SELECT seq FROM device_seq_through WHERE id = 1').pluck().get();
let lastSeq = db.prepare('SELECT COALESCE(MAX(seq), 0) FROM events').pluck().get();
// A file without the mark kept device_seq at every append: the table is exact as of its last event.
if (storedThrough === undefined) setSeqsThrough.run(lastSeq);
let seqsThrough = storedThrough ?? lastSeq;
const deviceSeq = new Map(
  db
    .prepare('SELECT device, last FROM device_seq')
    .all()
    .map((r) => [r.device, r.last]),
);
/** Devices whose sequence moved since device_seq was last written, with their last sequence. */
const unsaved = new Map();
for (const r of db
  .prepare('SELECT device, MAX(device_seq) AS last FROM events WHERE seq > ? GROUP BY device')
  .all(seqsThrough)) {
  if (r.last > (deviceSeq.get(r.device) ?? 0)) {
    deviceSeq.set(r.device, r.last);
    unsaved.set(r.device, r.last);
  }
}
let seqsSavedAt = performance.now();

/** Writes the unsaved sequences, and `own` (the calling transaction's), to device_seq; inside a transaction. */
function saveSeqs(own, through) {
  for (const [device, last] of unsaved) if (!own?.has(device)) upsertSeq.run(device, last);
  if (own) for (const [device, last] of own) upsertSeq.run(device, last);
  if (through !== seqsThrough) setSeqsThrough.run(through);
}

/** Once the transaction that called saveSeqs has committed. */
function seqsSaved(through) {
  unsaved.clear();
  seqsThrough = through;
  seqsSavedAt = performance.now();
}

const pageSize = db.pragma('page_size', { simple: true });

/** @param {Array<string|number>} rows flat: id, device, origin, body, id, device, ... */
function append(rows, receivedAt) {
  const next = new Map();
  const results = [];
  let through = lastSeq;
  let saving = false;
  db.transaction(() => {
    for (let k = 0; k < rows.length; k += 4) {
      const [id, device, origin, body] = [rows[k], rows[k + 1], rows[k + 2], rows[k + 3]];
      const seqForDevice = (next.get(device) ?? deviceSeq.get(device) ?? 0) + 1;
      const info = insertEvent.run(id, device, origin, receivedAt, seqForDevice, body);
      if (info.changes === 0) {
        results.push(null);
        continue;
      }
      next.set(device, seqForDevice);
      through = Number(info.lastInsertRowid);
      results.push({ seq: through, deviceSeq: seqForDevice, receivedAt });
    }
    saving = performance.now() - seqsSavedAt >= seqSaveIntervalMs;
    if (saving) saveSeqs(next, through);
  })();
  lastSeq = through;
  for (const [device, last] of next) deviceSeq.set(device, last);
  if (saving) seqsSaved(through);
  else for (const [device, last] of next) unsaved.set(device, last);
  return results;
}

function inChunks(values, sql) {
  let changes = 0;
  for (let i = 0; i < values.length; i += CHUNK) {
    const chunk = values.slice(i, i + CHUNK);
    changes += db.prepare(sql.replace('(?)', `(${chunk.map(() => '?').join(',')})`)).run(...chunk).changes;
  }
  return changes;
}

/*
 * A forward mark commits without an fsync of its own. Lost in a power cut, it only sends its events again (forwarding
 * is at least once; consumers drop duplicates by event id and per-device sequence), and the next append's fsync, of
 * the same WAL file, makes it durable anyway. At a small fleet each reading has an append and a mark of its own: this
 * halves the writer's fsyncs, each of which also holds up the next append group (several ms on an SD card).
 */
function markForwarded(seqs) {
  return commitUnsynced(
    db,
    synchronous,
    db.transaction(() => inChunks(seqs, 'UPDATE events SET state = 1 WHERE state = 0 AND seq IN (?)')),
  );
}

/** Deletes rows and reports how many were pending, so the main thread keeps its counters right. */
function deleteRows(rows) {
  if (rows.length === 0) return { deleted: 0, pending: 0 };
  db.transaction(() => {
    // The rows may hold a device's last sequence: it goes to device_seq first, in the same transaction.
    saveSeqs(undefined, lastSeq);
    inChunks(
      rows.map((r) => r.seq),
      'DELETE FROM events WHERE seq IN (?)',
    );
  })();
  seqsSaved(lastSeq);
  return { deleted: rows.length, pending: rows.filter((r) => r.state === 0).length };
}

/** @param {{ id?: string, deviceName?: string, originBefore?: bigint }} c */
function deleteEvents(c, includePending) {
  const where = [];
  const params = [];
  if (c.id !== undefined) where.push('id = ?') && params.push(c.id);
  if (c.deviceName !== undefined) where.push('device = ?') && params.push(c.deviceName);
  if (c.originBefore !== undefined) where.push('origin < ?') && params.push(c.originBefore);
  if (!includePending) where.push('state = 1');
  const sql = `SELECT seq, state FROM events WHERE ${where.length ? where.join(' AND ') : '1 = 1'}`;
  return deleteRows(db.prepare(sql).all(...params));
}

function usedBytes() {
  const pages = db.pragma('page_count', { simple: true });
  const free = db.pragma('freelist_count', { simple: true });
  return (pages - free) * pageSize;
}

function purge(policy, total) {
  const result = {};
  let removedPending = 0;
  let count = total;
  const droppedIds = [];
  const drop = (reason, rows) => {
    if (reason === 'disk_budget' && rows.length) {
      const marks = rows.map(() => '?').join(',');
      for (const r of db.prepare(`SELECT id FROM events WHERE seq IN (${marks})`).all(...rows.map((x) => x.seq)))
        droppedIds.push(r.id);
    }
    const d = deleteRows(rows);
    if (d.deleted) result[reason] = (result[reason] ?? 0) + d.deleted;
    removedPending += d.pending;
    count -= d.deleted;
    return d.deleted;
  };
  drop(
    'forwarded_age',
    db.prepare('SELECT seq, state FROM events WHERE state = 1 AND received_at < ?').all(policy.forwardedBefore),
  );
  if (policy.maxCap > 0 && count > policy.maxCap) {
    const excess = count - Math.min(policy.minCap, policy.maxCap);
    drop('max_cap', db.prepare('SELECT seq, state FROM events WHERE state = 1 ORDER BY seq LIMIT ?').all(excess));
  }
  if (policy.maxBytes > 0) {
    // Free about a tenth below the budget so that the next writes do not trip it again at once.
    const target = policy.maxBytes * 0.9;
    while (count > 0 && usedBytes() > target) {
      const oldest = db.prepare('SELECT seq, state FROM events ORDER BY seq LIMIT ?').all(CHUNK);
      if (drop('disk_budget', oldest) === 0) break;
    }
  }
  if (Object.keys(result).length) db.pragma('incremental_vacuum');
  return { result, removed: total - count, removedPending, droppedIds };
}

const ops = { markForwarded, deleteEvents, purge };

function reply(id, fn) {
  try {
    parentPort.postMessage({ id, ok: true, result: fn() });
  } catch (err) {
    parentPort.postMessage({ id, ok: false, error: { message: err.message, code: err.code } });
  }
}

/**
 * Group commit: every append message waiting in the port when the writer gets to it goes into one transaction
 * (one fsync). Messages keep their order; other operations run between append groups.
 */
function handle(first) {
  const messages = [first];
  for (let m = receiveMessageOnPort(parentPort); m; m = receiveMessageOnPort(parentPort)) messages.push(m.message);
  let i = 0;
  while (i < messages.length) {
    const msg = messages[i];
    if (msg.op === 'close') {
      try {
        db.transaction(() => saveSeqs(undefined, lastSeq))();
      } catch {
        // Nothing is lost: the next start reads the sequences of the events after the last mark.
      }
      db.close();
      parentPort.postMessage({ id: msg.id, ok: true, result: null });
      parentPort.close();
      return;
    }
    if (msg.op !== 'append') {
      reply(msg.id, () => ops[msg.op](...msg.args));
      i += 1;
      continue;
    }
    let j = i;
    while (j < messages.length && messages[j].op === 'append') j += 1;
    const group = messages.slice(i, j);
    const rows = group.flatMap((m) => m.args[0]);
    const receivedAt = group[group.length - 1].args[1];
    let results;
    // The transaction's time, fsync included: what a slow SD card or disk shows first.
    const started = performance.now();
    try {
      results = append(rows, receivedAt);
    } catch (err) {
      for (const m of group)
        parentPort.postMessage({ id: m.id, ok: false, error: { message: err.message, code: err.code } });
      i = j;
      continue;
    }
    const commit = { events: rows.length / 4, seconds: (performance.now() - started) / 1000 };
    let offset = 0;
    for (const m of group) {
      const n = m.args[0].length / 4;
      // The group's commit is reported once, with its first message's rows.
      const result = { rows: results.slice(offset, offset + n), ...(offset === 0 ? { commit } : {}) };
      parentPort.postMessage({ id: m.id, ok: true, result });
      offset += n;
    }
    i = j;
  }
}

parentPort.on('message', handle);
parentPort.postMessage({ ready: true });
