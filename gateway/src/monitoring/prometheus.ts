import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { AlertEvent } from './alerts.js';
import { METRICS, type MetricName } from './catalog.js';
import type { MonitoringService } from './monitoring-service.js';

export interface MonitoringMetrics {
  collectCpu: Histogram;
  scrapeErrors: Counter<'target'>;
  alertEvents: Counter<'rule' | 'level' | 'state'>;
  onAlert(e: AlertEvent): void;
}

/**
 * Host and VM metrics in Prometheus format too, so existing tooling can scrape them from the gateway's /metrics.
 * Values are read at scrape time from the monitoring service; nothing is copied on the collection path.
 */
export function registerMonitoringMetrics(
  registry: Registry,
  monitoring: () => MonitoringService | undefined,
  activeAlerts: () => number,
): MonitoringMetrics {
  new Gauge({
    name: 'hvac_monitoring_value',
    help: `Latest value per target and metric; units: ${Object.entries(METRICS)
      .map(([m, d]) => `${m} ${d.unit}`)
      .join(', ')}`,
    labelNames: ['target', 'metric'] as const,
    registers: [registry],
    collect() {
      this.reset();
      const m = monitoring();
      if (!m) return;
      for (const t of m.targets.values()) {
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
      const m = monitoring();
      for (const t of m?.targets.values() ?? []) this.set({ target: t.name }, m?.isStale(t) ? 1 : 0);
    },
  });
  new Gauge({
    name: 'hvac_monitoring_target_last_sample_timestamp_seconds',
    help: 'Unix time of the last sample of each target',
    labelNames: ['target'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const t of monitoring()?.targets.values() ?? []) {
        if (t.lastSampleAt !== undefined) this.set({ target: t.name }, t.lastSampleAt / 1000);
      }
    },
  });
  new Gauge({
    name: 'hvac_monitoring_history_bytes',
    help: 'Memory held by the metric history (fixed per series)',
    registers: [registry],
    collect() {
      this.set(monitoring()?.stats().bytes ?? 0);
    },
  });
  new Gauge({
    name: 'hvac_monitoring_history_series',
    help: 'Series (target x metric) in the history',
    registers: [registry],
    collect() {
      this.set(monitoring()?.stats().series ?? 0);
    },
  });
  new Gauge({
    name: 'hvac_monitoring_downsampling_ratio',
    help: 'Raw samples per stored point in each roll-up tier (tier step / collection interval)',
    labelNames: ['tier'] as const,
    registers: [registry],
    collect() {
      const m = monitoring();
      if (!m) return;
      const interval = m.config.intervalSeconds;
      this.set({ tier: '1m' }, 60 / interval);
      this.set({ tier: '1h' }, 3600 / interval);
    },
  });
  new Gauge({
    name: 'hvac_monitoring_alerts_active',
    help: 'Alerts firing now',
    registers: [registry],
    collect() {
      this.set(activeAlerts());
    },
  });
  const alertEvents = new Counter({
    name: 'hvac_monitoring_alert_events_total',
    help: 'Alert state changes by rule, level and state (firing, resolved)',
    labelNames: ['rule', 'level', 'state'] as const,
    registers: [registry],
  });
  return {
    collectCpu: new Histogram({
      name: 'hvac_monitoring_collect_cpu_seconds',
      help: 'CPU time spent on one collection of the host metrics',
      buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05],
      registers: [registry],
    }),
    scrapeErrors: new Counter({
      name: 'hvac_monitoring_scrape_errors_total',
      help: 'Failed node_exporter scrapes by target',
      labelNames: ['target'] as const,
      registers: [registry],
    }),
    alertEvents,
    onAlert: (e) => alertEvents.inc({ rule: e.rule, level: e.level, state: e.state }),
  };
}
