import { hostname } from 'node:os';
import type { Component, Logger } from '@hvac-edge/shared';
import { MqttAlertSink } from '@hvac-edge/shared/alerts';
import type { GatewayConfig } from '../config.js';
import type { GatewayMetrics } from '../metrics.js';
import { AlertEngine } from './alerts.js';
import { MonitoringService } from './monitoring-service.js';
import type { MonitoringPluginOptions } from './plugin.js';
import { registerMonitoringGauges } from './prometheus.js';

export interface MonitoringFeature {
  service: MonitoringService;
  /** Collection, alert evaluation and the alert sink, in start order. */
  components: Component[];
  /** What the monitoring API plugin serves. */
  plugin: MonitoringPluginOptions;
}

/** Host/VM monitoring with its alerts and Prometheus gauges; undefined when `monitoring.enabled` is off. */
export function createMonitoring(
  config: Readonly<GatewayConfig>,
  metrics: GatewayMetrics,
  log: Logger,
  now: () => number = Date.now,
  bufferBytes?: () => Promise<number>,
): MonitoringFeature | undefined {
  const m = config.monitoring;
  if (!m.enabled) return undefined;
  const buffer = bufferBytes ? { bytes: bufferBytes, limitBytes: config.retention.maxDiskBytes } : undefined;
  const service = new MonitoringService(m, metrics, log.child({ module: 'monitoring' }), now, hostname(), buffer);
  const alertSink = m.alerts.mqttUrl ? new MqttAlertSink(m.alerts.mqttUrl, m.alerts.mqttTopic) : undefined;
  const alerts = new AlertEngine(
    service,
    m.alerts.rules,
    alertSink ? [alertSink] : [],
    m.alerts.evaluateSeconds * 1000,
    metrics,
    log.child({ module: 'alerts' }),
  );
  registerMonitoringGauges(metrics.registry, service, alerts);
  const sinkComponent: Component[] = alertSink ? [{ name: 'alert-sink', stop: () => alertSink.close() }] : [];
  return {
    service,
    components: [...sinkComponent, service, alerts],
    plugin: { monitoring: service, alerts, credentials: m.credentials },
  };
}
