import { Gauge, type Registry } from 'prom-client';
import type { AlertEngine } from './alerts.js';
import { METRICS, type MetricName } from './catalog.js';
import type { MonitoringService } from './monitoring-service.js';

/**
 * Host and VM metrics in Prometheus format too, so existing tooling can scrape them from the gateway's /metrics.
 * Values are read at scrape time from the monitoring service; nothing is copied on the collection path.
 */
export function registerMonitoringGauges(registry: Registry, monitoring: MonitoringService, alerts: AlertEngine): void {
  new Gauge({
    name: 'hvac_monitoring_value',
    help: `Latest value per target and metric; units: ${Object.entries(METRICS)
      .map(([m, d]) => `${m} ${d.unit}`)
      .join(', ')}`,
    labelNames: ['target', 'metric'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const t of monitoring.targets.values()) {
        for (const [metric, s] of t.series) {
          const latest = s.latest();
          if (latest) this.set({ target: t.name, metric: metric as MetricName }, latest.value);
        }
      }
    },
  });
  new Gauge({
    name: 'hvac_monitoring_target_stale',
    help: '1 when a target has not reported within monitoring.staleAfterSeconds',
    labelNames: ['target'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const t of monitoring.targets.values()) this.set({ target: t.name }, monitoring.isStale(t) ? 1 : 0);
    },
  });
  new Gauge({
    name: 'hvac_monitoring_target_last_sample_timestamp_seconds',
    help: 'Unix time of the last sample of each target',
    labelNames: ['target'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const t of monitoring.targets.values()) {
        if (t.lastSampleAt !== undefined) this.set({ target: t.name }, t.lastSampleAt / 1000);
      }
    },
  });
  new Gauge({
    name: 'hvac_monitoring_history_bytes',
    help: 'Memory held by the metric history (fixed per series)',
    registers: [registry],
    collect() {
      this.set(monitoring.stats().bytes);
    },
  });
  new Gauge({
    name: 'hvac_monitoring_history_series',
    help: 'Series (target x metric) in the history',
    registers: [registry],
    collect() {
      this.set(monitoring.stats().series);
    },
  });
  new Gauge({
    name: 'hvac_monitoring_downsampling_ratio',
    help: 'Raw samples per stored point in each roll-up tier (tier step / collection interval)',
    labelNames: ['tier'] as const,
    registers: [registry],
    collect() {
      const interval = monitoring.config.intervalSeconds;
      this.set({ tier: '1m' }, 60 / interval);
      this.set({ tier: '1h' }, 3600 / interval);
    },
  });
  new Gauge({
    name: 'hvac_monitoring_alerts_active',
    help: 'Alerts firing now',
    registers: [registry],
    collect() {
      this.set(alerts.activeAlerts().length);
    },
  });
  new Gauge({
    name: 'hvac_gateway_buffer_runway_seconds',
    help: 'Seconds until the event buffer fills retention.maxDiskBytes at its growth over the last hour (+Inf: not growing)',
    registers: [registry],
    collect() {
      const runway = monitoring.bufferRunwaySeconds();
      if (runway !== undefined) this.set(runway);
    },
  });
}
