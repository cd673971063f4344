import { makeEvent, promtoolCheckMetrics } from '@hvac-edge/test/support';
import { afterEach, describe, expect, it } from 'vitest';
import type { TestGateway } from '../helpers.js';
import { monitoringGet, pushLines, startMonitoringGateway } from './helpers.js';

const HOUR = 3_600_000;
const MIN = 60_000;
const TOTAL = 8_000_000_000;

/** Telegraf `mem` lines for vm3: one per point, memory use at the given percentages. */
const memLines = (points: Array<{ at: number; pct: number }>) =>
  points
    .map(
      ({ at, pct }) =>
        `mem,host=vm3 available=${Math.round(TOTAL * (1 - pct / 100))}i,total=${TOTAL}i ${BigInt(at) * 1_000_000n}`,
    )
    .join('\n');

describe('monitoring API: anomaly scores and capacity forecasts', () => {
  let gw: TestGateway;
  let clock: { now: number };
  afterEach(async () => gw?.dispose());

  const get = (url: string, headers?: Record<string, string>) => monitoringGet(gw, url, headers);
  const push = (body: string) => pushLines(gw, body);

  it('scores every point of a window, marks a spike critical and leaves ordinary points normal', async () => {
    ({ gw, clock } = await startMonitoringGateway());
    const start = clock.now - 20 * HOUR;
    const spikeAt = start + 15 * HOUR;
    const points = Array.from({ length: 20 * 60 }, (_, i) => {
      const at = start + i * MIN;
      // A steady level with a small deterministic wobble, and one spike.
      return { at, pct: at === spikeAt ? 95 : 40 + 2 * Math.sin(i / 7) };
    });
    expect((await push(memLines(points))).statusCode).toBe(204);
    const r = await get(`/infra/cloudServices/vm3/anomaly/mem_usage?start=${start}&end=${clock.now}`);
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body).toMatchObject({ name: 'vm3', metric: 'mem_usage', unit: '%', stepSeconds: 60 });
    expect(body.points).toHaveLength(points.length);
    const spike = body.points.find((p: { now: string }) => p.now === new Date(spikeAt).toISOString());
    expect(spike).toMatchObject({ score: 1, level: 'critical', reason: 'new-extreme' });
    const late = body.points.slice(-120);
    expect(late.every((p: { level: string }) => p.level === 'normal')).toBe(true);
    for (const p of body.points) {
      expect(p.score).toBeGreaterThanOrEqual(0);
      expect(p.score).toBeLessThanOrEqual(1);
    }
  });

  it('forecasts linear growth: days until the threshold within 10 % of the truth, null past the horizon', async () => {
    ({ gw, clock } = await startMonitoringGateway());
    const start = clock.now - 10 * 24 * HOUR;
    // 40 % growing 1 %/day, a daily wobble of ±3 %: 90 % is reached 40 days after the last point.
    const points = Array.from({ length: 10 * 24 }, (_, h) => ({
      at: start + h * HOUR,
      pct: 40 + h / 24 + 3 * Math.sin((2 * Math.PI * h) / 24),
    }));
    expect((await push(memLines(points))).statusCode).toBe(204);
    const r = await get('/infra/cloudServices/vm3/forecast/mem_usage?horizonDays=60');
    expect(r.statusCode).toBe(200);
    const f = r.json();
    expect(f).toMatchObject({ name: 'vm3', metric: 'mem_usage', threshold: 90, seasonal: true, fittedPoints: 240 });
    expect(f.trendPerDay).toBeCloseTo(1, 1);
    const lastPoint = points.at(-1) as { at: number; pct: number };
    const trueDays = (90 - (40 + 239 / 24)) / 1;
    expect(Math.abs(f.daysUntilThreshold - trueDays) / trueDays).toBeLessThan(0.1);
    expect(f.series).toHaveLength(60 * 24);
    expect(f.series[0].now).toBe(new Date(lastPoint.at + HOUR).toISOString());
    for (const p of f.series) expect(p.lower).toBeLessThanOrEqual(p.value);
    const short = await get('/infra/cloudServices/vm3/forecast/mem_usage?horizonDays=30');
    expect(short.json().daysUntilThreshold).toBeNull();
    const custom = await get('/infra/cloudServices/vm3/forecast/mem_usage?horizonDays=30&threshold=55');
    expect(custom.json().daysUntilThreshold).toBeGreaterThan(0);
  });

  it('bounds the window, the horizon and the threshold; needs the credential', async () => {
    ({ gw, clock } = await startMonitoringGateway());
    expect((await push(memLines([{ at: clock.now - HOUR, pct: 40 }]))).statusCode).toBe(204);
    expect((await get('/infra/cloudServices/vm3/anomaly/mem_usage', {})).statusCode).toBe(401);
    expect((await get('/infra/cloudServices/vm3/forecast/mem_usage', {})).statusCode).toBe(401);
    const old = await get(`/infra/cloudServices/vm3/anomaly/mem_usage?start=${clock.now - 40 * 24 * HOUR}`);
    expect(old.statusCode).toBe(400);
    expect(old.json().message).toMatch(/the window must lie within/);
    const reversed = await get(`/infra/cloudServices/vm3/anomaly/mem_usage?start=${clock.now}&end=${clock.now - HOUR}`);
    expect(reversed.json().message).toBe('end is before start');
    for (const h of ['0', '366', '1.5', 'x']) {
      const r = await get(`/infra/cloudServices/vm3/forecast/mem_usage?horizonDays=${h}`);
      expect(r.statusCode, h).toBe(400);
      expect(r.json().message).toMatch(/horizonDays/);
    }
    for (const t of ['Infinity', '1e400', '-1e999']) {
      const r = await get(`/infra/cloudServices/vm3/forecast/mem_usage?threshold=${t}`);
      expect(r.statusCode, t).toBe(400);
      expect(r.json().message).toMatch(/threshold must be a finite number/);
    }
    expect((await get('/infra/cloudServices/vm3/forecast/mem_usage?threshold=NaN')).statusCode).toBe(400);
    const noThreshold = await get('/infra/cloudServices/vm3/forecast/mem_total');
    expect(noThreshold.statusCode).toBe(400);
    expect(noThreshold.json().message).toMatch(/threshold is required for mem_total/);
    expect((await get('/infra/cloudServices/vm3/forecast/gpu')).statusCode).toBe(404);
    expect((await get('/infra/cloudServices/vm9/anomaly/mem_usage')).statusCode).toBe(404);
    // Too little history: no forecast, said plainly.
    const thin = (await get('/infra/cloudServices/vm3/forecast/mem_usage')).json();
    expect(thin).toMatchObject({ fittedPoints: 1, trendPerDay: null, daysUntilThreshold: null, series: [] });
  });

  it("records the gateway's own buffer and exports its runway against retention.maxDiskBytes", async () => {
    ({ gw, clock } = await startMonitoringGateway({ 'retention.maxDiskBytes': 50_000_000 }));
    const monitoring = gw.monitoring;
    if (!monitoring) throw new Error('monitoring is on by default');
    await monitoring.collectHost();
    const first = (await get('/infra/cloudServices/host/monitoring/buffer_bytes')).json().value;
    expect(first).toBeGreaterThan(0);
    // The buffer grows: events accepted between collections.
    for (let k = 1; k <= 3; k++) {
      for (let i = 0; i < 500; i++) await gw.store.append(makeEvent());
      clock.now += 10 * MIN;
      await monitoring.collectHost();
    }
    const runway = monitoring.bufferRunwaySeconds();
    expect(runway).toBeGreaterThan(0);
    expect(Number.isFinite(runway)).toBe(true);
    const metrics = await gw.server.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/^hvac_gateway_buffer_runway_seconds \S+$/m);
    const check = promtoolCheckMetrics(metrics.body);
    expect(check.output).toBe('');
    const f = (await get('/infra/cloudServices/host/forecast/buffer_bytes')).json();
    expect(f.threshold).toBe(50_000_000);
  });
});
