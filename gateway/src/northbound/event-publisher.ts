import type { EnrichedEvent } from '@hvac-edge/shared';

/** One event on its way north: the enriched-event message, and the event as the store keeps it. */
export interface OutboundEvent {
  /** Everything of the enriched-event message but the event. */
  envelope: Omit<EnrichedEvent, 'event'>;
  event: EnrichedEvent['event'];
  /** The event as stored JSON, when the store has it (saves an encoder re-serialising it). */
  eventJson?: string;
}

/**
 * Port: takes a batch of enriched events durably, in order per device (Kafka; or the cloud sink embedded in this
 * gateway). Resolves only when the whole batch is durable at the other end; rejects otherwise (the forwarder sends it
 * again, so adapters must be idempotent or at-least-once).
 */
export interface EventPublisher {
  connect(): Promise<void>;
  publish(events: OutboundEvent[]): Promise<void>;
  disconnect(): Promise<void>;
}
