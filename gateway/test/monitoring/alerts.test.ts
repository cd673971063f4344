import { loadConfig } from '@hvac-edge/shared';
import { metricValue } from '@hvac-edge/test/support';
import { Type } from '@sinclair/typebox';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GatewayMetrics } from '../../src/metrics.js';
import { AlertEngine, type AlertEvent } from '../../src/monitoring/alerts.js';
import { type AlertRule, MonitoringConfigSchema } from '../../src/monitoring/config.js';
import { MonitoringService } from '../../src/monitoring/monitoring-service.js';

/** A monitoring service on default config and an alert engine with one rule, its events collected. */
function engineFor(rule: AlertRule, evaluateMs: number) {
  const { monitoring: config } = loadConfig<{ monitoring: any }>(Type.Object({ monitoring: MonitoringConfigSchema }), {
    prefix: 'X_',
    env: {},
  });
  const metrics = new GatewayMetrics({ defaultMetrics: false });
  const m = new MonitoringService(config, metrics, pino({ level: 'silent' }), Date.now);
  const published: AlertEvent[] = [];
  const engine = new AlertEngine(
    m,
    [rule],
    [{ publish: async (e) => void published.push(e) }],
    evaluateMs,
    metrics,
    pino({ level: 'silent' }),
  );
  return { m, metrics, engine, published };
}

describe('alerts', () => {
  beforeEach(() => vi.useFakeTimers({ now: Date.UTC(2026, 10, 22) }));
  afterEach(() => vi.useRealTimers());

  it('fires after the hold window, escalates, and resolves; events go to sinks and /metrics', async () => {
    const { m, metrics, engine, published } = engineFor(
      {
        name: 'cpu-hot',
        kind: 'threshold',
        minLevel: 'warning',
        metric: 'cpu_usage',
        targets: ['vm1'],
        aggregation: 'avg',
        holdSeconds: 60,
        direction: 'above',
        levels: { warning: 80, critical: 95 },
      },
      10_000,
    );
    engine.start();
    const feed = (value: number) => m.ingest('vm1', 'vm1', 'push', { at: Date.now(), cpuUsagePct: value });
    // 60 s at 50 %: nothing.
    for (let i = 0; i < 6; i++) {
      feed(50);
      await vi.advanceTimersByTimeAsync(10_000);
    }
    expect(published).toEqual([]);
    // A single spike does not move a 60 s average over 80.
    feed(100);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(published).toEqual([]);
    // Sustained load: the average crosses 80 -> warning, then 95 -> critical.
    for (let i = 0; i < 7; i++) {
      feed(99);
      await vi.advanceTimersByTimeAsync(10_000);
    }
    expect(published.map((e) => `${e.state}:${e.level}`)).toEqual(['firing:warning', 'firing:critical']);
    expect(engine.activeAlerts()).toHaveLength(1);
    // Load drops: steps down to warning as the average passes below 95, resolves below 80.
    for (let i = 0; i < 7; i++) {
      feed(10);
      await vi.advanceTimersByTimeAsync(10_000);
    }
    expect(published.map((e) => `${e.state}:${e.level}`)).toEqual([
      'firing:warning',
      'firing:critical',
      'firing:warning',
      'resolved:warning',
    ]);
    expect(engine.activeAlerts()).toEqual([]);
    const counted = (state: string, level: string) =>
      metricValue(metrics.registry, 'hvac_monitoring_alert_events_total', { rule: 'cpu-hot', state, level });
    expect([await counted('firing', 'warning'), await counted('firing', 'critical')]).toEqual([2, 1]);
    expect([await counted('resolved', 'warning'), await counted('resolved', 'critical')]).toEqual([1, 0]);
    expect(published[1]).toMatchObject({ rule: 'cpu-hot', target: 'vm1', metric: 'cpu_usage', threshold: 95 });
    // A resolved event carries the aggregate that resolved it, below every level.
    expect(published[3]?.value).toBeLessThan(80);
    engine.stop();
  });

  it("fires an anomaly rule at the novelty detector's level and resolves when the window holds none", async () => {
    const { m, engine, published } = engineFor(
      {
        name: 'cpu-odd',
        kind: 'anomaly',
        minLevel: 'warning',
        metric: 'cpu_usage',
        targets: ['*'],
        aggregation: 'avg',
        holdSeconds: 300,
        direction: 'above',
        levels: {},
      },
      60_000,
    );
    const feed = (value: number) => m.ingest('vm1', 'vm1', 'push', { at: Date.now(), cpuUsagePct: value });
    // Twelve hours of an ordinary wobble, one sample a minute: learnt, nothing fires.
    for (let i = 0; i < 720; i++) {
      feed(30 + 5 * Math.sin(i / 9));
      vi.setSystemTime(Date.now() + 60_000);
    }
    expect(engine.evaluate()).toEqual([]);
    feed(97);
    vi.setSystemTime(Date.now() + 60_000);
    expect(engine.evaluate()).toMatchObject([
      { rule: 'cpu-odd', target: 'vm1', state: 'firing', level: 'critical', value: 1, threshold: null },
    ]);
    for (let i = 0; i < 15; i++) {
      feed(30 + 5 * Math.sin(i / 9));
      vi.setSystemTime(Date.now() + 60_000);
    }
    expect(engine.evaluate()).toMatchObject([{ rule: 'cpu-odd', state: 'resolved' }]);
    expect(published.map((e) => e.state)).toEqual(['firing', 'resolved']);
  });
});
