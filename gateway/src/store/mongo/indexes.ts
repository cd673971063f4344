import type { Collection, Document, IndexDescription } from 'mongodb';

const INDEXES: Array<IndexDescription & { name: string }> = [
  { key: { seq: 1 }, name: 'seq', unique: true },
  // The forwarder's query: pending in arrival order.
  { key: { state: 1, seq: 1 }, name: 'state_seq' },
  // Device and time queries, newest origin first.
  { key: { deviceName: 1, origin: -1 }, name: 'device_origin' },
  { key: { origin: -1, seq: -1 }, name: 'origin' },
  { key: { 'readings.resourceName': 1 }, name: 'resource' },
];

/**
 * Creates the event collection's indexes that are missing. Only those: MongoDB takes a repeated createIndexes as a
 * no-op, but FerretDB 1.24 drops the connection on it (a panic in its index comparison), so a gateway restarted on
 * FerretDB could not open its store.
 */
export async function ensureIndexes<T extends Document>(events: Collection<T>): Promise<void> {
  const existing = await events
    .listIndexes()
    .toArray()
    .catch((err: { codeName?: string }) => {
      if (err.codeName === 'NamespaceNotFound') return [];
      throw err;
    });
  const names = new Set(existing.map((i) => i.name as string));
  const missing = INDEXES.filter((i) => !names.has(i.name));
  if (missing.length > 0) await events.createIndexes(missing);
}
