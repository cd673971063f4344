import { hostname } from 'node:os';
import { type Logger, maskSecrets } from '@hvac-edge/shared';
import type { FastifyInstance } from 'fastify';
import { type GatewayConfig, GatewayConfigSchema } from './config.js';
import { buildServer } from './http/server.js';
import { IngestService } from './ingest.js';
import { SqliteMetadataStore } from './metadata/metadata-store.js';
import { GatewayMetrics } from './metrics.js';
import { AlertEngine, type AlertSink } from './monitoring/alerts.js';
import { MonitoringService } from './monitoring/monitoring-service.js';
import { MqttAlertSink } from './monitoring/mqtt-alert-sink.js';
import { registerMonitoringMetrics } from './monitoring/prometheus.js';
import { RetentionJob } from './retention.js';
import { SqliteEventStore } from './store/sqlite/sqlite-event-store.js';

export interface Gateway {
  readonly config: Readonly<GatewayConfig>;
  readonly store: SqliteEventStore;
  readonly metrics: GatewayMetrics;
  readonly server: FastifyInstance;
  readonly retention: RetentionJob;
  /** Host/VM monitoring, when `monitoring.enabled`. */
  readonly monitoring: MonitoringService | undefined;
  readonly alerts: AlertEngine | undefined;
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
  const store = new SqliteEventStore({ path: config.store.path, synchronous: config.store.synchronous });
  await store.open();
  const metadata = new SqliteMetadataStore(() => store.database);
  const ingest = new IngestService(store, metrics, log.child({ module: 'ingest' }), {
    highWaterMark: config.store.highWaterMark,
    retryAfterSeconds: config.store.retryAfterSeconds,
    pendingCount: () => store.pendingEvents,
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
  const deps = {
    config,
    store,
    metadata,
    ingest,
    metrics,
    log,
    maskedConfig: maskSecrets(config, GatewayConfigSchema),
    ...(monitoring && alerts
      ? { monitoringApi: { monitoring, alerts, credentials: config.monitoring.credentials } }
      : {}),
  };
  const server = await buildServer(deps);
  const legacyServers = await Promise.all(config.http.legacyPorts.map(() => buildServer(deps)));
  const retention = new RetentionJob(store, config.retention, metrics, log.child({ module: 'retention' }));

  let started = false;
  return {
    config,
    store,
    metrics,
    server,
    retention,
    legacyServers,
    monitoring,
    alerts,
    async start() {
      retention.start();
      monitoring?.start();
      alerts?.start();
      const addresses = [await server.listen({ host: config.http.host, port: config.http.port })];
      for (const [i, s] of legacyServers.entries()) {
        addresses.push(await s.listen({ host: config.http.host, port: config.http.legacyPorts[i] as number }));
      }
      started = true;
      return addresses;
    },
    async stop() {
      await Promise.all([server, ...legacyServers].map((s) => s.close()));
      if (started) await retention.stop();
      alerts?.stop();
      await monitoring?.stop();
      await mqttSink?.close();
      await store.close();
    },
  };
}
