import { createLogger, DEFAULT_EVENT_LIMITS, PoisonError, stringifyEdgex } from '@hvac-edge/shared';
import { type MosquittoServer, makeAddEventRequest, startMosquitto, waitFor } from '@hvac-edge/test/support';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IngestService } from '../src/ingest.js';
import { GatewayMetrics } from '../src/metrics.js';
import { parseMqttMessage } from '../src/mqtt/mqtt-ingest.js';
import { startTestGateway, type TestGateway } from './helpers.js';

const PREFIX = 'edgex/events/device';
const topicOf = (device: string) => `${PREFIX}/hvac-edge-agent/dht22/${device}/climate`;

async function metric(gw: TestGateway, outcome: string): Promise<number> {
  const text = (await gw.server.inject({ method: 'GET', url: '/metrics' })).body;
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`hvac_gateway_ingest_total{transport="mqtt",outcome="${outcome}"}`));
  return line ? Number(line.split(' ')[1]) : 0;
}

/** Publishes with QoS 1 and resolves once the broker acknowledged every message. */
async function publishAll(url: string, messages: Array<{ topic: string; payload: string }>) {
  const client = await mqtt.connectAsync(url, { clientId: `device-${process.pid}-${Date.now()}` });
  for (const m of messages) await client.publishAsync(m.topic, m.payload, { qos: 1 });
  await client.endAsync();
}

function scenario(
  name: string,
  setup: () => Promise<{
    overrides: Record<string, unknown>;
    brokerUrl: (gw: TestGateway) => string;
    stop(): Promise<void>;
  }>,
) {
  describe(`MQTT ingest through ${name}`, () => {
    let gw: TestGateway;
    let env: Awaited<ReturnType<typeof setup>>;
    beforeAll(async () => {
      env = await setup();
      gw = await startTestGateway({ 'mqtt.enabled': true, 'mqtt.connections': 4, ...env.overrides });
      await gw.start();
      await waitFor(async () => gw.mqtt?.connected === true, 'MQTT ingest subscribed', 15_000);
    });
    afterAll(async () => {
      await gw?.dispose();
      await env?.stop();
    });

    it('stores QoS 1 events exactly once; malformed messages are counted and do not stop the ones after them', async () => {
      const requests = Array.from({ length: 200 }, (_, i) => makeAddEventRequest({ deviceName: `m-${i % 4}` }));
      const messages = requests.map((r) => ({ topic: topicOf(r.event.deviceName), payload: stringifyEdgex(r) }));
      messages.splice(50, 0, { topic: topicOf('m-0'), payload: '{not json' });
      messages.splice(100, 0, { topic: topicOf('someone-else'), payload: stringifyEdgex(requests[3]) });
      messages.push({ topic: topicOf(requests[7]?.event.deviceName ?? ''), payload: stringifyEdgex(requests[7]) });
      // An objectValue nested 10,000 deep (past limits.maxDepth), and a payload past mqtt.maxPayloadBytes.
      const deep = makeAddEventRequest({ deviceName: 'm-1' });
      const text = stringifyEdgex(deep).replace(
        /"value":"[^"]*","units":"[^"]*"/,
        `"objectValue":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`,
      );
      messages.splice(120, 0, {
        topic: topicOf('m-1'),
        payload: text.replace('"valueType":"Float64"', '"valueType":"Object"'),
      });
      messages.splice(150, 0, { topic: topicOf('m-2'), payload: `{"pad":"${'x'.repeat(300_000)}"}` });
      // An EdgeX MessageEnvelope with the request as base64 payload is taken too.
      const enveloped = makeAddEventRequest({ deviceName: 'm-env' });
      messages.push({
        topic: topicOf('m-env'),
        payload: JSON.stringify({
          apiVersion: 'v3',
          contentType: 'application/json',
          payload: Buffer.from(stringifyEdgex(enveloped)).toString('base64'),
        }),
      });
      await publishAll(env.brokerUrl(gw), messages);
      await waitFor(async () => (await gw.store.countEvents()) === 201, 'every valid event stored', 20_000);
      for (const r of [...requests, enveloped]) expect((await gw.store.getById(r.event.id))?.event).toEqual(r.event);
      await waitFor(async () => (await metric(gw, 'duplicate')) === 1, 'the duplicate counted', 5_000);
      expect(await metric(gw, 'invalid')).toBe(4);
      expect(await metric(gw, 'accepted')).toBe(201);
      expect(await gw.store.countEvents()).toBe(201);
      const ready = await gw.server.inject({ method: 'GET', url: '/readyz' });
      expect(ready.json()).toMatchObject({ checks: { mqtt: true } });
    }, 60_000);
  });
}

