import { LogSampler, PoisonError, parseEdgexJson, retry, UnavailableError, ValidationError } from '@hvac-edge/shared';
import type { Logger } from 'pino';
import type { EventNames, IngestService } from '../ingest.js';
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
  /** Larger messages are dropped as invalid. */
  maxPayloadBytes: number;
}

/**
 * Reads one message on `<prefix>/{service}/{profile}/{device}/{source}`: the names its topic gives, and its body, an
 * EdgeX v3 AddEventRequest either as the payload itself or inside an EdgeX MessageEnvelope (`payload` base64,
 * `contentType` application/json). The body is checked by the ingest service, as every transport's is.
 */
export function parseMqttMessage(
  topicPrefix: string,
  topic: string,
  payload: Buffer,
): { ok: true; body: unknown; names: EventNames } | { ok: false; problems: string[] } {
  const parts = topic.slice(topicPrefix.length + 1).split('/');
  if (!topic.startsWith(`${topicPrefix}/`) || parts.length !== 4) {
    return { ok: false, problems: [`topic ${topic} is not ${topicPrefix}/{service}/{profile}/{device}/{source}`] };
  }
  let body: unknown;
  try {
    body = parseEdgexJson(payload.toString('utf8'));
    const env = body as { payload?: unknown; contentType?: string };
    if (typeof env.payload === 'string' && (env.contentType ?? 'application/json').includes('json')) {
      body = parseEdgexJson(Buffer.from(env.payload, 'base64').toString('utf8'));
    }
  } catch (err) {
    return { ok: false, problems: [`payload is not JSON: ${(err as Error).message}`] };
  }
  const [, profileName, deviceName, sourceName] = parts as [string, string, string, string];
  return { ok: true, body, names: { profileName, deviceName, sourceName } };
}

/**
 * MQTT ingest on EdgeX's message-bus topics, QoS 1, persistent sessions. A message is acknowledged (PUBACK) only
 * after its event is durable, so a gateway crash before that means the broker delivers it again; a duplicate then
 * answers as already stored and is acknowledged. A store outage holds the message (retried with backoff) instead of
 * acknowledging it. Malformed messages are counted (`hvac_gateway_ingest_total{transport="mqtt",outcome="invalid"}`),
 * logged (at most ten lines a minute), and acknowledged (dropped): they would never become valid, and they must not
 * block the ones behind them.
 */
export class MqttIngest {
  readonly name = 'mqtt-ingest';
  private readonly sessions: PipelinedSubscriber[] = [];
  private readonly dropLog = new LogSampler();
  private readonly abort = new AbortController();

  constructor(
    private readonly options: MqttIngestOptions,
    private readonly ingest: IngestService,
    private readonly log: Logger,
  ) {}

  /** Every connection is up and subscribed (for /readyz). */
  get connected(): boolean {
    return this.sessions.length > 0 && this.sessions.every((s) => s.ready);
  }

  private async handle(topic: string, payload: Buffer): Promise<void> {
    // The common case without the retry machinery (it showed up at 12 % of the CPU per message). Nothing but the
    // payload stays referenced while the event waits for its commit: the retry decodes it again.
    try {
      await this.store(topic, payload);
    } catch (err) {
      if (err instanceof ValidationError) return this.dropMalformed(topic, err.problems);
      await retry(() => this.store(topic, payload), {
        forever: true,
        minDelayMs: this.options.retryMinDelayMs,
        maxDelayMs: this.options.retryMaxDelayMs,
        signal: this.abort.signal,
        // Anything but a refusal of this very item (an outage, the buffer full, an error not understood) is waited
        // out, however long: nothing acknowledged is lost. An item the store can never hold (PoisonError) is
        // dropped (acknowledged, counted, logged once) so that it cannot hold the acknowledgements behind it.
        shouldRetry: (e) => !(e instanceof PoisonError),
        onRetry: (e, attempt) => {
          // Once per outage; an error not understood every tenth attempt too (the backoff bounds the rate).
          if (attempt === 1 || (!(e instanceof UnavailableError) && attempt % 10 === 0))
            this.log.warn({ err: e, topic }, 'MQTT event not stored yet; retrying');
        },
      }).catch((e: unknown) => {
        if (this.abort.signal.aborted) throw e;
        this.ingest.countPoison('mqtt');
        this.dropMalformed(topic, [`the store cannot hold it: ${(e as Error).message}`]);
      });
    }
  }

  /** Stores the message's event; a duplicate counts as stored. Throws ValidationError for a malformed message. */
  private async store(topic: string, payload: Buffer): Promise<void> {
    if (payload.length > this.options.maxPayloadBytes) {
      this.ingest.refuse('mqtt', [
        `payload of ${payload.length} bytes is over mqtt.maxPayloadBytes (${this.options.maxPayloadBytes})`,
      ]);
    }
    const parsed = parseMqttMessage(this.options.topicPrefix, topic, payload);
    if (!parsed.ok) this.ingest.refuse('mqtt', parsed.problems);
    const request = this.ingest.validate(parsed.body, 'mqtt', parsed.names, 'topic');
    try {
      await this.ingest.accept(request.event, 'mqtt');
    } catch (err) {
      if ((err as { code?: string }).code !== 'EVENT_DUPLICATE') throw err;
    }
  }

  private dropMalformed(topic: string, problems: readonly string[]): void {
    const { log, suppressed } = this.dropLog.take();
    if (log)
      this.log.warn(
        { topic: topic.slice(0, 200), problems: problems.slice(0, 5).map((p) => p.slice(0, 300)), suppressed },
        'malformed MQTT event dropped',
      );
  }

  /** Connects in the background; `connected` tells when it is subscribed. */
  start(): void {
    const shared = this.options.connections > 1;
    const filter = `${shared ? '$share/hvac-edge-gateway/' : ''}${this.options.topicPrefix}/#`;
    for (let i = 0; i < this.options.connections; i++) {
      const session = new PipelinedSubscriber(
        {
          url: this.options.url,
          clientId: shared ? `${this.options.clientId}-${i}` : this.options.clientId,
          username: this.options.username,
          password: this.options.password,
          filter,
          keepaliveSeconds: this.options.keepaliveSeconds,
          maxInFlight: this.options.maxInFlight,
          reconnectMinDelayMs: this.options.retryMinDelayMs,
          reconnectMaxDelayMs: this.options.retryMaxDelayMs,
        },
        (topic, payload) => this.handle(topic, payload),
        this.log,
      );
      session.start();
      this.sessions.push(session);
    }
    this.log.info({ url: this.options.url, filter, connections: this.options.connections }, 'MQTT ingest starting');
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.sessions.map((s) => s.stop()));
  }
}
