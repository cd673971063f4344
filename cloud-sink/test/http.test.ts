import { afterEach, describe, expect, it } from 'vitest';
import { buildSinkHttp } from '../src/http.js';
import { SinkMetrics } from '../src/metrics.js';

describe('sink HTTP endpoints', () => {
  let app: Awaited<ReturnType<typeof buildSinkHttp>> | undefined;
  afterEach(async () => app?.close());
  const build = (metricsTokens: string[]) =>
    buildSinkHttp({
      metrics: new SinkMetrics({ defaultMetrics: false }),
      joined: () => true,
      influxReachable: async () => false,
      metricsTokens,
    });

  it('serves /metrics only with a bearer token when http.metricsTokens are set; probes stay open', async () => {
    const token = 'sink-metrics-token-0001';
    app = await build([token]);
    const none = await app.inject({ url: '/metrics' });
    expect(none.statusCode).toBe(401);
    expect(none.json().message).toMatch(/http\.metricsTokens/);
    expect(
      (await app.inject({ url: '/metrics', headers: { authorization: 'Bearer wrong-token-000000' } })).statusCode,
    ).toBe(401);
    const ok = await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${token}` } });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('hvac_sink_');
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
    const ready = await app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().checks).toEqual({ group: true, influx: false });
  });

  it('leaves /metrics open without tokens', async () => {
    app = await build([]);
    expect((await app.inject({ url: '/metrics' })).statusCode).toBe(200);
  });
});
