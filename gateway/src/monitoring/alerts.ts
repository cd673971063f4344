import type { Logger } from 'pino';
import type { GatewayMetrics } from '../metrics.js';
import type { AlertRule } from './config.js';
import { aggregate } from './history.js';
import type { MonitoringService } from './monitoring-service.js';

export type AlertLevel = 'info' | 'warning' | 'critical';
const LEVELS: AlertLevel[] = ['critical', 'warning', 'info'];

export interface AlertEvent {
  rule: string;
  target: string;
  metric: string;
  state: 'firing' | 'resolved';
  level: AlertLevel;
  /** The aggregate over the hold window that decided the state. */
  value: number | null;
  threshold: number | null;
  at: number;
}

/** Where alert events go besides the log and the API (e.g. MQTT). */
export interface AlertSink {
  publish(event: AlertEvent): Promise<void>;
}

/**
 * Threshold rules over a hold window (the aggregate of the last `holdSeconds` must cross the level), evaluated on a
 * timer. A target fires at the highest level it meets, moves between levels, and resolves when it meets none.
 */
export class AlertEngine {
  readonly name = 'alerts';
  private readonly active = new Map<string, AlertEvent>();
  private readonly recent: AlertEvent[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly monitoring: MonitoringService,
    private readonly rules: readonly AlertRule[],
    private readonly sinks: AlertSink[],
    private readonly evaluateMs: number,
    private readonly metrics: Pick<GatewayMetrics, 'alertEvents'>,
    private readonly log: Logger,
  ) {}

  start(): void {
    if (this.rules.length === 0) return;
    this.timer = setInterval(() => this.evaluate(), this.evaluateMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  activeAlerts(): AlertEvent[] {
    return [...this.active.values()];
  }

  recentEvents(): AlertEvent[] {
    return [...this.recent];
  }

  private levelFor(rule: AlertRule, value: number): { level: AlertLevel; threshold: number } | undefined {
    for (const level of LEVELS) {
      const threshold = rule.levels[level];
      if (threshold === undefined) continue;
      if (rule.direction === 'above' ? value > threshold : value < threshold) return { level, threshold };
    }
    return undefined;
  }

  evaluate(): AlertEvent[] {
    const now = this.monitoring.now();
    const emitted: AlertEvent[] = [];
    for (const rule of this.rules) {
      for (const t of this.monitoring.targets.values()) {
        if (!rule.targets.includes('*') && !rule.targets.includes(t.name)) continue;
        const key = `${rule.name}\u0000${t.name}`;
        const series = t.series.get(rule.metric);
        const points = series ? series.range(now - rule.holdSeconds * 1000, now, now) : [];
        let value: number | null = null;
        if (points.length) {
          const merged = points.reduce((a, p) => ({
            at: p.at,
            min: Math.min(a.min, p.min),
            max: Math.max(a.max, p.max),
            sum: a.sum + p.sum,
            count: a.count + p.count,
            last: p.last,
          }));
          value = aggregate(merged, rule.aggregation);
        }
        const hit = value === null ? undefined : this.levelFor(rule, value);
        const prev = this.active.get(key);
        const base = { rule: rule.name, target: t.name, metric: rule.metric, value, at: now };
        if (hit && (!prev || prev.level !== hit.level)) {
          const e: AlertEvent = { ...base, state: 'firing', level: hit.level, threshold: hit.threshold };
          this.active.set(key, e);
          emitted.push(e);
        } else if (!hit && prev) {
          this.active.delete(key);
          emitted.push({ ...base, state: 'resolved', level: prev.level, threshold: prev.threshold });
        }
      }
    }
    for (const e of emitted) this.emit(e);
    return emitted;
  }

  private emit(e: AlertEvent): void {
    this.recent.push(e);
    if (this.recent.length > 1000) this.recent.shift();
    const fields = { alert: e };
    if (e.state === 'firing') this.log.warn(fields, `alert ${e.rule} firing (${e.level}) on ${e.target}`);
    else this.log.info(fields, `alert ${e.rule} resolved on ${e.target}`);
    this.metrics.alertEvents.inc({ rule: e.rule, level: e.level, state: e.state });
    for (const s of this.sinks) {
      s.publish(e).catch((err: unknown) => this.log.warn({ err, rule: e.rule }, 'alert publish failed'));
    }
  }
}
