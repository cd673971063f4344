import { rm } from 'node:fs/promises';
import { freePort, makeAddEventRequest, makeTempDir, uniqueTopic, waitFor } from '@hvac-edge/test/support';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { type RealKafka, startApacheKafka } from '../../../test/support/real-servers/servers.js';
import { injectEvent, startTestGateway, type TestGateway } from '../helpers.js';
import { consumeEvents } from './helpers.js';

// Real servers only (the real-kafka project; the test broker's restarts are in test/chaos): an Apache Kafka of this
// test's own, stopped mid-drain and started again on its data, while the gateway keeps accepting.
describe('northbound: Apache Kafka restarted mid-drain', () => {
  let kafka: RealKafka | undefined;
  let gw: TestGateway | undefined;
  let dir: string | undefined;
  afterAll(async () => {
    await gw?.dispose();
    await kafka?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('every event accepted before, during and after the outage arrives once', async () => {
    dir = await makeTempDir('kafka-restart');
    const at = { dir, port: await freePort(), controller: await freePort() };
    kafka = await startApacheKafka(at);
    const topic = uniqueTopic('events');
    gw = await startTestGateway({
      'kafka.brokers': kafka.brokers,
      'kafka.topic': topic,
      'kafka.idleMs': 20,
      'kafka.retryMinDelayMs': 100,
      'kafka.retryMaxDelayMs': 1000,
      'rateLimit.perDevicePerMinute': 0,
    });
    await gw.start();
    const accepted: string[] = [];
    const post = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const req = makeAddEventRequest({ deviceName: `room-${i % 4}` });
        const res = gw && (await injectEvent(gw, req));
        expect(res?.statusCode).toBe(201);
        accepted.push(req.event.id);
      }
    };
    const admin = new Kafka({ clientId: 't', brokers: kafka.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const inTopic = async () =>
      (await admin.fetchTopicOffsets(topic).catch(() => [])).reduce((a, o) => a + Number(o.high), 0);
    await post(300);
    await waitFor(async () => (await inTopic()) > 0, 'the first events in the topic', 30_000);
    await admin.disconnect();

    await kafka.stop(); // SIGTERM: a controlled shutdown, its log kept
    await post(300); // accepted (durable in the store) while Kafka is away
    kafka = await startApacheKafka(at);
    await post(300);

    const received = await consumeEvents(
      kafka.brokers,
      topic,
      (r) => new Set(r.map((m) => m.message.event.id)).size >= 900,
      90_000,
    );
    const ids = received.map((m) => m.message.event.id);
    expect(new Set(ids)).toEqual(new Set(accepted));
    // The idempotent producer's state survives a restart with the data: nothing doubled either.
    expect(ids.length).toBe(accepted.length);
    await waitFor(async () => (await gw?.store.stats())?.pending === 0, 'everything marked forwarded', 30_000);
  }, 180_000);
});
