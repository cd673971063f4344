import { randomBytes } from 'node:crypto';
import { stringifyEdgex } from '@hvac-edge/shared';
import {
  type KafkaUnderTest,
  makeAddEventRequest,
  metricValue,
  realServerInUse,
  startKafkaForTests,
  uniqueTopic,
} from '@hvac-edge/test/support';
import { Kafka, logLevel } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers.js';
import { consumeEvents, sequencesByDevice } from './helpers.js';

const realKafka = await realServerInUse('kafka');

const DEVICES = ['room-1', 'room-2', 'room-3', 'room-4'];

describe('northbound: store-and-forward to Kafka', () => {
  let kafka: KafkaUnderTest | undefined;
  let gw: TestGateway | undefined;
  afterEach(async () => {
    await gw?.dispose();
    await kafka?.stop();
  });

  async function setup(topicConfig?: Record<string, string>) {
    kafka = await startKafkaForTests({ defaultPartitions: 3 });
    const topic = uniqueTopic('events');
    if (topicConfig) {
      const admin = new Kafka({ clientId: 't', brokers: kafka.brokers, logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      const configEntries = Object.entries(topicConfig).map(([name, value]) => ({ name, value }));
      await admin.createTopics({ topics: [{ topic, numPartitions: 3, configEntries }], waitForLeaders: true });
      await admin.disconnect();
    }
    gw = await startTestGateway({
      'kafka.brokers': kafka.brokers,
      'kafka.topic': topic,
      'kafka.idleMs': 50,
      'kafka.retryMinDelayMs': 50,
      'kafka.retryMaxDelayMs': 500,
      'rateLimit.perDevicePerMinute': 0,
      'weather.provider': 'fixed',
      'weather.fixed': { temperatureC: 31.5, humidityPct: 70, weatherStatus: 7 },
    });
    await gw.start();
    const a = gw.server.server.address();
    const base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
    const post = async (deviceName: string, edit?: (r: ReturnType<typeof makeAddEventRequest>) => void) => {
      const req = makeAddEventRequest({ deviceName });
      edit?.(req);
      const res = await fetch(`${base}/api/v3/event/svc/dht22/${deviceName}/climate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: stringifyEdgex(req),
      });
      return { status: res.status, id: req.event.id };
    };
    return { topic, post, brokers: kafka.brokers };
  }

  it('events posted to the gateway arrive exactly once each, in per-device order, with weather', async () => {
    const { topic, post, brokers } = await setup();
    const accepted: string[] = [];
    for (let i = 0; i < 50; i++) {
      for (const d of DEVICES) {
        const r = await post(d);
        expect(r.status).toBe(201);
        accepted.push(r.id);
      }
    }
    const received = await consumeEvents(brokers, topic, (got) => got.length >= accepted.length);
    expect(received.map((r) => r.message.event.id).sort()).toEqual([...accepted].sort());
    for (const [, seqs] of sequencesByDevice(received)) expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    const first = received[0];
    expect(first?.message).toMatchObject({
      schemaVersion: 1,
      gatewayId: gw?.config.gatewayId,
      weather: { provider: 'fixed', temperatureC: 31.5, humidityPct: 70, weatherStatus: 7, stale: false },
    });
    expect(first?.headers).toMatchObject({ 'event-id': first?.message.event.id, 'schema-version': '1' });
    expect(first?.key).toBe(first?.message.event.deviceName);
    await expect.poll(async () => (await gw?.store.stats())?.pending).toBe(0);
    const metrics = (await gw?.server.inject({ method: 'GET', url: '/metrics' }))?.body ?? '';
    expect(metrics).toMatch(/hvac_gateway_forward_published_total 200/);
    expect(metrics).toMatch(/hvac_gateway_enriched_events_total\{weather="fresh"\} 200/);
  });

  it('an event the broker refuses for good (too large for the topic) is set aside; the ones around it go on', async () => {
    // The topic takes record batches up to 20 kB (Kafka's max.message.bytes); one event of ~30 kB cannot ever fit.
    const { topic, post, brokers } = await setup({ 'max.message.bytes': '20000' });
    const accepted: string[] = [];
    let big = '';
    for (let i = 0; i < 31; i++) {
      const r = await post('room-1', (req) => {
        if (i !== 15) return;
        for (const reading of req.event.readings) {
          (reading as { valueType: string; value: string }).valueType = 'String';
          (reading as { value: string }).value = randomBytes(11_250).toString('base64');
        }
      });
      expect(r.status).toBe(201);
      if (i === 15) big = r.id;
      else accepted.push(r.id);
    }
    const received = await consumeEvents(brokers, topic, (got) => got.length >= accepted.length);
    expect(received.map((r) => r.message.event.id)).toEqual(accepted);
    await expect.poll(async () => (await gw?.store.stats())?.pending).toBe(0);
    expect(await metricValue(gw?.metrics.registry as never, 'hvac_gateway_forward_dead_lettered_total')).toBe(1);
    // Set aside, not deleted: the event is still readable at the gateway.
    const kept = await gw?.server.inject({ method: 'GET', url: `/api/v3/event/id/${big}` });
    expect(kept?.statusCode).toBe(200);
  });

  it.skipIf(realKafka)(
    'Kafka refusing connections under steady load: 201 throughout, every event arrives exactly once',
    { timeout: 120_000 },
    async () => {
      const { topic, post, brokers } = await setup();
      const broker = kafka?.testBroker;
      if (!broker) throw new Error('needs the test broker');
      const accepted: string[] = [];
      const statuses = new Set<number>();
      let outageDone = false;
      const load = (async () => {
        for (let i = 0; !outageDone || i < 150; i++) {
          const r = await post(DEVICES[i % DEVICES.length] as string);
          statuses.add(r.status);
          if (r.status === 201) accepted.push(r.id);
          await new Promise((res) => setImmediate(res));
        }
      })();
      await expect.poll(() => accepted.length, { timeout: 10_000 }).toBeGreaterThan(40);
      await broker.refuseConnections(true);
      const duringOutageFrom = accepted.length;
      await expect.poll(() => accepted.length - duringOutageFrom, { timeout: 20_000 }).toBeGreaterThan(100);
      expect((await gw?.store.stats())?.pending).toBeGreaterThan(50);
      // Long enough for kafkajs's own retries (as many as it chooses for an idempotent producer) to give up, so the
      // forwarder's backoff is exercised too.
      const retries = async () =>
        Number(
          /hvac_gateway_forward_retries_total (\d+)/.exec(
            (await gw?.server.inject({ method: 'GET', url: '/metrics' }))?.body ?? '',
          )?.[1],
        );
      await expect.poll(retries, { timeout: 60_000 }).toBeGreaterThan(0);
      await broker.refuseConnections(false);
      outageDone = true;
      await load;
      expect([...statuses]).toEqual([201]);
      const received = await consumeEvents(brokers, topic, (got) => got.length >= accepted.length);
      const ids = received.map((r) => r.message.event.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort()).toEqual([...accepted].sort());
      for (const [, seqs] of sequencesByDevice(received)) expect(seqs).toEqual(seqs.map((_, i) => i + 1));
      await expect.poll(async () => (await gw?.store.stats())?.pending).toBe(0);
    },
  );
});
