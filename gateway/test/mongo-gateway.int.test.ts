import { stringifyEdgex } from '@hvac-edge/shared';
import {
  type MongoTestServer,
  makeAddEventRequest,
  realServerInUse,
  startMongoForTests,
  waitFor,
} from '@hvac-edge/test/support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './helpers.js';

const realMongo = await realServerInUse('mongo');

describe.skipIf(realMongo)('gateway on MongoDB: the database goes away and comes back', () => {
  let mongo: Awaited<ReturnType<typeof startMongoForTests>>;
  let gw: TestGateway;
  beforeAll(async () => {
    mongo = await startMongoForTests();
    gw = await startTestGateway({
      'store.kind': 'mongodb',
      'store.mongo.url': mongo.url,
      'store.mongo.database': `gw_${process.pid}`,
      'store.mongo.timeoutMs': 500,
    });
  });
  afterAll(async () => {
    await gw?.dispose();
    await mongo?.stop();
  });

  const post = () =>
    gw.server.inject({
      method: 'POST',
      url: '/api/v3/event/svc/dht22/room-1/climate',
      payload: stringifyEdgex(makeAddEventRequest()),
      headers: { 'content-type': 'application/json' },
    });

  it('readiness false and 503 with Retry-After while it is gone; accepted again after, without a restart', async () => {
    expect((await post()).statusCode).toBe(201);
    expect((await gw.server.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);

    const server = mongo.testServer as MongoTestServer;
    await server.stop();
    const ready = await gw.server.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ checks: { store: false } });
    const refused = await post();
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBeDefined();
    expect(refused.json().message).toMatch(/MongoDB unreachable/);

    await server.start();
    await waitFor(
      async () => (await gw.server.inject({ method: 'GET', url: '/readyz' })).statusCode === 200,
      'ready',
      15_000,
    );
    expect((await post()).statusCode).toBe(201);
    expect(await gw.store.countEvents()).toBe(2);
    expect(gw.store.kind).toBe('mongodb');
  }, 30_000);
});
