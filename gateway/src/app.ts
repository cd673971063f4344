import { type Component, Lifecycle, type Logger, maskSecrets } from '@hvac-edge/shared';
import type { FastifyInstance } from 'fastify';
import { ClockSkewFlagger } from './clock-skew.js';
import { CommandQueue } from './commands/command-queue.js';
import { createCommandRelay } from './commands/kafka-command-relay.js';
import { clockSkewLimits, eventLimits, type GatewayConfig, GatewayConfigSchema } from './config.js';
import { degradationChecks } from './health.js';
import { Housekeeping } from './housekeeping.js';
import { createHttpListeners, type HttpListeners } from './http/listeners.js';
import { IngestService } from './ingest.js';
import { SqliteMetadataStore } from './metadata/metadata-store.js';
import { GatewayMetrics } from './metrics.js';
import { createMonitoring } from './monitoring/monitoring-feature.js';
import type { MonitoringService } from './monitoring/monitoring-service.js';
import { createMqtt, type MqttFeature } from './mqtt/mqtt-feature.js';
import { createForwarder } from './northbound/create-forwarder.js';
import { createEmbeddedSink, type EmbeddedSinkFeature } from './northbound/embedded-sink.js';
import { openStorage } from './storage.js';
import type { EventStore } from './store/event-store.js';
import { createWeather } from './weather/create-weather.js';

export interface Gateway {
  readonly config: Readonly<GatewayConfig>;
  readonly metrics: GatewayMetrics;
  readonly store: EventStore;
  readonly commands: CommandQueue;
  readonly http: HttpListeners;
  /** The main API server (`http.server`). */
  readonly server: FastifyInstance;
  readonly housekeeping: Housekeeping;
  readonly monitoring: MonitoringService | undefined;
  readonly mqtt: MqttFeature | undefined;
  readonly embeddedSink: EmbeddedSinkFeature | undefined;
  /** Starts every feature in dependency order and listens; resolves with the bound HTTP addresses. */
  start(): Promise<string[]>;
  /** Stops accepting, finishes in-flight work, stops the features in reverse order, then closes the storage. */
  stop(): Promise<void>;
}

export interface GatewayOptions {
  /** Skip prom-client's process metrics (tests build many gateways in one process). */
  defaultMetrics?: boolean;
  /** Clock for monitoring (tests). */
  now?: () => number;
}

/**
 * The gateway's wiring: storage opened here (everything is built on it), each feature made by its own factory into
 * a component, and the shared lifecycle starting them in dependency order and stopping them in reverse.
 */
export async function createGateway(
  config: Readonly<GatewayConfig>,
  log: Logger,
  options: GatewayOptions = {},
): Promise<Gateway> {
  const metrics = new GatewayMetrics({ defaultMetrics: options.defaultMetrics ?? true });
  const storage = await openStorage(config, metrics);
  const store = storage.events;
  const commands = new CommandQueue(storage.local, metrics, config.commands, log.child({ module: 'commands' }));
  const weather = createWeather(config, metrics, log);
  const monitoring = createMonitoring(config, metrics, log, options.now, async () => (await store.stats()).bytes);
  const sink = await createEmbeddedSink(config, commands, metrics, log, monitoring?.plugin.alerts);
  const forwarder = createForwarder(config, store, sink?.publisher, weather, metrics, log);
  const ingest = new IngestService(store, metrics, log.child({ module: 'ingest' }), {
    highWaterMark: config.store.highWaterMark,
    limits: eventLimits(config.limits),
    retryAfterSeconds: config.store.retryAfterSeconds,
    clockSkew: new ClockSkewFlagger(clockSkewLimits(config.limits), metrics),
    ...(forwarder ? { onAccepted: () => forwarder.notify() } : {}),
  });
  const relay = createCommandRelay(config, commands, metrics, log);
  const housekeeping = new Housekeeping(store, commands, config.retention, metrics, log.child({ module: 'retention' }));
  const mqtt = createMqtt(config, ingest, log);
  const http = await createHttpListeners(
    {
      config,
      store,
      metadata: new SqliteMetadataStore(storage.local),
      ingest,
      commands,
      metrics,
      log,
      maskedConfig: maskSecrets(config, GatewayConfigSchema),
      readiness: mqtt ? [{ name: 'mqtt', check: () => mqtt.connected }] : [],
      degradation: degradationChecks(config, forwarder),
      ...(sink ? { sink: { summary: () => sink.summary(), series: (q) => sink.series(q) } } : {}),
      ...(monitoring ? { monitoring: monitoring.plugin } : {}),
    },
    log,
  );
  const features = [
    sink?.component,
    weather,
    forwarder,
    relay,
    ...(monitoring?.components ?? []),
    housekeeping,
    mqtt,
    http,
  ];
  const lifecycle = new Lifecycle(
    log,
    features.filter((c): c is Component => c !== undefined),
  );
  let starting: Promise<void> | undefined;
  return {
    config,
    metrics,
    store,
    commands,
    http,
    server: http.server,
    housekeeping,
    monitoring: monitoring?.service,
    mqtt,
    embeddedSink: sink,
    async start() {
      starting ??= lifecycle.start();
      await starting;
      return http.addresses;
    },
    async stop() {
      await lifecycle.stop();
      await storage.close();
    },
  };
}
