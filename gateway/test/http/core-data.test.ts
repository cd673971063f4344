import { stringifyEdgex } from '@hvac-edge/shared';
import { edgexJson, makeAddEventRequest, makeEvent } from '@hvac-edge/test/support';
import { encode as encodeCbor } from 'cborg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AS_ADMIN, startTestGateway, type TestGateway } from '../helpers.js';

const path = (e: { profileName: string; deviceName: string; sourceName: string }) =>
  `/api/v3/event/svc/${e.profileName}/${e.deviceName}/${e.sourceName}`;

describe('EdgeX v3 core-data API', () => {
  let gw: TestGateway;
  beforeEach(async () => {
    // Fixed origins from 2023 below: not flagged as a device clock that was never set.
    gw = await startTestGateway({ 'limits.clockSkewBehindSeconds': 315_360_000 });
  });
  afterEach(async () => gw.dispose());

  const post = (body: unknown, url?: string, headers: Record<string, string> = {}) => {
    const req = body as { event?: { profileName: string; deviceName: string; sourceName: string } };
    return gw.server.inject({
      method: 'POST',
      url: url ?? path(req.event ?? makeEvent()),
      payload: stringifyEdgex(body),
      headers: { 'content-type': 'application/json', ...headers },
    });
  };

  describe('POST event', () => {
    it('answers 201 with BaseWithIdResponse once durable, echoing requestId', async () => {
      const req = makeAddEventRequest();
      const res = await post(req);
      expect(res.statusCode).toBe(201);
      expect(res.json()).toEqual({ apiVersion: 'v3', requestId: req.requestId, statusCode: 201, id: req.event.id });
      expect((await gw.store.getById(req.event.id))?.event).toEqual(req.event);
    });

    it('adopts X-Correlation-ID or makes one', async () => {
      const res = await post(makeAddEventRequest(), undefined, { 'x-correlation-id': 'abc-123' });
      expect(res.headers['x-correlation-id']).toBe('abc-123');
      const res2 = await gw.server.inject({ method: 'GET', url: '/api/v3/ping' });
      expect(res2.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('answers 400 naming the invalid field, and stores nothing', async () => {
      const req = makeAddEventRequest() as any;
      req.event.readings[0].value = 'warm';
      const res = await post(req);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ apiVersion: 'v3', statusCode: 400 });
      expect(res.json().message).toMatch(/event\.readings\[0\]\.value "warm" does not parse as Float64/);
      expect(await gw.store.countEvents()).toBe(0);
    });

    it('answers 400 when the path names do not match the event', async () => {
      const req = makeAddEventRequest({ deviceName: 'room-1' });
      const res = await post(req, '/api/v3/event/svc/dht22/room-2/climate');
      expect(res.statusCode).toBe(400);
      expect(res.json().message).toMatch(/event\.deviceName "room-1" does not match the path's "room-2"/);
    });

    it('answers 400 for malformed JSON and 415 for an unknown content type', async () => {
      const bad = await gw.server.inject({
        method: 'POST',
        url: path(makeEvent()),
        payload: '{"apiVersion":',
        headers: { 'content-type': 'application/json' },
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().statusCode).toBe(400);
      const xml = await gw.server.inject({
        method: 'POST',
        url: path(makeEvent()),
        payload: '<event/>',
        headers: { 'content-type': 'application/xml' },
      });
      expect(xml.statusCode).toBe(415);
    });

    it('answers 409 for an id already stored, so a retry after a lost reply is safe', async () => {
      const req = makeAddEventRequest();
      expect((await post(req)).statusCode).toBe(201);
      const again = await post(req);
      expect(again.statusCode).toBe(409);
      expect(again.json().message).toBe(`event id ${req.event.id} already exists`);
      expect(await gw.store.countEvents()).toBe(1);
    });

    it('accepts CBOR bodies', async () => {
      const req = makeAddEventRequest();
      const res = await gw.server.inject({
        method: 'POST',
        url: path(req.event),
        payload: Buffer.from(encodeCbor(req)),
        headers: { 'content-type': 'application/cbor' },
      });
      expect(res.statusCode).toBe(201);
      expect((await gw.store.getById(req.event.id))?.event).toEqual(req.event);
    });
  });

  describe('limits', () => {
    it('answers 413 above the configured body size', async () => {
      await gw.dispose();
      gw = await startTestGateway({ 'http.bodyLimitBytes': 2048 });
      const req = makeAddEventRequest() as any;
      req.event.tags = { pad: 'x'.repeat(4000) };
      const res = await post(req);
      expect(res.statusCode).toBe(413);
      expect(res.json()).toMatchObject({ statusCode: 413 });
    });

    it('answers 503 with Retry-After above the high-water mark, and accepts again once below', async () => {
      await gw.dispose();
      gw = await startTestGateway({ 'store.highWaterMark': 2, 'store.retryAfterSeconds': 7 });
      expect((await post(makeAddEventRequest())).statusCode).toBe(201);
      expect((await post(makeAddEventRequest())).statusCode).toBe(201);
      const full = await post(makeAddEventRequest());
      expect(full.statusCode).toBe(503);
      expect(full.headers['retry-after']).toBe('7');
      expect(full.json().message).toMatch(/high-water mark of 2/);
      const pending = await gw.store.pending(10);
      await gw.store.markForwarded(pending.map((p) => p.seq));
      expect((await post(makeAddEventRequest())).statusCode).toBe(201);
    });

    it('answers 429 with Retry-After and the limit past the per-device rate, other devices unaffected', async () => {
      await gw.dispose();
      gw = await startTestGateway({ 'rateLimit.perDevicePerMinute': 2 });
      const accepted = await post(makeAddEventRequest({ deviceName: 'a' }));
      expect(accepted.statusCode).toBe(201);
      // The limit's headers come with the 429 only, not with every accepted post.
      expect(accepted.headers['x-ratelimit-remaining']).toBeUndefined();
      expect((await post(makeAddEventRequest({ deviceName: 'a' }))).statusCode).toBe(201);
      const limited = await post(makeAddEventRequest({ deviceName: 'a' }));
      expect(limited.statusCode).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(limited.headers['x-ratelimit-limit']).toBe('2');
      expect((await post(makeAddEventRequest({ deviceName: 'b' }))).statusCode).toBe(201);
    });

    it('keeps the per-device limit for a fleet larger than the rate-limit store default of 5,000 devices', async () => {
      await gw.dispose();
      gw = await startTestGateway({ 'rateLimit.perDevicePerMinute': 1 });
      expect((await post(makeAddEventRequest({ deviceName: 'first' }))).statusCode).toBe(201);
      for (let chunk = 0; chunk < 11; chunk++) {
        const names = Array.from({ length: 500 }, (_, i) => `fleet-${chunk * 500 + i}`);
        const codes = await Promise.all(
          names.map(async (n) => (await post(makeAddEventRequest({ deviceName: n }))).statusCode),
        );
        expect(new Set(codes)).toEqual(new Set([201]));
      }
      // 5,500 devices later the first is still counted.
      expect((await post(makeAddEventRequest({ deviceName: 'first' }))).statusCode).toBe(429);
    });

    it('with device tokens: writes and reads need a token, deletes and the config an admin token', async () => {
      await gw.dispose();
      const token = 'a-very-long-test-token-0001';
      gw = await startTestGateway({
        'auth.tokens': [token],
        'mqtt.url': 'mqtts://gateway:s3cret-pass@broker:8883',
        'monitoring.nodeExporters': [{ name: 'vm1', url: 'http://scraper:hunter2@vm1:9100/metrics' }],
      });
      const device = { authorization: `Bearer ${token}` };
      const none = await post(makeAddEventRequest());
      expect(none.statusCode).toBe(401);
      expect(none.headers['www-authenticate']).toBe('Bearer');
      const wrong = await post(makeAddEventRequest(), undefined, { authorization: 'Bearer nope' });
      expect(wrong.statusCode).toBe(401);
      expect(wrong.json().message).toBe('invalid bearer token');
      expect((await post(makeAddEventRequest(), undefined, device)).statusCode).toBe(201);
      const get = (url: string, headers: Record<string, string> = {}) =>
        gw.server.inject({ method: 'GET', url, headers });
      expect((await get('/api/v3/event/count')).statusCode).toBe(401);
      expect((await get('/metrics')).statusCode).toBe(401);
      expect((await get('/api/v3/event/count', device)).statusCode).toBe(200);
      expect((await get('/healthz')).statusCode).toBe(200);
      expect((await get('/api/v3/ping')).statusCode).toBe(200);
      // Deleting and the configuration: admin only.
      const del = await gw.server.inject({ method: 'DELETE', url: '/api/v3/event/age/0', headers: device });
      expect(del.statusCode).toBe(403);
      expect(del.json().message).toMatch(/needs an admin token/);
      expect((await get('/api/v3/config', device)).statusCode).toBe(403);
      const cfg = await get('/api/v3/config', AS_ADMIN);
      expect(cfg.statusCode).toBe(200);
      expect(cfg.json().config.auth.tokens).toEqual(['***']);
      expect(cfg.json().config.auth.adminTokens).toEqual(['***']);
      // Credentials inside URLs are masked too.
      expect(cfg.json().config.mqtt.url).toBe('mqtts://gateway:***@broker:8883');
      expect(cfg.json().config.monitoring.nodeExporters[0].url).toBe('http://scraper:***@vm1:9100/metrics');
      for (const secret of [token, 's3cret-pass', 'hunter2', 'test-admin-token'])
        expect(cfg.body).not.toContain(secret);
    });

    it('with no tokens on loopback: writes and reads are open, deletes still need an admin token', async () => {
      expect((await post(makeAddEventRequest())).statusCode).toBe(201);
      expect((await gw.server.inject({ method: 'GET', url: '/api/v3/event/count' })).statusCode).toBe(200);
      const del = await gw.server.inject({ method: 'DELETE', url: '/api/v3/event/age/0?includePending=true' });
      expect(del.statusCode).toBe(401);
      expect(await gw.store.countEvents()).toBe(1);
      await gw.dispose();
      gw = await startTestGateway({ 'auth.adminTokens': [] });
      const noAdmin = await gw.server.inject({ method: 'DELETE', url: '/api/v3/event/age/0?includePending=true' });
      expect(noAdmin.statusCode).toBe(403);
      expect(noAdmin.json().message).toMatch(/none is configured \(auth\.adminTokens\)/);
    });
  });

  describe('queries', () => {
    const NS = 1_000_000n;
    const base = 1_700_000_000_000n * NS;
    let evs: ReturnType<typeof makeEvent>[];
    beforeEach(async () => {
      evs = [0n, 1n, 2n].map((i) => makeEvent({ deviceName: i === 2n ? 'b' : 'a', originNs: base + i * NS }));
      for (const e of evs) expect((await post({ apiVersion: 'v3', event: e })).statusCode).toBe(201);
    });
    const get = async (url: string) => gw.server.inject({ method: 'GET', url });

    it('GET /event/all, newest first, with paging, 416 past the end, 400 over the max', async () => {
      const all = (await get('/api/v3/event/all')).json();
      expect(all).toMatchObject({ apiVersion: 'v3', statusCode: 200, totalCount: 3 });
      expect(all.events.map((e: { id: string }) => e.id)).toEqual([evs[2]?.id, evs[1]?.id, evs[0]?.id]);
      const page = (await get('/api/v3/event/all?offset=1&limit=1')).json();
      expect(page.events.map((e: { id: string }) => e.id)).toEqual([evs[1]?.id]);
      expect((await get('/api/v3/event/all?offset=5')).statusCode).toBe(416);
      expect((await get('/api/v3/event/all?limit=5000')).statusCode).toBe(400);
      const bad = await get('/api/v3/event/all?limit=abc');
      expect(bad.statusCode).toBe(400);
      expect(bad.json().message).toMatch(/querystring\.limit must be integer/);
    });

    it('GET /event/id/{id}: 200, 404, 400 for a non-UUID', async () => {
      expect(edgexJson(await get(`/api/v3/event/id/${evs[0]?.id}`)).event).toEqual(evs[0]);
      expect((await get('/api/v3/event/id/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
      expect((await get('/api/v3/event/id/xyz')).statusCode).toBe(400);
    });

    it('GET counts', async () => {
      expect((await get('/api/v3/event/count')).json()).toMatchObject({ statusCode: 200, count: 3 });
      expect((await get('/api/v3/event/count/device/name/a')).json().count).toBe(2);
    });

    it('GET /event/device/name/{name} and /event/start/{start}/end/{end}', async () => {
      const a = (await get('/api/v3/event/device/name/a')).json();
      expect(a.totalCount).toBe(2);
      const range = (await get(`/api/v3/event/start/${base + NS}/end/${base + 2n * NS}`)).json();
      expect(range.events.map((e: { id: string }) => e.id)).toEqual([evs[2]?.id, evs[1]?.id]);
      expect((await get(`/api/v3/event/start/${base}/end/1`)).statusCode).toBe(400);
    });

    it('GET readings', async () => {
      expect((await get('/api/v3/reading/all')).json()).toMatchObject({ statusCode: 200, totalCount: 6 });
      const b = (await get('/api/v3/reading/device/name/b')).json();
      expect(b.totalCount).toBe(2);
      expect(b.readings.every((r: { deviceName: string }) => r.deviceName === 'b')).toBe(true);
      const hum = (await get('/api/v3/reading/resourceName/humidity')).json();
      expect(hum.totalCount).toBe(3);
    });

    it('DELETE /event/age/{age}: 202, forwarded only unless includePending', async () => {
      const first = await gw.store.getById(evs[0]?.id as string);
      await gw.store.markForwarded([first?.seq as number]);
      const anonymous = await gw.server.inject({ method: 'DELETE', url: '/api/v3/event/age/0' });
      expect(anonymous.statusCode).toBe(401);
      const res = await gw.server.inject({ method: 'DELETE', url: '/api/v3/event/age/0', headers: AS_ADMIN });
      expect(res.statusCode).toBe(202);
      expect(res.json().message).toBe('1 events deleted');
      expect(await gw.store.countEvents()).toBe(2);
      await gw.server.inject({ method: 'DELETE', url: '/api/v3/event/age/0?includePending=true', headers: AS_ADMIN });
      expect(await gw.store.countEvents()).toBe(0);
    });
  });

  describe('system', () => {
    it('ping, version, config', async () => {
      const ping = (await gw.server.inject({ method: 'GET', url: '/api/v3/ping' })).json();
      expect(ping).toMatchObject({ apiVersion: 'v3', statusCode: 200, serviceName: 'hvac-edge-gateway' });
      expect((await gw.server.inject({ method: 'GET', url: '/api/v3/version' })).json().version).toBe('0.1.0');
      const cfg = (await gw.server.inject({ method: 'GET', url: '/api/v3/config', headers: AS_ADMIN })).json();
      expect(cfg.config.store.synchronous).toBe('full');
      expect((await gw.server.inject({ method: 'GET', url: '/api/v3/config' })).statusCode).toBe(401);
    });

    it('healthz, readyz (503 once the store is gone), metrics', async () => {
      expect((await gw.server.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      expect((await gw.server.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({
        status: 'ready',
        state: 'ok',
        checks: { store: true },
        degraded: {},
      });
      await post(makeAddEventRequest());
      await post({ apiVersion: 'v3', event: { ...makeEvent(), readings: [] } });
      const metrics = (await gw.server.inject({ method: 'GET', url: '/metrics' })).body;
      expect(metrics).toMatch(/hvac_gateway_ingest_total\{transport="http-v3",outcome="accepted"\} 1/);
      expect(metrics).toMatch(/hvac_gateway_ingest_total\{transport="http-v3",outcome="invalid"\} 1/);
      expect(metrics).toMatch(/hvac_gateway_buffer_pending_events 1/);
      expect(metrics).toMatch(/hvac_gateway_oldest_pending_age_seconds \d/);
      expect(metrics).toMatch(/hvac_gateway_http_request_duration_seconds_bucket/);
      // The one accepted event: one transaction of one event (the invalid one never reached the store).
      expect(metrics).toMatch(/^hvac_gateway_store_commit_events_sum 1$/m);
      expect(metrics).toMatch(/^hvac_gateway_store_commit_seconds_count 1$/m);
      await gw.store.close();
      const notReady = await gw.server.inject({ method: 'GET', url: '/readyz' });
      expect(notReady.statusCode).toBe(503);
      expect(notReady.json().checks.store).toBe(false);
    });

    it('OpenAPI documents every route', async () => {
      const doc = (await gw.server.inject({ method: 'GET', url: '/openapi.json' })).json();
      const documented = Object.keys(doc.paths);
      for (const p of [
        '/api/v3/event/{serviceName}/{profileName}/{deviceName}/{sourceName}',
        '/api/v3/event/all',
        '/api/v3/event/age/{age}',
        '/api/v3/reading/resourceName/{resourceName}',
        '/api/v3/device/name/{name}',
        '/api/v1/event',
        '/api/v1/valuedescriptor',
        '/readyz',
        '/metrics',
        '/infra/cloudServices/{target}/monitoring/{metric}',
        '/infra/cloudServices/{cloud}/meter/servers/billing',
        '/infra/write',
      ]) {
        expect(documented).toContain(p);
      }
    });

    it('answers unknown routes with an EdgeX 404', async () => {
      const res = await gw.server.inject({ method: 'GET', url: '/api/v3/nothing' });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ apiVersion: 'v3', statusCode: 404, message: 'no route GET /api/v3/nothing' });
    });
  });
});
