/** One message for the events topic. */
export interface OutboundMessage {
  key: string;
  value: Buffer;
  headers: Record<string, string>;
  /** Unix ms. */
  timestamp: number;
}

/**
 * Port: publishes a batch durably, in order per key. Resolves only when the whole batch is acknowledged;
 * rejects otherwise (the caller re-sends, so adapters must be idempotent or at-least-once).
 */
export interface EventPublisher {
  connect(): Promise<void>;
  publish(messages: OutboundMessage[]): Promise<void>;
  disconnect(): Promise<void>;
}
