import type { AlertEvent, AlertLevel, AlertSink } from '@hvac-edge/shared/alerts';
import type { Logger } from 'pino';
import type { GatewayMetrics } from '../metrics.js';
import type { AlertRule } from './config.js';
import { aggregate } from './history.js';
import type { MonitoringService } from './monitoring-service.js';

export type { AlertEvent, AlertLevel, AlertSink };

const LEVELS: AlertLevel[] = ['critical', 'warning', 'info'];

/**
 * Alert rules evaluated on a timer: threshold rules over a hold window (the aggregate of the last `holdSeconds` must
 * cross the level) and anomaly rules (the novelty detector's level over the hold window). A target fires at the
 * highest level it meets, moves between levels, and resolves when it meets none.
 */
export class AlertEngine implements AlertSink {
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
    for (const r of this.rules) {
      if (r.kind === 'threshold' && Object.keys(r.levels).length === 0) {
        this.log.warn(
          { rule: r.name },
          `alert rule ${r.name} has no levels: a threshold rule without them never fires`,
        );
      }
    }
    if (this.rules.length === 0) return;
    this.timer = setInterval(() => this.evaluate(), this.evaluateMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /**
   * An alert decided elsewhere (the embedded sink's room watch): listed, counted, logged and published like the
   * rules' own, active from its `firing` event to its `resolved` one.
   */
  async publish(e: AlertEvent): Promise<void> {
    const key = `${e.rule}\u0000${e.target}`;
    if (e.state === 'firing') this.active.set(key, e);
    else this.active.delete(key);
    this.emit(e);
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
        if (rule.kind === 'anomaly') {
          const hit = this.anomalyLevel(rule, t.name, now);
          this.decide(key, rule, t.name, hit?.score ?? null, hit, now, emitted);
          continue;
        }
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
        this.decide(key, rule, t.name, value, hit, now, emitted);
      }
    }
    for (const e of emitted) this.emit(e);
    return emitted;
  }

  private decide(
    key: string,
    rule: AlertRule,
    target: string,
    /** What decided the state: the threshold rule's aggregate, the anomaly rule's score (null when none). */
    value: number | null,
    hit: { level: AlertLevel; threshold: number | null } | undefined,
    now: number,
    emitted: AlertEvent[],
  ): void {
    const prev = this.active.get(key);
    const base = { rule: rule.name, target, metric: rule.metric, value, at: now };
    if (hit && (!prev || prev.level !== hit.level)) {
      const e: AlertEvent = { ...base, state: 'firing', level: hit.level, threshold: hit.threshold };
      this.active.set(key, e);
      emitted.push(e);
    } else if (!hit && prev) {
      this.active.delete(key);
      emitted.push({ ...base, state: 'resolved', level: prev.level, threshold: prev.threshold });
    }
  }

  /**
   * An anomaly rule's verdict: the highest level the novelty detector gave a point of the hold window (at least
   * the last ten minutes), when it reaches the rule's minLevel, with that point's score; anomaly rules have no
   * threshold.
   */
  private anomalyLevel(rule: AlertRule, target: string, now: number) {
    const from = now - Math.max(rule.holdSeconds * 1000, 600_000);
    const { points } = this.monitoring.anomalies(target, rule.metric, from, now);
    let best: { level: AlertLevel; threshold: null; score: number } | undefined;
    for (const p of points) {
      if (p.level === 'normal' || LEVELS.indexOf(p.level) > LEVELS.indexOf(rule.minLevel)) continue;
      if (!best || LEVELS.indexOf(p.level) < LEVELS.indexOf(best.level))
        best = { level: p.level, threshold: null, score: p.score };
    }
    return best;
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
