import type { GatewayConfig } from './config.js';
import { LocalDatabase } from './local/local-database.js';
import type { GatewayMetrics } from './metrics.js';
import type { EventStore } from './store/event-store.js';
import { MongoEventStore } from './store/mongo/mongo-event-store.js';
import { SqliteEventStore } from './store/sqlite/sqlite-event-store.js';

export interface Storage {
  local: LocalDatabase;
  /** The chosen event store: the embedded one in the LocalDatabase, or MongoDB. */
  events: EventStore;
  close(): Promise<void>;
}

/**
 * Opens the gateway's LocalDatabase and the chosen event store. The embedded store's tables (and its writer thread)
 * exist only when it is the chosen one; MongoDB must be reachable now (systemd or the container restarts the gateway
 * until it is).
 */
export async function openStorage(
  config: Readonly<GatewayConfig>,
  metrics?: Pick<GatewayMetrics, 'storeCommitSeconds' | 'storeCommitEvents'>,
): Promise<Storage> {
  const embedded = config.store.kind === 'sqlite';
  const local = new LocalDatabase({
    path: config.store.path,
    synchronous: config.store.synchronous,
    eventTables: embedded,
  });
  local.open();
  const m = config.store.mongo;
  const events: EventStore = embedded
    ? new SqliteEventStore(local, {
        commitWindowMs: config.store.commitWindowMs,
        onCommit:
          metrics &&
          ((events, seconds) => {
            metrics.storeCommitEvents.observe(events);
            metrics.storeCommitSeconds.observe(seconds);
          }),
      })
    : new MongoEventStore({
        url: m.url,
        database: m.database,
        collection: m.collection,
        writeConcern: { w: 1, journal: m.journal },
        timeoutMs: m.timeoutMs,
      });
  try {
    await events.open();
  } catch (err) {
    local.close();
    throw err;
  }
  return {
    local,
    events,
    async close() {
      await events.close();
      local.close();
    },
  };
}
