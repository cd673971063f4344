import { hostname } from 'node:os';
import type { EmbeddedSink } from '@hvac-edge/cloud-sink/embedded';
import { type Logger, maskSecrets } from '@hvac-edge/shared';
import type { FastifyInstance } from 'fastify';
import { CommandQueue } from './commands/command-queue.js';
import { KafkaCommandRelay } from './commands/kafka-command-relay.js';
import { type GatewayConfig, GatewayConfigSchema } from './config.js';
import { buildServer } from './http/server.js';
import { IngestService } from './ingest.js';
import { SqliteMetadataStore } from './metadata/metadata-store.js';
import { GatewayMetrics } from './metrics.js';
import { AlertEngine, type AlertSink } from './monitoring/alerts.js';
import { MonitoringService } from './monitoring/monitoring-service.js';
import { MqttAlertSink } from './monitoring/mqtt-alert-sink.js';
import { registerMonitoringMetrics } from './monitoring/prometheus.js';
import { EmbeddedBroker } from './mqtt/embedded-broker.js';
import { MqttIngest } from './mqtt/mqtt-ingest.js';
import type { EventPublisher } from './northbound/event-publisher.js';
import { Forwarder } from './northbound/forwarder.js';
import { KafkaEventPublisher } from './northbound/kafka-publisher.js';
import { RetentionJob } from './retention.js';
import type { EventStore } from './store/event-store.js';
import { MongoEventStore } from './store/mongo/mongo-event-store.js';
import { SqliteEventStore } from './store/sqlite/sqlite-event-store.js';
import { FixedWeatherProvider } from './weather/fixed.js';
import { OpenMeteoProvider } from './weather/open-meteo.js';
import { OpenWeatherMapProvider } from './weather/openweathermap.js';
import { SimulatedWeatherProvider } from './weather/simulated.js';
import type { WeatherProvider } from './weather/weather-provider.js';
import { WeatherService } from './weather/weather-service.js';

export interface Gateway {
  readonly config: Readonly<GatewayConfig>;
  readonly store: EventStore;
  /** The gateway's own SQLite file: the embedded event store, device metadata and the command queue. */
  readonly local: SqliteEventStore;
  readonly metrics: GatewayMetrics;
  readonly server: FastifyInstance;
  readonly retention: RetentionJob;
  /** Host/VM monitoring, when `monitoring.enabled`. */
  readonly monitoring: MonitoringService | undefined;
  readonly alerts: AlertEngine | undefined;
  /** Northbound, when `kafka.brokers` is set. */
  readonly forwarder: Forwarder | undefined;
  readonly weather: WeatherService | undefined;
  readonly commands: CommandQueue;
  /** The cloud sink in this process, when `embeddedSink.enabled`. */
  readonly embeddedSink: EmbeddedSink | undefined;
  /** MQTT ingest, when `mqtt.enabled` (created at start, once the embedded broker's port is known). */
  readonly mqtt: { ingest: MqttIngest | undefined; broker: EmbeddedBroker | undefined };
  /** Relay of the commands topic, when Kafka is configured. */
  readonly commandRelay: KafkaCommandRelay | undefined;
  /** Servers for EdgeX v1 clients on their historic ports (same routes). */
  readonly legacyServers: FastifyInstance[];
  /** Opens the store and listens; resolves with the bound addresses. */
  start(): Promise<string[]>;
  /** Stops accepting, finishes in-flight requests, then closes the store. */
  stop(): Promise<void>;
}

export interface GatewayOptions {
  /** Skip prom-client's process metrics (tests build many gateways in one process). */
  defaultMetrics?: boolean;
  /** Clock for monitoring (tests). */
  now?: () => number;
}

