import {
  type AddEventRequest,
  type EdgexEvent,
  retry,
  UnavailableError,
  validateAddEventRequest,
} from '@hvac-edge/shared';
import type { Logger } from 'pino';
import type { IngestService } from '../ingest.js';
import { PipelinedSubscriber } from './pipelined-subscriber.js';

export interface MqttIngestOptions {
  url: string;
  username: string;
  password: string;
  clientId: string;
  topicPrefix: string;
  /** Connections sharing one subscription ($share). */
  connections: number;
  /** Per connection: messages waiting to be durable before reading from the broker pauses. */
  maxInFlight: number;
  keepaliveSeconds: number;
  retryMinDelayMs: number;
  retryMaxDelayMs: number;
}

export type MqttOutcome = 'accepted' | 'duplicate' | 'invalid';

/**
 * Decodes one message on `<prefix>/{service}/{profile}/{device}/{source}`: an EdgeX v3 AddEventRequest, either as
 * the payload itself or inside an EdgeX MessageEnvelope (`payload` base64, `contentType` application/json).
 * Returns the request or the problems, the same checks as the HTTP API plus the topic's names.
 */
export function decodeMqttEvent(
  topicPrefix: string,
  topic: string,
  payload: Buffer,
): { ok: true; request: AddEventRequest } | { ok: false; problems: string[] } {
  const parts = topic.slice(topicPrefix.length + 1).split('/');
  if (!topic.startsWith(`${topicPrefix}/`) || parts.length !== 4) {
    return { ok: false, problems: [`topic ${topic} is not ${topicPrefix}/{service}/{profile}/{device}/{source}`] };
  }
  let body: unknown;
  try {
    body = JSON.parse(payload.toString('utf8'));
    const env = body as { payload?: unknown; contentType?: string };
    if (typeof env.payload === 'string' && (env.contentType ?? 'application/json').includes('json')) {
      body = JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8'));
    }
  } catch (err) {
    return { ok: false, problems: [`payload is not JSON: ${(err as Error).message}`] };
  }
  const v = validateAddEventRequest(body);
  if (!v.ok) return { ok: false, problems: [...v.errors] };
  const [, profileName, deviceName, sourceName] = parts as [string, string, string, string];
  const e = v.value.event;
  const problems: string[] = [];
  if (e.profileName !== profileName) problems.push(`event.profileName "${e.profileName}" does not match the topic`);
  if (e.deviceName !== deviceName) problems.push(`event.deviceName "${e.deviceName}" does not match the topic`);
  if (e.sourceName !== sourceName) problems.push(`event.sourceName "${e.sourceName}" does not match the topic`);
  return problems.length ? { ok: false, problems } : { ok: true, request: v.value };
}

/**
 * MQTT ingest on EdgeX's message-bus topics, QoS 1, persistent sessions. A message is acknowledged (PUBACK) only
 * after its event is durable, so a gateway crash before that means the broker delivers it again; a duplicate then
 * answers as already stored and is acknowledged. A store outage holds the message (retried with backoff) instead of
 * acknowledging it. Malformed messages are counted, logged once per distinct reason, and acknowledged (dropped):
 * they would never become valid, and they must not block the ones behind them.
 */
export class MqttIngest {
  private readonly sessions: PipelinedSubscriber[] = [];
  private readonly reasonsLogged = new Set<string>();
  private readonly abort = new AbortController();
  /** Outcomes so far (the Prometheus counter `hvac_gateway_ingest_total{transport="mqtt"}` has the same). */
  readonly counts: Record<MqttOutcome, number> = { accepted: 0, duplicate: 0, invalid: 0 };

  constructor(
    private readonly o: MqttIngestOptions,
    private readonly ingest: IngestService,
    private readonly log: Logger,
  ) {}

  /** Every connection is up and subscribed (for /readyz). */
  get connected(): boolean {
    return this.sessions.length > 0 && this.sessions.every((s) => s.ready);
  }

  private async handle(topic: string, payload: Buffer): Promise<MqttOutcome> {
    const event = this.decode(topic, payload);
    if (!event) return 'invalid';
    // The common case without the retry machinery (it showed up at 12 % of the CPU per message). Nothing but the
    // payload stays referenced while the event waits for its commit: the retry decodes it again.
    try {
      return await this.store(event);
    } catch {
      return retry(
        () => {
          const again = this.decode(topic, payload);
          return again ? this.store(again) : Promise.resolve('invalid' as const);
        },
        {
          forever: true,
          minDelayMs: this.o.retryMinDelayMs,
          maxDelayMs: this.o.retryMaxDelayMs,
          signal: this.abort.signal,
          // Unavailable store: wait for it. Anything else is a bug, logged; the message stays unacknowledged
          // (and holds the acknowledgements behind it) rather than being dropped.
          shouldRetry: () => true,
          onRetry: (err, attempt) => {
            if (!(err instanceof UnavailableError) || attempt === 1)
              this.log.warn({ err, topic }, 'MQTT event not stored yet; retrying');
          },
        },
      );
    }
  }

  /** The event, or undefined for a malformed message (counted, its reason logged once). */
  private decode(topic: string, payload: Buffer): EdgexEvent | undefined {
    const decoded = decodeMqttEvent(this.o.topicPrefix, topic, payload);
    if (decoded.ok) return decoded.request.event;
    this.ingest.invalid('mqtt', decoded.problems);
    const reason = decoded.problems[0] ?? 'invalid';
    if (!this.reasonsLogged.has(reason) && this.reasonsLogged.size < 1000) {
      this.reasonsLogged.add(reason);
      this.log.warn({ topic, problems: decoded.problems }, 'malformed MQTT event dropped (reason logged once)');
    }
    return undefined;
  }

  private async store(event: EdgexEvent): Promise<'accepted' | 'duplicate'> {
    try {
      await this.ingest.accept(event, 'mqtt');
      return 'accepted';
    } catch (err) {
      if ((err as { code?: string }).code === 'EVENT_DUPLICATE') return 'duplicate';
      throw err;
    }
  }

  /** Connects in the background; `connected` tells when it is subscribed. */
  start(): void {
    const shared = this.o.connections > 1;
    const filter = `${shared ? '$share/hvac-edge-gateway/' : ''}${this.o.topicPrefix}/#`;
    for (let i = 0; i < this.o.connections; i++) {
      const session = new PipelinedSubscriber(
        {
          url: this.o.url,
          clientId: shared ? `${this.o.clientId}-${i}` : this.o.clientId,
          username: this.o.username,
          password: this.o.password,
          filter,
          keepaliveSeconds: this.o.keepaliveSeconds,
          maxInFlight: this.o.maxInFlight,
          reconnectMinDelayMs: this.o.retryMinDelayMs,
          reconnectMaxDelayMs: this.o.retryMaxDelayMs,
        },
        async (topic, payload) => {
          this.counts[await this.handle(topic, payload)] += 1;
        },
        this.log,
      );
      session.start();
      this.sessions.push(session);
    }
    this.log.info({ url: this.o.url, filter, connections: this.o.connections }, 'MQTT ingest starting');
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.sessions.map((s) => s.stop()));
  }
}
