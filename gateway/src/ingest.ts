import { type AddEventRequest, type EdgexEvent, UnavailableError, ValidationError } from '@hvac-edge/shared';
import type { Logger } from 'pino';
import type { GatewayMetrics, IngestTransport } from './metrics.js';
import { type AppendResult, DuplicateEventError, type EventStore } from './store/event-store.js';

export interface IngestOptions {
  highWaterMark: number;
  retryAfterSeconds: number;
  /** Pending count without a query; adapters keep it in memory. */
  pendingCount: () => number;
  /** Called after each durable append (wakes the forwarder). */
  onAccepted?: () => void;
}

/**
 * The one path from any transport (HTTP v3, HTTP v1, MQTT) into the store: the same checks, errors and metrics
 * whichever way an event arrives. Resolves only once the event is durable.
 */
export class IngestService {
  /** Appends not yet committed: they count against the high-water mark, which is otherwise passed by a burst. */
  private appending = 0;

  constructor(
    private readonly store: EventStore,
    private readonly metrics: GatewayMetrics,
    private readonly log: Logger,
    private readonly options: IngestOptions,
  ) {}

  async accept(event: EdgexEvent, transport: IngestTransport): Promise<AppendResult> {
    if (this.options.pendingCount() + this.appending >= this.options.highWaterMark) {
      this.metrics.ingest.inc({ transport, outcome: 'rejected_full' });
      throw new UnavailableError(
        'BUFFER_FULL',
        `buffer is above its high-water mark of ${this.options.highWaterMark} pending events`,
        { retryAfterSeconds: this.options.retryAfterSeconds },
      );
    }
    // Not `event` after the await: it would stay reachable until the commit (see SqliteEventStore.append).
    const eventId = event.id;
    this.appending += 1;
    try {
      const result = await this.store.append(event);
      this.metrics.ingest.inc({ transport, outcome: 'accepted' });
      this.options.onAccepted?.();
      return result;
    } catch (err) {
      if (err instanceof DuplicateEventError) {
        this.metrics.ingest.inc({ transport, outcome: 'duplicate' });
      } else {
        this.metrics.ingest.inc({ transport, outcome: 'error' });
        this.log.error({ err, eventId, transport }, 'store append failed');
        if (err instanceof UnavailableError && err.retryAfterSeconds === undefined) {
          throw new UnavailableError(err.code, err.message, {
            retryAfterSeconds: this.options.retryAfterSeconds,
            cause: err,
          });
        }
      }
      throw err;
    } finally {
      this.appending -= 1;
    }
  }

  /** Counts an invalid offer and returns the error to answer with. */
  invalid(transport: IngestTransport, problems: string[]): ValidationError {
    this.metrics.ingest.inc({ transport, outcome: 'invalid' });
    return new ValidationError('EVENT_INVALID', problems, 'invalid event');
  }

  /** Checks that the path names match the body, as EdgeX core-data does. */
  checkPath(request: AddEventRequest, path: { profileName: string; deviceName: string; sourceName: string }): string[] {
    const e = request.event;
    const problems: string[] = [];
    for (const key of ['profileName', 'deviceName', 'sourceName'] as const) {
      if (e[key] !== path[key]) problems.push(`event.${key} "${e[key]}" does not match the path's "${path[key]}"`);
    }
    return problems;
  }
}
