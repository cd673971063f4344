import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { findSystemBinary, makeAddEventRequest, metricValue, waitFor } from '@hvac-edge/test/support';
import { afterEach, describe, expect, it } from 'vitest';
import { injectEvent, startTestGateway, type TestGateway } from './helpers.js';

/** /readyz says ok, degraded (accepting, not delivering as it should) or not ready, with reasons and gauges. */
describe('health: ok, degraded, not ready', () => {
  let gw: TestGateway | undefined;
  afterEach(async () => gw?.dispose());

  const post = async (g: TestGateway, n: number) => {
    for (let i = 0; i < n; i++) {
      const r = makeAddEventRequest({ deviceName: 'h-1' });
      const res = await injectEvent(g, r);
      expect(res.statusCode).toBe(201);
    }
  };
  const readyz = async (g: TestGateway) => {
    const res = await g.server.inject({ method: 'GET', url: '/readyz' });
    return { code: res.statusCode, ...res.json() };
  };

  it('degraded when the buffer passes health.bufferDegradedFraction of its high-water mark, still 200', async () => {
    const g = await startTestGateway({ 'store.highWaterMark': 10, 'health.bufferDegradedFraction': 0.5 });
    gw = g;
    await post(g, 4);
    expect(await readyz(g)).toMatchObject({ code: 200, status: 'ready', state: 'ok', degraded: {} });
    await post(g, 1);
    const r = await readyz(g);
    expect(r).toMatchObject({ code: 200, status: 'degraded', state: 'degraded' });
    expect(r.degraded.buffer).toBe('5 pending events, 50% of store.highWaterMark (10); at 100% ingest answers 503');
    const gauge = (name: string, labels: Record<string, string>) => metricValue(g.metrics.registry, name, labels);
    expect(await gauge('hvac_gateway_health_state', { state: 'degraded' })).toBe(1);
    expect(await gauge('hvac_gateway_health_state', { state: 'ok' })).toBe(0);
    expect(await gauge('hvac_gateway_degraded', { reason: 'buffer' })).toBe(1);
  });

  it('degraded when forwarding is on and the oldest pending event is older than health.maxBacklogAgeSeconds', async () => {
    // A Kafka nobody listens on: the events stay pending.
    const g = await startTestGateway({
      'kafka.brokers': ['127.0.0.1:1'],
      'kafka.commandsTopic': '',
      'health.maxBacklogAgeSeconds': 1,
    });
    gw = g;
    await g.start();
    await post(g, 1);
    await waitFor(async () => (await readyz(g)).degraded.backlog !== undefined, 'backlog degraded', 10_000);
    expect((await readyz(g)).degraded.backlog).toMatch(
      /^the oldest pending event is \d+ s old \(health\.maxBacklogAgeSeconds 1\)$/,
    );
  });

  it('not ready (503) once the store is closed', async () => {
    const g = await startTestGateway();
    gw = g;
    await g.store.close();
    const r = await readyz(g);
    expect(r).toMatchObject({ code: 503, status: 'not ready', state: 'not_ready', checks: { store: false } });
  });

  it('ships alert rules for these states that promtool accepts and whose unit tests pass', () => {
    const dir = fileURLToPath(new URL('../../deploy/prometheus/', import.meta.url));
    const promtool = findSystemBinary('promtool');
    const check = spawnSync(promtool, ['check', 'rules', 'alerts.yml'], { cwd: dir, encoding: 'utf8' });
    expect(check.stdout + check.stderr).toMatch(/SUCCESS: 9 rules found/);
    const test = spawnSync(promtool, ['test', 'rules', 'alerts.test.yml'], { cwd: dir, encoding: 'utf8' });
    expect(test.status, test.stdout + test.stderr).toBe(0);
  });
});
