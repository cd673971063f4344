import type { SeriesQuery } from '@hvac-edge/cloud-sink/embedded';
import type { Logger } from 'pino';
import type { CommandQueue } from '../commands/command-queue.js';
import type { GatewayConfig } from '../config.js';
import type { DegradationCheck } from '../health.js';
import type { IngestService } from '../ingest.js';
import type { MetadataStore } from '../metadata/metadata-store.js';
import type { GatewayMetrics } from '../metrics.js';
import type { MonitoringPluginOptions } from '../monitoring/plugin.js';
import type { EventStore } from '../store/event-store.js';

export const SERVICE_NAME = 'hvac-edge-gateway';
export const VERSION = '0.1.0';

/** One dependency /readyz checks (the store always; MQTT, Kafka ... when in use). */
export interface ReadinessCheck {
  name: string;
  check: () => Promise<boolean> | boolean;
}

/** What the gateway's route plugins take: they import this module, never the server that registers them. */
export interface RouteDeps {
  config: Readonly<GatewayConfig>;
  store: EventStore;
  metadata: MetadataStore;
  ingest: IngestService;
  /** The downlink: the durable command queue the agents long-poll. */
  commands: CommandQueue;
  metrics: GatewayMetrics;
  log: Logger;
  /** The resolved config with secrets masked, for /api/v3/config. */
  maskedConfig: unknown;
  /** Checks beyond the store's that must all pass for /readyz. */
  readiness: ReadinessCheck[];
  /** Ways of being degraded (still ready): /readyz names the ones that hold. */
  degradation: DegradationCheck[];
  /** The embedded cloud sink's points, when it runs in this process (/api/v3/sink/...). */
  sink?: SinkView;
}

export interface SinkView {
  summary(): Promise<unknown>;
  series(q: SeriesQuery): Array<[number, number]>;
}

export interface ServerDeps extends RouteDeps {
  /** The monitoring API, when monitoring is enabled. */
  monitoring?: MonitoringPluginOptions;
}
