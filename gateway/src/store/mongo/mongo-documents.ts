import { type EdgexEvent, parseEdgexJson, type Reading, UnavailableError } from '@hvac-edge/shared';
import type { ReadingFilter, StoredEvent } from '../event-store.js';
import { DuplicateEventError } from '../event-store.js';

/** How an event is kept in MongoDB: the stored JSON plus the fields the queries and indexes need. */
export interface EventDoc {
  _id: string;
  seq: number;
  deviceSeq: number;
  receivedAt: number;
  state: 'pending' | 'forwarded';
  deviceName: string;
  /** Exact Unix ns: a BSON int64. */
  origin: bigint;
  /** Size of the stored JSON, for the disk budget. */
  bytes: number;
  json: string;
  readings: Reading[];
}

export interface Counter {
  _id: string;
  value: number;
}

export function toStored(d: EventDoc): StoredEvent {
  return {
    // int64 counters come back as bigints (useBigInt64, for the exact origins).
    seq: Number(d.seq),
    deviceSeq: Number(d.deviceSeq),
    receivedAt: Number(d.receivedAt),
    state: d.state,
    event: parseEdgexJson(d.json) as EdgexEvent,
    eventJson: d.json,
  };
}

/** Driver errors that mean "the server is not there right now" become 503 with Retry-After upstream. */
export function unavailable(err: unknown): unknown {
  if (err instanceof DuplicateEventError) return err;
  const name = (err as Error)?.name ?? '';
  if (/MongoServerSelectionError|MongoNetwork|MongoTopologyClosed|MongoNotConnected|PoolCleared/.test(name)) {
    return new UnavailableError('STORE_UNAVAILABLE', `MongoDB unreachable: ${(err as Error).message}`);
  }
  return err;
}

/** The filter of an event query: by device, by origin range. */
export function eventFilter(q: { deviceName?: string; start?: bigint; end?: bigint }) {
  const f: Record<string, unknown> = {};
  if (q.deviceName !== undefined) f.deviceName = q.deviceName;
  if (q.start !== undefined || q.end !== undefined) {
    f.origin = {
      ...(q.start !== undefined ? { $gte: q.start } : {}),
      ...(q.end !== undefined ? { $lte: q.end } : {}),
    };
  }
  return f;
}

/** The pipeline of readings (one document each) that match: by device and resource, and by their own origin. */
export function readingsPipeline(q: ReadingFilter): object[] {
  const match: Record<string, unknown> = {};
  if (q.deviceName !== undefined) match.deviceName = q.deviceName;
  if (q.resourceName !== undefined) match['readings.resourceName'] = q.resourceName;
  const origin =
    q.start !== undefined || q.end !== undefined
      ? {
          'readings.origin': {
            ...(q.start !== undefined ? { $gte: q.start } : {}),
            ...(q.end !== undefined ? { $lte: q.end } : {}),
          },
        }
      : {};
  const each = { ...(q.resourceName !== undefined ? { 'readings.resourceName': q.resourceName } : {}), ...origin };
  return [
    { $match: match },
    { $sort: { origin: -1, seq: -1 } },
    { $unwind: '$readings' },
    ...(Object.keys(each).length ? [{ $match: each }] : []),
  ];
}