describe('MQTT ingest of a message the store can never hold', () => {
  it('acknowledges, counts and logs it once as poison; the messages behind it are stored', async () => {
    const broker = await startMosquitto();
    const gw = await startTestGateway({
      'mqtt.enabled': true,
      'mqtt.url': broker.url,
      'mqtt.connections': 1,
      'mqtt.retryMinDelayMs': 20,
      'mqtt.retryMaxDelayMs': 100,
    });
    try {
      const requests = Array.from({ length: 20 }, () => makeAddEventRequest({ deviceName: 'poison-0' }));
      const poisonId = requests[5]?.event.id;
      // Fault injection: the store refuses this one event for good, as MongoDB refuses a document it cannot hold.
      const append = gw.store.append.bind(gw.store);
      gw.store.append = (e) =>
        e.id === poisonId ? Promise.reject(new PoisonError('too deep for the store')) : append(e);
      await gw.start();
      await waitFor(async () => gw.mqtt?.connected === true, 'MQTT ingest subscribed', 15_000);
      await publishAll(
        broker.url,
        requests.map((r) => ({ topic: topicOf('poison-0'), payload: stringifyEdgex(r) })),
      );
      await waitFor(async () => (await gw.store.countEvents()) === 19, 'every other message stored', 10_000);
      expect(await metric(gw, 'poison')).toBe(1);
      expect(await gw.store.getById(poisonId as string)).toBeUndefined();
    } finally {
      await gw.dispose();
      await broker.stop();
    }
  }, 60_000);
});

describe('MQTT ingest with a full buffer', () => {
  it('holds messages unacknowledged while the store refuses them, and stores each once when it takes them again', async () => {
    const broker = await startMosquitto();
    const gw = await startTestGateway({
      'mqtt.enabled': true,
      'mqtt.url': broker.url,
      'mqtt.connections': 1,
      'mqtt.retryMinDelayMs': 20,
      'mqtt.retryMaxDelayMs': 100,
      'store.highWaterMark': 5,
    });
    try {
      await gw.start();
      await waitFor(async () => gw.mqtt?.connected === true, 'MQTT ingest subscribed', 15_000);
      const requests = Array.from({ length: 12 }, () => makeAddEventRequest({ deviceName: 'full-0' }));
      await publishAll(
        broker.url,
        requests.map((r) => ({ topic: topicOf('full-0'), payload: stringifyEdgex(r) })),
      );
      await waitFor(async () => (await metric(gw, 'rejected_full')) >= 2, 'refused above the high-water mark', 10_000);
      // The five taken before the mark commit; nothing past it is stored.
      await waitFor(async () => (await gw.store.countEvents()) >= 5, 'the first five stored', 10_000);
      expect(await gw.store.countEvents()).toBe(5);
      // The forwarder's part: the pending events go out, the buffer has room again.
      await gw.store.markForwarded((await gw.store.pending(100)).map((e) => e.seq));
      await waitFor(async () => (await gw.store.countEvents()) >= 10, 'the held messages stored', 10_000);
      await gw.store.markForwarded((await gw.store.pending(100)).map((e) => e.seq));
      await waitFor(async () => (await gw.store.countEvents()) === 12, 'every message stored', 10_000);
      for (const r of requests) expect((await gw.store.getById(r.event.id))?.event).toEqual(r.event);
      expect([await metric(gw, 'accepted'), await metric(gw, 'duplicate')]).toEqual([12, 0]);
    } finally {
      await gw.dispose();
      await broker.stop();
    }
  }, 60_000);
});

let mosquitto: MosquittoServer;
scenario('a real Mosquitto', async () => {
  mosquitto = await startMosquitto();
  return { overrides: { 'mqtt.url': mosquitto.url }, brokerUrl: () => mosquitto.url, stop: () => mosquitto.stop() };
});

scenario('the embedded aedes broker', async () => ({
  overrides: {
    'mqtt.embeddedBroker.enabled': true,
    'mqtt.embeddedBroker.host': '127.0.0.1',
    'mqtt.embeddedBroker.port': 0,
  },
  brokerUrl: (gw) => gw.mqtt?.brokerUrl ?? '',
  stop: async () => {},
}));

describe('an MQTT message', () => {
  it('says what is wrong with its topic, its payload, or names that differ from the topic', () => {
    const r = makeAddEventRequest({ deviceName: 'a' });
    expect(parseMqttMessage(PREFIX, 'other/topic', Buffer.from('{}'))).toEqual({
      ok: false,
      problems: [`topic other/topic is not ${PREFIX}/{service}/{profile}/{device}/{source}`],
    });
    expect(parseMqttMessage(PREFIX, topicOf('a'), Buffer.from('{x'))).toMatchObject({
      ok: false,
      problems: [expect.stringMatching(/^payload is not JSON: /)],
    });
    const parsed = parseMqttMessage(PREFIX, topicOf('b'), Buffer.from(stringifyEdgex(r)));
    expect(parsed).toEqual({
      ok: true,
      body: r,
      names: { profileName: 'dht22', deviceName: 'b', sourceName: 'climate' },
    });
    const ingest = new IngestService(
      {} as never,
      new GatewayMetrics({ defaultMetrics: false }),
      createLogger('t', { level: 'silent' }),
      {
        highWaterMark: 1,
        retryAfterSeconds: 1,
        limits: DEFAULT_EVENT_LIMITS,
      },
    );
    if (!parsed.ok) throw new Error('unreachable');
    expect(() => ingest.validate(parsed.body, 'mqtt', parsed.names, 'topic')).toThrow(
      'invalid event: event.deviceName "a" does not match the topic\'s "b"',
    );
    expect(ingest.validate(r, 'mqtt', { ...parsed.names, deviceName: 'a' }, 'topic')).toEqual(r);
  });
});
