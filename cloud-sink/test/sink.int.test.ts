import { createLogger, type EnrichedEvent, encodeEnrichedEvent, msToOrigin, originMs } from '@hvac-edge/shared';
import {
  type KafkaUnderTest,
  makeEvent,
  metricValue,
  promtoolCheckMetrics,
  startKafkaForTests,
  startTsdbForTests,
  type TsdbUnderTest,
  testProducer,
  uniqueTopic,
  waitFor,
} from '@hvac-edge/test/support';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSink } from '../src/app.js';
import { loadSinkConfig } from '../src/config.js';
import { startTsdbProxy } from './helpers.js';

const T0 = Date.UTC(2026, 10, 1, 12);

function message(i: number, device: string, gatewayId = 'gw-1'): EnrichedEvent {
  const event = makeEvent({
    deviceName: device,
    originNs: msToOrigin(T0 + i * 10_000),
    temperature: 20 + i / 10,
    humidity: 40 + (i % 7),
  });
  event.tags = { location: 'room-a' };
  return {
    schemaVersion: 1,
    gatewayId,
    receivedAt: T0 + i * 10_000 + 5,
    sequence: i + 1,
    event,
    weather: {
      provider: 'fixed',
      observedAt: T0,
      ageSeconds: i * 10,
      stale: false,
      temperatureC: 31,
      humidityPct: 70,
      weatherStatus: 7,
    },
  };
}

async function portOf(sink: ReturnType<typeof createSink>): Promise<number> {
  const a = sink.http?.server.address();
  return typeof a === 'object' && a ? a.port : 0;
}

