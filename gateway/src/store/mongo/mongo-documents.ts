import { type EdgexEvent, type Reading, UnavailableError } from '@hvac-edge/shared';
import type { StoredEvent } from '../event-store.js';
import { DuplicateEventError } from '../event-store.js';

/** How an event is kept in MongoDB: the stored JSON plus the fields the queries and indexes need. */
export interface EventDoc {
  _id: string;
  seq: number;
  deviceSeq: number;
  receivedAt: number;
  state: 'pending' | 'forwarded';
  deviceName: string;
  origin: number;
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
    seq: d.seq,
    deviceSeq: d.deviceSeq,
    receivedAt: d.receivedAt,
    state: d.state,
    event: JSON.parse(d.json) as EdgexEvent,
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
