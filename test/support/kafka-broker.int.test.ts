import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey, ErrorCode, type KafkaUnderTest, realServerInUse, startKafkaForTests, uniqueTopic } from './index.js';

const realKafka = await realServerInUse('kafka');

// The test broker against an unmodified kafkajs: idempotent producer, consumer group, faults. With KAFKA_BROKERS
// set, the same client-side assertions run against that cluster (the fault tests need the test broker).
describe('Kafka wire-protocol test broker with kafkajs', () => {
  let kafka: KafkaUnderTest;
  let client: Kafka;

  beforeAll(async () => {
    kafka = await startKafkaForTests({ defaultPartitions: 3 });
    client = new Kafka({
      clientId: 'broker-test',
      brokers: kafka.brokers,
      logLevel: logLevel.NOTHING,
      retry: { initialRetryTime: 50, retries: 8 },
    });
  });
  afterAll(async () => kafka?.stop());

  async function consumeAll(topic: string, expected: number, groupId = uniqueTopic('g')) {
    const consumer = client.consumer({ groupId, sessionTimeout: 6000, heartbeatInterval: 500 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const got: Array<{ key: string; value: string; partition: number; offset: string }> = [];
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async ({ message, partition }) => {
            got.push({ key: String(message.key), value: String(message.value), partition, offset: message.offset });
            if (got.length >= expected) resolve();
          },
        })
        .catch(reject);
    });
    await consumer.disconnect();
    return got;
  }

  it('an idempotent producer and a consumer group exchange messages, per-key order kept', async () => {
    const topic = uniqueTopic('t');
    const admin = client.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
    await admin.disconnect();
    const producer = client.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let i = 0; i < 20; i++) {
      await producer.send({
        topic,
        acks: -1,
        messages: ['a', 'b', 'c', 'd'].map((k) => ({ key: k, value: `${k}-${i}`, headers: { seq: String(i) } })),
      });
    }
    await producer.disconnect();
    const got = await consumeAll(topic, 80);
    expect(got).toHaveLength(80);
    for (const k of ['a', 'b', 'c', 'd']) {
      const values = got.filter((g) => g.key === k).map((g) => g.value);
      expect(values).toEqual(Array.from({ length: 20 }, (_, i) => `${k}-${i}`));
      expect(new Set(got.filter((g) => g.key === k).map((g) => g.partition)).size).toBe(1);
    }
  });

  // Where the test broker was found to differ from Apache Kafka (the real-kafka project runs these against it):
  it('refuses a record stamped more than an hour ahead (Kafka 4: log.message.timestamp.after.max.ms)', async () => {
    const topic = uniqueTopic('ts');
    const producer = client.producer({ retry: { retries: 3 } });
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'k', value: 'now' }] });
    const ahead = producer.send({
      topic,
      messages: [{ key: 'k', value: 'ahead', timestamp: String(Date.now() + 2 * 3_600_000) }],
    });
    await expect(ahead).rejects.toMatchObject({ type: 'INVALID_TIMESTAMP' });
    await producer.disconnect();
  });

  it('a first subscription to a topic that does not exist yet fails; the topic exists after it', async () => {
    const topic = uniqueTopic('new');
    const consumer = client.consumer({
      groupId: uniqueTopic('g'),
      allowAutoTopicCreation: true,
      retry: { retries: 0 },
    });
    await consumer.connect();
    await expect(consumer.subscribe({ topic, fromBeginning: true })).rejects.toMatchObject({
      type: 'UNKNOWN_TOPIC_OR_PARTITION',
    });
    const admin = client.admin();
    await admin.connect();
    await expect.poll(async () => (await admin.listTopics()).includes(topic), { timeout: 10_000 }).toBe(true);
    await admin.disconnect();
    await consumer.disconnect();
  });

  it('a second consumer in the group resumes from committed offsets', async () => {
    const topic = uniqueTopic('t');
    const groupId = uniqueTopic('g');
    const producer = client.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ key: 'k', value: `v${i}` })) });
    expect((await consumeAll(topic, 10, groupId)).map((g) => g.value)).toEqual(
      Array.from({ length: 10 }, (_, i) => `v${i}`),
    );
    await producer.send({ topic, messages: [{ key: 'k', value: 'v10' }] });
    await producer.disconnect();
    expect((await consumeAll(topic, 1, groupId)).map((g) => g.value)).toEqual(['v10']);
  });

  describe.skipIf(realKafka)('fault injection (test broker only)', () => {
    it('retries through refused connections, dropped connections and retriable errors without duplicates', async () => {
      const broker = kafka.testBroker;
      if (!broker) throw new Error('unreachable');
      const topic = uniqueTopic('t');
      const producer = client.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      await producer.send({ topic, messages: [{ key: 'k', value: 'm0' }] });
      broker.failNext(ApiKey.Produce, ErrorCode.NOT_LEADER_FOR_PARTITION, 2);
      await producer.send({ topic, messages: [{ key: 'k', value: 'm1' }] });
      broker.dropNext(ApiKey.Produce);
      await producer.send({ topic, messages: [{ key: 'k', value: 'm2' }] });
      // The broker appends m2b but the reply is lost: the producer's retry must be de-duplicated.
      broker.dropResponseNext(ApiKey.Produce);
      await producer.send({ topic, messages: [{ key: 'k', value: 'm2b' }] });
      await broker.refuseConnections(true);
      const pending = producer.send({ topic, messages: [{ key: 'k', value: 'm3' }] });
      setTimeout(() => void broker.refuseConnections(false), 300);
      await pending;
      broker.delayResponses(100);
      await producer.send({ topic, messages: [{ key: 'k', value: 'm4' }] });
      broker.delayResponses(0);
      await producer.disconnect();
      const got = await consumeAll(topic, 6);
      expect(got.map((g) => g.value)).toEqual(['m0', 'm1', 'm2', 'm2b', 'm3', 'm4']);
      const total = [...(broker.topics.get(topic) ?? [])].reduce((a, p) => a + p.messageCount, 0n);
      expect(total).toBe(6n);
    });
  });
});
