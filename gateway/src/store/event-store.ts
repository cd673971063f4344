import { type EdgexEvent, HvacError, type Reading } from '@hvac-edge/shared';

export type EventState = 'pending' | 'forwarded';

export interface StoredEvent {
  /** Store-wide arrival order, from 1. */
  seq: number;
  /** Per-device sequence, from 1, so consumers can detect gaps and duplicates. */
  deviceSeq: number;
  /** Unix ms when the event became durable here. */
  receivedAt: number;
  state: EventState;
  event: EdgexEvent;
  /** The event as stored JSON, when the adapter has it (saves the forwarder a re-serialisation). */
  eventJson?: string;
}

export interface AppendResult {
  seq: number;
  deviceSeq: number;
  receivedAt: number;
}

export interface Page {
  offset: number;
  limit: number;
}

export interface EventQuery extends Page {
  deviceName?: string;
  /** Origin range in Unix ns, inclusive. */
  start?: bigint;
  end?: bigint;
}

export interface ReadingFilter {
  deviceName?: string;
  resourceName?: string;
  /** Range of the reading's own origin in Unix ns, inclusive. */
  start?: bigint;
  end?: bigint;
}

export interface ReadingQuery extends Page, ReadingFilter {}

/** Which events a delete takes; every given criterion must hold. */
export interface DeleteCriteria {
  id?: string;
  deviceName?: string;
  /** Origin strictly before this (Unix ns). */
  originBefore?: bigint;
}

export interface StoreStats {
  total: number;
  pending: number;
  /** Unix ms of the oldest pending event's arrival; undefined when nothing is pending. */
  oldestPendingReceivedAt: number | undefined;
  bytes: number;
}

export interface RetentionPolicy {
  /** Forwarded events older than this (arrival, Unix ms) go. */
  forwardedBefore: number;
  /** EdgeX MaxCap/MinCap: above maxCap, remove oldest forwarded events down to minCap. 0 = no cap. */
  maxCap: number;
  minCap: number;
  /** Above this size even pending events go, oldest first. 0 = no budget. */
  maxBytes: number;
}

export type DropReason = 'forwarded_age' | 'max_cap' | 'disk_budget' | 'api_age' | 'api_id' | 'api_device';

export type PurgeResult = Partial<Record<DropReason, number>> & {
  /** Ids of events dropped for the disk budget (they may never have been forwarded). */
  droppedIds?: string[];
};

/** The id is already stored: the client's earlier attempt landed. */
export class DuplicateEventError extends HvacError {
  constructor(readonly eventId: string) {
    super('EVENT_DUPLICATE', `event id ${eventId} already exists`, { retriable: false });
  }
}

/**
 * Durable buffer between ingest and the forwarder. `append` resolves only once the event is durable;
 * pending events are never removed except by `purge` under the disk budget.
 */
export interface EventStore {
  readonly kind: string;
  /** Pending events, kept in memory for ingest back-pressure (exact for SQLite, tracked for MongoDB). */
  readonly pendingEvents: number;
  open(): Promise<void>;
  close(): Promise<void>;
  /** Cheap reachability check for /readyz. */
  ping(): Promise<boolean>;

  append(event: EdgexEvent): Promise<AppendResult>;
  /** Pending events in arrival order, after `afterSeq`. */
  pending(limit: number, afterSeq?: number): Promise<StoredEvent[]>;
  markForwarded(seqs: readonly number[]): Promise<void>;

  getById(id: string): Promise<StoredEvent | undefined>;
  /** Newest origin first, as EdgeX lists events. */
  listEvents(query: EventQuery): Promise<{ totalCount: number; events: StoredEvent[] }>;
  countEvents(deviceName?: string): Promise<number>;
  listReadings(query: ReadingQuery): Promise<{ totalCount: number; readings: Reading[] }>;
  countReadings(filter: ReadingFilter): Promise<number>;
  /** Removes the events that match; pending ones only when asked. Resolves with how many went. */
  deleteEvents(criteria: DeleteCriteria, includePending: boolean): Promise<number>;

  stats(): Promise<StoreStats>;
  purge(policy: RetentionPolicy): Promise<PurgeResult>;
}
