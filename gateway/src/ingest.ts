import {
  type AddEventRequest,
  type EdgexEvent,
  type EventLimits,
  LogSampler,
  UnavailableError,
  ValidationError,
  validateAddEventRequest,
} from '@hvac-edge/shared';
import type { Logger } from 'pino';
import type { ClockSkewFlagger } from './clock-skew.js';
import type { GatewayMetrics, IngestTransport } from './metrics.js';
import { type AppendResult, DuplicateEventError, type EventStore } from './store/event-store.js';

export interface IngestOptions {
  highWaterMark: number;
  limits: EventLimits;
  retryAfterSeconds: number;
  /** Called after each durable append (wakes the forwarder). */
  onAccepted?: () => void;
  /** Tags and counts events whose origin is far from their receive time. */
  clockSkew?: ClockSkewFlagger;
}

/** The names an event's path (HTTP) or topic (MQTT) gives; the event must carry the same. */
export interface EventNames {
  profileName: string;
  deviceName: string;
  sourceName: string;
}

/**
 * The one path from any transport (HTTP v3, HTTP v1, MQTT) into the store: the same checks, errors and metrics
 * whichever way an event arrives. Resolves only once the event is durable.
 */
export class IngestService {
  /** Appends not yet committed: they count against the high-water mark, which is otherwise passed by a burst. */
  private appending = 0;
  private readonly failureLog = new LogSampler();

  constructor(
    private readonly store: EventStore,
    private readonly metrics: Pick<GatewayMetrics, 'ingest'>,
    private readonly log: Logger,
    private readonly options: IngestOptions,
  ) {}

  /**
   * Checks an AddEventRequest as EdgeX core-data does, and that the event carries the names its path or topic gives
   * (`from` says which, for the message). A problem is counted as an invalid offer and thrown as a ValidationError
   * listing every problem.
   */
  validate(body: unknown, transport: IngestTransport, names: EventNames, from: 'path' | 'topic'): AddEventRequest {
    const validation = validateAddEventRequest(body, { limits: this.options.limits });
    if (!validation.ok) this.refuse(transport, validation.errors);
    const e = validation.value.event;
    const problems: string[] = [];
    for (const key of ['profileName', 'deviceName', 'sourceName'] as const) {
      if (e[key] !== names[key]) problems.push(`event.${key} "${e[key]}" does not match the ${from}'s "${names[key]}"`);
    }
    if (problems.length) this.refuse(transport, problems);
    return validation.value;
  }

  /** Counts an offer that failed to store for a reason of its own (not an outage) and was given up. */
  countPoison(transport: IngestTransport): void {
    this.metrics.ingest.inc({ transport, outcome: 'poison' });
  }

  /** Counts an offer that can never be stored as sent, and throws the error that says why. */
  refuse(transport: IngestTransport, problems: string[]): never {
    this.metrics.ingest.inc({ transport, outcome: 'invalid' });
    throw new ValidationError('EVENT_INVALID', problems, 'invalid event');
  }

  async accept(event: EdgexEvent, transport: IngestTransport): Promise<AppendResult> {
    if (this.store.pendingEvents + this.appending >= this.options.highWaterMark) {
      this.metrics.ingest.inc({ transport, outcome: 'rejected_full' });
      throw new UnavailableError(
        'BUFFER_FULL',
        `buffer is above its high-water mark of ${this.options.highWaterMark} pending events`,
        { retryAfterSeconds: this.options.retryAfterSeconds },
      );
    }
    this.options.clockSkew?.flag(event);
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
        // Every append fails while the store is down: ten lines a minute say so, the metric counts them all.
        const { log, suppressed } = this.failureLog.take();
        if (log) this.log.error({ err, eventId, transport, suppressed }, 'store append failed');
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
}