/** The gateway's wiring: adapters chosen from config, one instance of everything, nothing global. */
export async function createGateway(
  config: Readonly<GatewayConfig>,
  log: Logger,
  options: GatewayOptions = {},
): Promise<Gateway> {
  const metrics = new GatewayMetrics({ defaultMetrics: options.defaultMetrics ?? true });
  const local = new SqliteEventStore({ path: config.store.path, synchronous: config.store.synchronous });
  await local.open();
  const store: EventStore = config.store.kind === 'mongodb' ? createMongoStore(config) : local;
  if (store !== local) await store.open();
  const metadata = new SqliteMetadataStore(() => local.database);
  const weather = createWeather(config, log, metrics);
  const commands = new CommandQueue(() => local.database);
  const embeddedSink = await createEmbeddedSink(config, log, commands);
  const publisher: EventPublisher | undefined =
    embeddedSink ??
    (config.kafka.brokers.length > 0
      ? new KafkaEventPublisher(
          {
            brokers: config.kafka.brokers,
            clientId: config.kafka.clientId,
            topic: config.kafka.topic,
            compression: config.kafka.compression,
          },
          log.child({ module: 'kafka' }),
        )
      : undefined);
  const forwarder = publisher
    ? new Forwarder(
        store,
        publisher,
        weather,
        {
          gatewayId: config.gatewayId,
          batchSize: config.kafka.batchSize,
          idleMs: config.kafka.idleMs,
          retryMinDelayMs: config.kafka.retryMinDelayMs,
          retryMaxDelayMs: config.kafka.retryMaxDelayMs,
        },
        log.child({ module: 'forwarder' }),
        {
          onPublished: (n, s) => {
            metrics.forwardPublished.inc(n);
            metrics.forwardLatency.observe(s);
          },
          onRetry: () => {
            metrics.forwardRetries.inc();
            metrics.forwardLastError.set(Date.now() / 1000);
          },
          onWeather: (state, n) => metrics.enriched.inc({ weather: state }, n),
        },
      )
    : undefined;
  const ingest = new IngestService(store, metrics, log.child({ module: 'ingest' }), {
    highWaterMark: config.store.highWaterMark,
    retryAfterSeconds: config.store.retryAfterSeconds,
    pendingCount: () => store.pendingEvents,
    ...(forwarder ? { onAccepted: () => forwarder.notify() } : {}),
  });
  let monitoring: MonitoringService | undefined;
  let alerts: AlertEngine | undefined;
  const mqttSink = config.monitoring.alerts.mqttUrl
    ? new MqttAlertSink(config.monitoring.alerts.mqttUrl, config.monitoring.alerts.mqttTopic)
    : undefined;
  if (config.monitoring.enabled) {
    const promMetrics = registerMonitoringMetrics(
      metrics.registry,
      () => monitoring,
      () => alerts?.activeAlerts().length ?? 0,
    );
    monitoring = new MonitoringService(
      config.monitoring,
      log.child({ module: 'monitoring' }),
      {
        onCollect: (s) => promMetrics.collectCpu.observe(s),
        onScrapeError: (target) => promMetrics.scrapeErrors.inc({ target }),
      },
      options.now,
      hostname(),
    );
    const sinks: AlertSink[] = mqttSink ? [mqttSink] : [];
    alerts = new AlertEngine(
      monitoring,
      config.monitoring.alerts.rules,
      sinks,
      log.child({ module: 'alerts' }),
      config.monitoring.alerts.evaluateSeconds * 1000,
      { onEvent: promMetrics.onAlert },
    );
  }
  const commandRelay =
    config.kafka.brokers.length > 0 && config.kafka.commandsTopic
      ? new KafkaCommandRelay(
          {
            brokers: config.kafka.brokers,
            clientId: `${config.kafka.clientId}-commands`,
            groupId: `${config.gatewayId}-commands`,
            topic: config.kafka.commandsTopic,
          },
          commands,
          log.child({ module: 'command-relay' }),
        )
      : undefined;
  const mqttParts: { ingest: MqttIngest | undefined; broker: EmbeddedBroker | undefined } = {
    ingest: undefined,
    broker: config.mqtt.embeddedBroker.enabled
      ? new EmbeddedBroker(config.mqtt.embeddedBroker, log.child({ module: 'mqtt-broker' }))
      : undefined,
  };
  const deps = {
    config,
    ...(config.mqtt.enabled
      ? { readiness: [{ name: 'mqtt', check: () => mqttParts.ingest?.connected ?? false }] }
      : {}),
    commands: {
      queue: commands,
      defaultTtlSeconds: config.commands.defaultTtlSeconds,
      maxWaitSeconds: config.commands.maxWaitSeconds,
    },
    store,
    metadata,
    ingest,
    metrics,
    log,
    maskedConfig: maskSecrets(config, GatewayConfigSchema),
    ...(embeddedSink ? { sinkSummary: () => embeddedSink.summary() } : {}),
    ...(monitoring && alerts
      ? { monitoringApi: { monitoring, alerts, credentials: config.monitoring.credentials } }
      : {}),
  };
  const server = await buildServer(deps);
  const legacyServers = await Promise.all(config.http.legacyPorts.map(() => buildServer(deps)));
  const retention = new RetentionJob(store, config.retention, metrics, log.child({ module: 'retention' }), Date.now, [
    () => {
      const n = commands.purgeExpired();
      if (n > 0) log.debug({ purged: n }, 'expired commands purged');
    },
  ]);

  let started = false;
  return {
    config,
    store,
    local,
    metrics,
    server,
    retention,
    legacyServers,
    monitoring,
    alerts,
    forwarder,
    weather,
    commands,
    commandRelay,
    embeddedSink,
    mqtt: mqttParts,
    async start() {
      retention.start();
      weather?.start();
      forwarder?.start();
      // The relay reconnects by itself; a Kafka outage at start must not keep the gateway from serving.
      commandRelay?.start().catch((err: unknown) => log.error({ err }, 'command relay failed to start'));
      monitoring?.start();
      alerts?.start();
      if (mqttParts.broker) await mqttParts.broker.start();
      if (config.mqtt.enabled) {
        const m = config.mqtt;
        mqttParts.ingest = new MqttIngest(
          {
            ...m,
            // With the embedded broker on, ingest uses it, on one connection: aedes has no shared subscriptions.
            url: mqttParts.broker ? `mqtt://127.0.0.1:${mqttParts.broker.port}` : m.url,
            connections: mqttParts.broker ? 1 : m.connections,
          },
          ingest,
          log.child({ module: 'mqtt-ingest' }),
        );
        mqttParts.ingest.start();
      }
      const addresses = [await server.listen({ host: config.http.host, port: config.http.port })];
      for (const [i, s] of legacyServers.entries()) {
        addresses.push(await s.listen({ host: config.http.host, port: config.http.legacyPorts[i] as number }));
      }
      started = true;
      return addresses;
    },
    async stop() {
      // Long polls would hold the close for their whole wait: answer them now.
      const servers = [server, ...legacyServers];
      const closing = Promise.all(servers.map((s) => s.close()));
      commands.wakeAll();
      // In-flight requests get the grace period; a connection still open after it (a client that went away
      // half-way) is cut so that the store can close.
      const grace = setTimeout(() => {
        log.warn(
          { graceMs: config.http.shutdownTimeoutMs / 2 },
          'closing connections still open after the grace period',
        );
        for (const s of servers) s.server.closeAllConnections();
      }, config.http.shutdownTimeoutMs / 2);
      await closing;
      clearTimeout(grace);
      await commandRelay?.stop().catch(() => {});
      await mqttParts.ingest?.stop();
      await mqttParts.broker?.stop();
      if (started) await retention.stop();
      await forwarder?.stop();
      await weather?.stop();
      alerts?.stop();
      await monitoring?.stop();
      await mqttSink?.close();
      await store.close();
      if (store !== local) await local.close();
    },
  };
}

