import { afterEach, describe, expect, it } from 'vitest';
import type { TestGateway } from '../helpers.js';
import { monitoringGet, pushLines, startMonitoringGateway } from './helpers.js';

/** Monitoring requests an attacker holding a (leaked) monitoring credential could send. */
describe('monitoring API under hostile requests', () => {
  let gw: TestGateway;
  let clock: { now: number };
  afterEach(async () => gw?.dispose());

  const get = (url: string) => monitoringGet(gw, url);
  const push = (body: string, query = 'precision=ms') => pushLines(gw, body, query);

  it('bounds window queries: a huge end, a window past the history, or too many steps is a 400, fast', async () => {
    ({ gw, clock } = await startMonitoringGateway());
    gw.monitoring?.ingest('vm1', 'vm1', 'push', { at: clock.now, cpuUsagePct: 5 });
    const base = '/infra/cloudServices/vm1/monitoring/cpu_usage';
    const cases = [
      `?start=${clock.now - 60_000}&end=1e300`,
      `?start=${clock.now - 60_000}&end=99999999999999999999`,
      `?start=0&end=${clock.now}`,
      `?start=-8640000000000000&end=8640000000000000&step=1`,
      `?start=${clock.now - 6 * 86_400_000}&end=${clock.now}&step=1`,
    ];
    for (const q of cases) {
      const t0 = performance.now();
      const res = await get(`${base}${q}`);
      expect(performance.now() - t0, q).toBeLessThan(1000);
      expect(res.statusCode, q).toBe(400);
      expect(res.json().message, q).toMatch(/window must lie within|more than 10000 points|start|end/);
    }
    const ok = await get(`${base}?start=${clock.now - 60_000}&end=${clock.now}&step=10`);
    expect(ok.statusCode).toBe(200);
  });

  it('caps the number of targets (monitoring.maxTargets): 1000 new host tags in one push are refused', async () => {
    ({ gw, clock } = await startMonitoringGateway({ 'monitoring.maxTargets': 50 }));
    const rss0 = process.memoryUsage().rss;
    const flood = Array.from({ length: 1000 }, (_, i) => `cpu,cpu=cpu-total,host=h${i} usage_idle=50 ${clock.now}`);
    const res = await push(flood.join('\n'));
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/1000 new target\(s\) would pass monitoring\.maxTargets \(50\)/);
    // Within the cap, pushes go on; past it, one more host is refused and the kept ones still answer.
    for (let i = 0; i < 49; i++) {
      expect((await push(`cpu,cpu=cpu-total,host=h${i} usage_idle=50 ${clock.now}`)).statusCode).toBe(204);
    }
    expect((await push(`cpu,cpu=cpu-total,host=one-too-many usage_idle=50 ${clock.now}`)).statusCode).toBe(400);
    expect((await push(`cpu,cpu=cpu-total,host=h3 usage_idle=40 ${clock.now}`)).statusCode).toBe(204);
    expect((await get('/infra/cloudServices')).json().targets).toHaveLength(50);
    expect(process.memoryUsage().rss - rss0).toBeLessThan(64 * 1024 * 1024);
  });

  it('refuses timestamps outside the history (far future, before it) naming the line; the API stays healthy', async () => {
    ({ gw, clock } = await startMonitoringGateway());
    const future = await push(
      `cpu,cpu=cpu-total,host=vm1 usage_idle=50 ${clock.now}\ncpu,cpu=cpu-total,host=vm1 usage_idle=50 9999999999999999`,
    );
    expect(future.statusCode).toBe(400);
    expect(future.json().message).toMatch(/^line 2: timestamp .* is outside .* \(check \?precision=\)/);
    const past = await push(`cpu,cpu=cpu-total,host=vm1 usage_idle=50 1`);
    expect(past.statusCode).toBe(400);
    expect(past.json().message).toMatch(/^line 1: timestamp/);
    expect((await get('/infra/cloudServices')).statusCode).toBe(200);
    expect((await push(`cpu,cpu=cpu-total,host=vm1 usage_idle=50 ${clock.now}`)).statusCode).toBe(204);
    expect((await get('/infra/cloudServices')).statusCode).toBe(200);
  });

  it("reserves the gateway's own target: a push tagged host=host is refused and its data unchanged", async () => {
    ({ gw, clock } = await startMonitoringGateway());
    gw.monitoring?.ingest('host', 'host', 'host', { at: clock.now, cpuUsagePct: 7 });
    const res = await push(`cpu,cpu=cpu-total,host=host usage_idle=0 ${clock.now}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/target host is the gateway's host target; it cannot be pushed to/);
    const latest = (await get('/infra/cloudServices/host/monitoring/cpu_usage')).json();
    expect(latest.value).toBe(7);
    const untargeted = await push(`cpu,cpu=cpu-total usage_idle=0 ${clock.now}`);
    expect(untargeted.statusCode).toBe(400);
    expect(untargeted.json().message).toBe('line 1: no host tag and no ?target= to name the target');
  });
});
