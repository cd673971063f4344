import { registerProcessMetrics } from '@hvac-edge/shared/process-metrics';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export type IngestTransport = 'http-v3' | 'http-v1' | 'mqtt';
export type IngestOutcome =
  | 'accepted'
  | 'duplicate'
  | 'invalid'
  | 'rejected_full'
  | 'rate_limited'
  | 'error'
  | 'poison';

/**
 * The gateway's Prometheus metrics, on a registry of its own (no global state). Every component reports through this
 * one object (each takes the part it updates); scrape-time gauges over a component's state are registered by the
 * component's factory.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly ingest = new Counter({
    name: 'hvac_gateway_ingest_total',
    help: 'Events offered to the gateway, by transport and outcome',
    labelNames: ['transport', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly requestDuration = new Histogram({
    name: 'hvac_gateway_http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly storeCommitSeconds = new Histogram({
    name: 'hvac_gateway_store_commit_seconds',
    help: 'Embedded store: duration of each transaction of appends, fsync included (synchronous=full)',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });
  readonly storeCommitEvents = new Histogram({
    name: 'hvac_gateway_store_commit_events',
    help: 'Embedded store: events per transaction of appends (group commit)',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
    registers: [this.registry],
  });
  readonly bufferPending = new Gauge({
    name: 'hvac_gateway_buffer_pending_events',
    help: 'Events durable in the store and not yet forwarded',
    registers: [this.registry],
  });
  readonly bufferTotal = new Gauge({
    name: 'hvac_gateway_buffer_events',
    help: 'Events in the store, forwarded or not',
    registers: [this.registry],
  });
  readonly bufferBytes = new Gauge({
    name: 'hvac_gateway_buffer_bytes',
    help: 'Bytes used by the store',
    registers: [this.registry],
  });
  readonly oldestPendingAge = new Gauge({
    name: 'hvac_gateway_oldest_pending_age_seconds',
    help: 'Age of the oldest event not yet forwarded (0 when none)',
    registers: [this.registry],
  });
  readonly dropped = new Counter({
    name: 'hvac_gateway_events_dropped_total',
    help: 'Events removed from the store, by reason (forwarded_age, max_cap: already forwarded; disk_budget: may be pending)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly forwardPublished = new Counter({
    name: 'hvac_gateway_forward_published_total',
    help: 'Events published to Kafka and marked forwarded',
    registers: [this.registry],
  });
  readonly forwardLatency = new Histogram({
    name: 'hvac_gateway_forward_publish_seconds',
    help: 'Time for one batch to be acknowledged by Kafka',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly forwardRetries = new Counter({
    name: 'hvac_gateway_forward_retries_total',
    help: 'Failed publish attempts (each followed by a backoff and a retry)',
    registers: [this.registry],
  });
  readonly forwardLastError = new Gauge({
    name: 'hvac_gateway_forward_last_error_timestamp_seconds',
    help: 'Unix time of the last failed publish (0 = none since start); the reason is in the log',
    registers: [this.registry],
  });
  readonly clockSkew = new Counter({
    name: 'hvac_gateway_clock_skew_events_total',
    help: 'Events stored with an origin implausibly far from their receive time, by device and direction (ahead, behind)',
    labelNames: ['device', 'direction'] as const,
    registers: [this.registry],
  });

  readonly healthState = new Gauge({
    name: 'hvac_gateway_health_state',
    help: 'The gateway health /readyz reports: 1 for the current state (ok, degraded, not_ready), 0 for the others',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });

  readonly degraded = new Gauge({
    name: 'hvac_gateway_degraded',
    help: 'Why the gateway is degraded: 1 per reason that holds now (forwarder, backlog, buffer)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly kafkaRebuilds = new Counter({
    name: 'hvac_gateway_kafka_client_rebuilds_total',
    help: 'Kafka clients replaced because the cluster lost or fenced their state (by client: producer)',
    labelNames: ['client'] as const,
    registers: [this.registry],
  });

  readonly forwardDeadLettered = new Counter({
    name: 'hvac_gateway_forward_dead_lettered_total',
    help: 'Events refused downstream for good (too large, invalid) and set aside; the rest went on',
    registers: [this.registry],
  });
  readonly weatherPolls = new Counter({
    name: 'hvac_gateway_weather_polls_total',
    help: 'Weather polls by provider and outcome (ok, auth, rate_limited, timeout, malformed, http, network)',
    labelNames: ['provider', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly weatherRetries = new Counter({
    name: 'hvac_gateway_weather_retries_total',
    help: 'Weather requests retried within a poll',
    registers: [this.registry],
  });
  readonly enriched = new Counter({
    name: 'hvac_gateway_enriched_events_total',
    help: 'Forwarded events by the weather they carried (fresh, stale, none)',
    labelNames: ['weather'] as const,
    registers: [this.registry],
  });

  readonly commands = new Counter({
    name: 'hvac_gateway_commands_total',
    help: 'Set-point commands offered to the queue, by source (api, kafka, embedded) and outcome (queued, duplicate, expired, invalid)',
    labelNames: ['source', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly monitoringCollectCpu = new Histogram({
    name: 'hvac_monitoring_collect_cpu_seconds',
    help: 'CPU time spent on one collection of the host metrics',
    buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05],
    registers: [this.registry],
  });
  readonly monitoringScrapeErrors = new Counter({
    name: 'hvac_monitoring_scrape_errors_total',
    help: 'Failed node_exporter scrapes by target',
    labelNames: ['target'] as const,
    registers: [this.registry],
  });
  readonly alertEvents = new Counter({
    name: 'hvac_monitoring_alert_events_total',
    help: 'Alert state changes by rule, level and state (firing, resolved)',
    labelNames: ['rule', 'level', 'state'] as const,
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true) {
      registerProcessMetrics(this.registry, 'hvac_gateway_');
    }
  }
}
