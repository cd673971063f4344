import { rm } from 'node:fs/promises';
import {
  freePort,
  type MongoTestServer,
  makeAddEventRequest,
  makeTempDir,
  realServerInUse,
  startMongoForTests,
  waitFor,
} from '@hvac-edge/test/support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { injectEvent, startTestGateway, type TestGateway } from './helpers.js';

const realMongo = await realServerInUse('mongo');

interface RestartableMongo {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  dispose(): Promise<void>;
}

/**
 * The database this test takes away: the wire-protocol test server, or in the real-mongo project a FerretDB of its
 * own (the project's shared one must not vanish under other files), stopped and started again on its data.
 */
async function restartableMongo(): Promise<RestartableMongo> {
  if (!realMongo) {
    const m = await startMongoForTests();
    const server = m.testServer as MongoTestServer;
    return { url: m.url, stop: () => server.stop(), start: () => server.start(), dispose: () => m.stop() };
  }
  const { startFerretDb } = await import('../../test/support/real-servers/servers.js');
  const at = { dir: await makeTempDir('ferretdb-outage'), port: await freePort() };
  let f = await startFerretDb(at);
  return {
    url: f.url,
    stop: () => f.stop(),
    start: async () => {
      f = await startFerretDb(at);
    },
    dispose: async () => {
      await f.stop();
      await rm(at.dir, { recursive: true, force: true });
    },
  };
}

describe(`gateway on MongoDB (${realMongo ? 'FerretDB' : 'the wire-protocol test server'}): the database goes away and comes back`, () => {
  let mongo: RestartableMongo;
  let gw: TestGateway;
  beforeAll(async () => {
    mongo = await restartableMongo();
    gw = await startTestGateway({
      'store.kind': 'mongodb',
      'store.mongo.url': mongo.url,
      'store.mongo.database': `gw_${process.pid}`,
      'store.mongo.timeoutMs': 500,
    });
  });
  afterAll(async () => {
    await gw?.dispose();
    await mongo?.dispose();
  });

  const post = () => injectEvent(gw, makeAddEventRequest());

  it('readiness false and 503 with Retry-After while it is gone; accepted again after, without a restart', async () => {
    expect((await post()).statusCode).toBe(201);
    expect((await gw.server.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);

    await mongo.stop();
    const ready = await gw.server.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ checks: { store: false } });
    const refused = await post();
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBeDefined();
    expect(refused.json().message).toMatch(/MongoDB unreachable/);

    await mongo.start();
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