function createMongoStore(config: Readonly<GatewayConfig>): MongoEventStore {
  const m = config.store.mongo;
  return new MongoEventStore({
    url: m.url,
    database: m.database,
    collection: m.collection,
    writeConcern: { w: 1, journal: m.journal },
    timeoutMs: m.timeoutMs,
  });
}

/**
 * The cloud sink in this process (single box): loaded only when enabled, so a gateway that forwards to Kafka never
 * loads TensorFlow.js. Its commands go straight into the command queue the agents poll.
 */
async function createEmbeddedSink(
  config: Readonly<GatewayConfig>,
  log: Logger,
  commands: CommandQueue,
): Promise<EmbeddedSink | undefined> {
  const e = config.embeddedSink;
  if (!e.enabled) return undefined;
  const { EmbeddedSink } = await import('@hvac-edge/cloud-sink/embedded');
  return new EmbeddedSink(
    { ...e, commandTtlSeconds: config.commands.defaultTtlSeconds },
    log.child({ module: 'embedded-sink' }),
    (cmds) => {
      for (const c of cmds) {
        commands.enqueue({
          id: c.idempotencyKey,
          device: c.device,
          command: 'setpoint',
          value: c.setpoint,
          source: `embedded:${c.model}`,
          createdAt: c.issuedAt,
          expiresAt: c.expiresAt,
        });
      }
    },
  );
}

function createWeather(
  config: Readonly<GatewayConfig>,
  log: Logger,
  metrics: GatewayMetrics,
): WeatherService | undefined {
  const w = config.weather;
  const base = w.baseUrl ? { baseUrl: w.baseUrl } : {};
  let provider: WeatherProvider;
  switch (w.provider) {
    case 'none':
      return undefined;
    case 'fixed':
      provider = new FixedWeatherProvider(w.fixed);
      break;
    case 'simulated':
      log.warn({ seed: w.simulatedSeed }, 'SIMULATED weather in use (weather.provider: simulated): not observed');
      provider = new SimulatedWeatherProvider(w.simulatedSeed);
      break;
    case 'openweathermap':
      if (!w.apiKey)
        throw new Error('weather.provider openweathermap needs weather.apiKey (or GATEWAY_WEATHER_API_KEY_FILE)');
      provider = new OpenWeatherMapProvider({
        apiKey: w.apiKey,
        lat: w.lat,
        lon: w.lon,
        timeoutMs: w.timeoutMs,
        ...base,
      });
      break;
    case 'open-meteo':
      provider = new OpenMeteoProvider({ lat: w.lat, lon: w.lon, timeoutMs: w.timeoutMs, ...base });
      break;
  }
  return new WeatherService(
    provider,
    {
      schedule: w.schedule,
      maxAgeSeconds: w.maxAgeMinutes * 60,
      retries: w.retries,
      retryMinDelayMs: w.retryMinDelayMs,
    },
    log.child({ module: 'weather' }),
    {
      onPoll: (outcome) => metrics.weatherPolls.inc({ provider: provider.name, outcome }),
      onRetry: () => metrics.weatherRetries.inc(),
    },
  );
}
