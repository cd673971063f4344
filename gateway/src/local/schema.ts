/**
 * The gateway's SQLite schema (version 1; every statement is idempotent, so files written before this split open
 * unchanged).
 *
 * Event tables: the write path decides the indexes. Every index that an append touches at a random place costs a
 * page written to the WAL per event. Appends therefore touch only the table (append), the unique id index (needed to
 * answer 409), the pending index and the origin index (both near-append). Device lookups use a partial index over
 * forwarded events, filled when the forwarder marks batches (many events per page), plus a scan of the pending
 * events, which is the small part of the store in normal operation. Readings are read out of the event body with
 * json_each rather than copied into a table of their own.
 */
export const EVENT_TABLES_SQL = `
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  device TEXT NOT NULL,
  origin INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  device_seq INTEGER NOT NULL,
  state INTEGER NOT NULL DEFAULT 0,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_pending ON events(seq) WHERE state = 0;
CREATE INDEX IF NOT EXISTS events_origin ON events(origin);
CREATE INDEX IF NOT EXISTS events_forwarded_device ON events(device, origin) WHERE state = 1;
CREATE INDEX IF NOT EXISTS events_forwarded_received ON events(received_at) WHERE state = 1;
CREATE TABLE IF NOT EXISTS device_seq (device TEXT PRIMARY KEY, last INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS device_seq_through (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL);
`;

/** Device metadata (EdgeX v3 and the v1 objects legacy clients post) and the per-device command queue. */
export const LOCAL_TABLES_SQL = `
CREATE TABLE IF NOT EXISTS metadata (
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  id TEXT NOT NULL,
  body TEXT NOT NULL,
  created INTEGER NOT NULL,
  PRIMARY KEY (kind, name)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS commands (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  device TEXT NOT NULL,
  body TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS commands_device ON commands(device, seq);
PRAGMA user_version = 1;
`;
