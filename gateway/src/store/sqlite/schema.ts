/** Schema version 1 of the embedded store. Readings are indexed rows pointing into the event body, not copies. */
export const SCHEMA_SQL = `
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
CREATE INDEX IF NOT EXISTS events_device_origin ON events(device, origin);
CREATE INDEX IF NOT EXISTS events_origin ON events(origin);
CREATE INDEX IF NOT EXISTS events_forwarded ON events(received_at) WHERE state = 1;
CREATE TABLE IF NOT EXISTS readings (
  event_seq INTEGER NOT NULL REFERENCES events(seq) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  device TEXT NOT NULL,
  resource TEXT NOT NULL,
  origin INTEGER NOT NULL,
  PRIMARY KEY (event_seq, idx)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS readings_device ON readings(device, origin);
CREATE INDEX IF NOT EXISTS readings_resource ON readings(resource, origin);
CREATE INDEX IF NOT EXISTS readings_origin ON readings(origin);
CREATE TABLE IF NOT EXISTS device_seq (device TEXT PRIMARY KEY, last INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS metadata (
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  id TEXT NOT NULL,
  body TEXT NOT NULL,
  created INTEGER NOT NULL,
  PRIMARY KEY (kind, name)
) WITHOUT ROWID;
PRAGMA user_version = 1;
`;
