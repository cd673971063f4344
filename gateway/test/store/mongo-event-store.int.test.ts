import { UnavailableError } from '@hvac-edge/shared';
import { type MongoTestServer, makeEvent, realServerInUse, startMongoForTests, waitFor } from '@hvac-edge/test/support';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoEventStore } from '../../src/store/mongo/mongo-event-store.js';
import { eventStoreContract } from './event-store.contract.js';

// Against a real server (the real-mongo project's FerretDB, or MONGO_URL) the outage tests, which need the wire-
// protocol test server's fault injection, do not apply; the contract suite does.
const realMongo = await realServerInUse('mongo');

let mongo: Awaited<ReturnType<typeof startMongoForTests>>;
beforeAll(async () => {
  mongo = await startMongoForTests();
});
afterAll(async () => {
  await mongo?.stop();
});

let dbCounter = 0;
const uniqueDb = () => `hvac_test_${process.pid}_${Date.now().toString(36)}_${dbCounter++}`;

// The same contract as the embedded store, against the wire-protocol test server (or MONGO_URL: a real MongoDB).
eventStoreContract(realMongo ? 'mongodb (a real server)' : 'mongodb (wire-protocol test server)', () => {
  let now = 0;
  let database = '';
  const open = async () => {
    const s = new MongoEventStore({ url: mongo.url, database, collection: 'events', now: () => now });
    await s.open();
    return s;
  };
  return {
    async create() {
      database = uniqueDb();
      return open();
    },
    async reopen(store) {
      await store.close();
      return open();
    },
    setNow(ms) {
      now = ms;
    },
    async destroy() {
      const client = new MongoClient(mongo.url, { serverSelectionTimeoutMS: 2000 });
      await client.db(database).dropDatabase();
      await client.close();
    },
  };
});

describe.skipIf(realMongo)('MongoDB store: the server goes away and comes back', () => {
  it('answers unavailable (retriable) and ping false while it is gone, and recovers without a restart', async () => {
    const server = mongo.testServer as MongoTestServer;
    const store = new MongoEventStore({ url: mongo.url, database: uniqueDb(), collection: 'events', timeoutMs: 500 });
    await store.open();
    const before = makeEvent();
    await store.append(before);

    await server.stop();
    expect(await store.ping()).toBe(false);
    const failed = await store.append(makeEvent()).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(UnavailableError);
    expect((failed as UnavailableError).retriable).toBe(true);

    await server.start();
    await waitFor(() => store.ping(), 'store reachable again', 15_000);
    const after = makeEvent();
    await store.append(after);
    expect((await store.pending(10)).map((p) => p.event.id)).toEqual([before.id, after.id]);
    await store.close();
  }, 30_000);
});