describe('cloud sink: Kafka -> VictoriaMetrics (InfluxDB v2 write API)', () => {
  let kafka: KafkaUnderTest;
  let vm: TsdbUnderTest;
  beforeAll(async () => {
    [kafka, vm] = await Promise.all([startKafkaForTests({ defaultPartitions: 3 }), startTsdbForTests()]);
  });
  afterAll(async () => {
    await Promise.all([kafka?.stop(), vm?.stop()]);
  });

  it('writes every event as one climate point, dead-letters a poison message, and a replay adds no samples', async () => {
    const topic = uniqueTopic('events');
    const dlqTopic = uniqueTopic('dlq');
    const client = new Kafka({ clientId: 't', brokers: kafka.brokers, logLevel: logLevel.NOTHING });
    const producer = testProducer(kafka.brokers);
    await producer.connect();
    const N = 30;
    const msgs = Array.from({ length: N }, (_, i) => message(i, `dev-${i % 3}`));
    await producer.send({
      topic,
      messages: msgs.slice(0, 15).map((m) => ({ key: m.event.deviceName, value: encodeEnrichedEvent(m) })),
    });
    await producer.send({ topic, messages: [{ key: 'dev-0', value: '{"schemaVersion": 1, "broken": true}' }] });
    await producer.send({
      topic,
      messages: msgs.slice(15).map((m) => ({ key: m.event.deviceName, value: encodeEnrichedEvent(m) })),
    });
    await producer.disconnect();

    let lastMetrics = '';
    let lastReady: unknown;
    const run = async (groupId: string) => {
      const config = loadSinkConfig(
        {},
        {
          'kafka.brokers': kafka.brokers,
          'kafka.topic': topic,
          'kafka.dlqTopic': dlqTopic,
          'kafka.groupId': groupId,
          ...vm.sinkConfig,
          'influx.retryMinDelayMs': 50,
        },
      );
      const sink = createSink(config, createLogger('t', { level: 'silent' }));
      await sink.start({ host: '127.0.0.1', port: 0 });
      const m = (name: string, labels?: Record<string, string>) => metricValue(sink.metrics.registry, name, labels);
      await waitFor(
        async () => (await m('hvac_sink_events_total')) >= N && (await m('hvac_sink_dead_lettered_total')) >= 1,
        'all messages consumed',
        30_000,
      );
      const port = await portOf(sink);
      lastMetrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      lastReady = await (await fetch(`http://127.0.0.1:${port}/readyz`)).json();
      const counts = {
        events: await m('hvac_sink_events_total'),
        points: await m('hvac_sink_points_written_total', { measurement: 'climate' }),
        deadLettered: await m('hvac_sink_dead_lettered_total'),
      };
      await sink.stop();
      return counts;
    };

    const counts = await run(uniqueTopic('sink'));
    expect(counts).toEqual({ events: N, points: N, deadLettered: 1 });
    expect(lastMetrics).toMatch(/hvac_sink_points_written_total\{measurement="climate"\} 30/);
    expect(lastMetrics).toMatch(/hvac_sink_dead_lettered_total 1/);
    expect(lastMetrics).toMatch(/hvac_sink_consumer_lag\{partition="\d"\} 0/);
    expect(lastReady).toEqual({ status: 'ready', checks: { group: true, influx: true } });
    expect(promtoolCheckMetrics(lastMetrics)).toEqual({ status: 0, output: '' });
    const check = async () => {
      const temps = await vm.exportSeries('climate_temperature');
      expect(temps.map((s) => s.metric.device).sort()).toEqual(['dev-0', 'dev-1', 'dev-2']);
      for (const s of temps) {
        expect(s.metric).toMatchObject({ gateway: 'gw-1', location: 'room-a' });
        const expected = msgs.filter((m) => m.event.deviceName === s.metric.device);
        expect(s.timestamps).toEqual(expected.map((m) => originMs(m.event.origin)));
        expect(s.values).toEqual(expected.map((m) => Number(m.event.readings[0]?.value)));
      }
      const weather = await vm.exportSeries('climate_weather_stat');
      expect(weather.flatMap((s) => s.values)).toEqual(Array(N).fill(7));
      expect((await vm.exportSeries('climate_ext_temperature')).flatMap((s) => s.values)).toHaveLength(N);
    };
    await check();

    // A replay of the same messages (a new group reads from the beginning): the same points, no new samples.
    await run(uniqueTopic('sink-replay'));
    await check();

    // The poison message is in the DLQ with its reason.
    const consumer = client.consumer({ groupId: uniqueTopic('dlq-reader') });
    await consumer.connect();
    await consumer.subscribe({ topic: dlqTopic, fromBeginning: true });
    const dlq = await new Promise<{ reason: string; value: string }>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) =>
          resolve({ reason: String(message.headers?.['dlq-reason']), value: String(message.value) }),
      });
    });
    await consumer.disconnect();
    expect(dlq.value).toBe('{"schemaVersion": 1, "broken": true}');
    expect(dlq.reason).toMatch(/gatewayId is required/);
  });

  it('an event the TSDB refuses for good goes to the DLQ with the reason; the rest of its batch is written', async () => {
    // Any write holding the poison device's point is refused, as InfluxDB refuses a point it cannot parse or keep.
    const proxy = await startTsdbProxy(vm.url, { refuse: (body) => body.includes('device=poison') });
    const topic = uniqueTopic('events');
    const dlqTopic = uniqueTopic('dlq');
    const client = new Kafka({ clientId: 't', brokers: kafka.brokers, logLevel: logLevel.NOTHING });
    const producer = testProducer(kafka.brokers);
    await producer.connect();
    const N = 20;
    const msgs = Array.from({ length: N }, (_, i) => message(i, i === 7 ? 'poison' : `p-${i % 2}`, 'gw-poison'));
    // One partition key: the whole set arrives as one batch, the poison event in its middle.
    await producer.send({ topic, messages: msgs.map((m) => ({ key: 'k', value: encodeEnrichedEvent(m) })) });
    await producer.disconnect();
    const sink = createSink(
      loadSinkConfig(
        {},
        {
          'kafka.brokers': kafka.brokers,
          'kafka.topic': topic,
          'kafka.dlqTopic': dlqTopic,
          'kafka.groupId': uniqueTopic('sink'),
          ...vm.sinkConfig,
          'influx.url': proxy.url,
          'influx.retryMinDelayMs': 20,
        },
      ),
      createLogger('t', { level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    );
    await sink.start();
    const m = (name: string) => metricValue(sink.metrics.registry, name);
    await waitFor(async () => (await m('hvac_sink_dead_lettered_total')) >= 1, 'poison event dead-lettered', 30_000);
    await waitFor(async () => (await m('hvac_sink_events_total')) >= N - 1, 'the rest written', 30_000);
    await sink.stop();
    await proxy.close();
    expect(await m('hvac_sink_dead_lettered_total')).toBe(1);
    const reader = client.consumer({ groupId: uniqueTopic('dlq-reader') });
    await reader.connect();
    await reader.subscribe({ topic: dlqTopic, fromBeginning: true });
    const dlq = await new Promise<{ reason: string; value: string }>((resolve) => {
      void reader.run({
        eachMessage: async ({ message }) =>
          resolve({ reason: String(message.headers?.['dlq-reason']), value: String(message.value) }),
      });
    });
    await reader.disconnect();
    expect(dlq.value).toBe(encodeEnrichedEvent(msgs[7] as EnrichedEvent).toString());
    expect(dlq.reason).toMatch(/InfluxDB refused the points \(HTTP 400\)/);
    const written = async () =>
      (await vm.exportSeries('climate_temperature{gateway="gw-poison"}')).flatMap((s) => s.timestamps);
    await waitFor(async () => (await written()).length >= N - 1, 'points searchable', 15_000);
    const expected = msgs.filter((_, i) => i !== 7).map((x) => originMs(x.event.origin));
    expect((await written()).sort()).toEqual(expected.sort());
  });

  it('TSDB unreachable: nothing is committed meanwhile; after recovery every point lands once', async () => {
    // A switchable proxy in front of VictoriaMetrics stands for the outage.
    const proxy = await startTsdbProxy(vm.url, { down: true });
    const proxyUrl = proxy.url;

    const topic = uniqueTopic('events');
    const groupId = uniqueTopic('sink');
    const client = new Kafka({ clientId: 't', brokers: kafka.brokers, logLevel: logLevel.NOTHING });
    const producer = testProducer(kafka.brokers);
    await producer.connect();
    const N = 20;
    const msgs = Array.from({ length: N }, (_, i) => message(i, `f-${i % 2}`, 'gw-fault'));
    await producer.send({
      topic,
      messages: msgs.map((m) => ({ key: m.event.deviceName, value: encodeEnrichedEvent(m) })),
    });
    await producer.disconnect();
    const admin = client.admin();
    await admin.connect();
    const committed = async () =>
      (await admin.fetchOffsets({ groupId, topics: [topic] }))
        .flatMap((t) => t.partitions)
        .reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);

    const sink = createSink(
      loadSinkConfig(
        {},
        {
          'kafka.brokers': kafka.brokers,
          'kafka.topic': topic,
          'kafka.dlqTopic': uniqueTopic('dlq'),
          'kafka.groupId': groupId,
          ...vm.sinkConfig,
          'influx.url': proxyUrl,
          'influx.retryMinDelayMs': 20,
          'influx.retryMaxDelayMs': 100,
        },
      ),
      createLogger('t', { level: 'silent' }),
    );
    await sink.start();
    await waitFor(async () => proxy.refused >= 3, 'writes refused during the outage', 30_000);
    expect(await committed()).toBe(0);
    const events = () => metricValue(sink.metrics.registry, 'hvac_sink_events_total');
    expect(await events()).toBe(0);
    expect(await vm.exportSeries('climate_temperature{gateway="gw-fault"}')).toEqual([]);

    proxy.down = false;
    await waitFor(async () => (await events()) >= N, 'backlog written after recovery', 30_000);
    await waitFor(async () => (await committed()) === N, 'offsets committed');
    await sink.stop();
    await admin.disconnect();
    await proxy.close();
    // Acknowledged writes become searchable after the TSDB's flush; on a loaded machine that can lag a read.
    const written = async () =>
      (await vm.exportSeries('climate_temperature{gateway="gw-fault"}')).flatMap((s) => s.timestamps);
    await waitFor(async () => (await written()).length >= N, 'points searchable', 15_000);
    const series = await vm.exportSeries('climate_temperature{gateway="gw-fault"}');
    expect(series.flatMap((s) => s.timestamps).sort()).toEqual(msgs.map((m) => originMs(m.event.origin)).sort());
    expect(await metricValue(sink.metrics.registry, 'hvac_sink_write_retries_total')).toBeGreaterThanOrEqual(3);
  });

  it('two sink instances in one group share the partitions and together write every point exactly once', async () => {
    const topic = uniqueTopic('events');
    const groupId = uniqueTopic('sink');
    const client = new Kafka({ clientId: 't', brokers: kafka.brokers, logLevel: logLevel.NOTHING });
    const admin = client.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 4 }] });
    await admin.disconnect();
    const N = 120;
    const msgs = Array.from({ length: N }, (_, i) => message(i, `s-${i % 8}`, 'gw-scale'));
    const make = () =>
      createSink(
        loadSinkConfig(
          {},
          {
            'kafka.brokers': kafka.brokers,
            'kafka.topic': topic,
            'kafka.dlqTopic': uniqueTopic('dlq'),
            'kafka.groupId': groupId,
            ...vm.sinkConfig,
          },
        ),
        createLogger('t', { level: 'silent' }),
      );
    const [a, b] = [make(), make()];
    await Promise.all([a.start(), b.start()]);
    const held = (s: typeof a) => metricValue(s.metrics.registry, 'hvac_sink_assigned_partitions');
    const events = (s: typeof a) => metricValue(s.metrics.registry, 'hvac_sink_events_total');
    // Produce once the group has settled with both members, so that both get work.
    await waitFor(
      async () => (await held(a)) > 0 && (await held(b)) > 0 && (await held(a)) + (await held(b)) === 4,
      'both members assigned',
      30_000,
    );
    const producer = testProducer(kafka.brokers);
    await producer.connect();
    await producer.send({
      topic,
      messages: msgs.map((m) => ({ key: m.event.deviceName, value: encodeEnrichedEvent(m) })),
    });
    await producer.disconnect();
    await waitFor(async () => (await events(a)) + (await events(b)) >= N, 'both consumed', 30_000);
    await Promise.all([a.stop(), b.stop()]);
    // Both took part, and between them every message was processed once.
    expect(await events(a)).toBeGreaterThan(0);
    expect(await events(b)).toBeGreaterThan(0);
    expect((await events(a)) + (await events(b))).toBe(N);
    const series = await vm.exportSeries('climate_temperature{gateway="gw-scale"}');
    expect(series.flatMap((s) => s.timestamps)).toHaveLength(N);
  });
});
