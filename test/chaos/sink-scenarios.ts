import { createSink, loadSinkConfig } from '@hvac-edge/cloud-sink';
import { createLogger, type EnrichedEvent, encodeEnrichedEvent, msToOrigin, originMs } from '@hvac-edge/shared';
import { Kafka, logLevel } from 'kafkajs';
import { startTsdbProxy } from '../../cloud-sink/test/helpers.js';
import {
  freePort,
  type KafkaUnderTest,
  makeEvent,
  spawnService,
  startKafkaForTests,
  startTsdbForTests,
  type TsdbUnderTest,
  testProducer,
  uniqueTopic,
  waitFor,
} from '../support/index.js';
import type { Scenario } from './scenario.js';

const DEVICES = 6;

function messages(gateway: string, from: number, n: number, t0: number): EnrichedEvent[] {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    return {
      schemaVersion: 1,
      gatewayId: gateway,
      receivedAt: t0 + i,
      sequence: Math.floor(i / DEVICES) + 1,
      event: makeEvent({
        deviceName: `s-${i % DEVICES}`,
        originNs: msToOrigin(t0 + i * 1000),
        temperature: 20 + (i % 50) / 10,
      }),
      weather: null,
    };
  });
}

async function produce(kafka: KafkaUnderTest, topic: string, msgs: EnrichedEvent[]): Promise<void> {
  const producer = testProducer(kafka.brokers, 'chaos');
  await producer.connect();
  for (let i = 0; i < msgs.length; i += 200) {
    const part = msgs.slice(i, i + 200);
    await producer.send({
      topic,
      messages: part.map((m) => ({ key: m.event.deviceName, value: encodeEnrichedEvent(m) })),
    });
  }
  await producer.disconnect();
}

/** The climate points in the TSDB against the events: missing ones, and points no event explains. */
async function compare(vm: TsdbUnderTest, gateway: string, msgs: EnrichedEvent[]) {
  const series = await vm.exportSeries(`climate_temperature{gateway="${gateway}"}`);
  const got = new Set(series.flatMap((s) => s.timestamps.map((t) => `${s.metric.device}@${t}`)));
  const want = new Set(msgs.map((m) => `${m.event.deviceName}@${originMs(m.event.origin)}`));
  const lost = [...want].filter((k) => !got.has(k)).length;
  const extra = [...got].filter((k) => !want.has(k)).length;
  return { lost, extra, points: got.size };
}

function sinkEnv(
  kafka: KafkaUnderTest,
  vm: TsdbUnderTest,
  topic: string,
  groupId: string,
  port: number,
  influxUrl?: string,
) {
  return {
    SINK_KAFKA_BROKERS: kafka.brokers.join(','),
    SINK_KAFKA_TOPIC: topic,
    SINK_KAFKA_GROUP_ID: groupId,
    SINK_KAFKA_DLQ_TOPIC: `${topic}-dlq`,
    ...vm.sinkEnv,
    ...(influxUrl ? { SINK_INFLUX_URL: influxUrl } : {}),
    SINK_HTTP_HOST: '127.0.0.1',
    SINK_HTTP_PORT: String(port),
    SINK_LOG_LEVEL: 'error',
    // A killed member stays in the group until this expires.
    SINK_KAFKA_SESSION_TIMEOUT_MS: '6000',
  };
}

/**
 * 5. A sink SIGKILLed mid-stream, then three replicas in its group, of which one leaves and a new one joins while
 * events keep coming: the set of climate points equals the set of events.
 */
export const sinkKillAndRebalance: Scenario = {
  name: 'sink SIGKILL, then 3 replicas with one leaving and one joining under load',
  async run(scale) {
    const [kafka, vm] = await Promise.all([startKafkaForTests({ defaultPartitions: 6 }), startTsdbForTests()]);
    const proxy = await startTsdbProxy(vm.url, { delayMs: 200 });
    const topic = uniqueTopic('chaos-sink');
    const groupId = uniqueTopic('chaos-group');
    const gateway = `gw-${topic.slice(-8)}`;
    const t0 = Date.UTC(2026, 10, 3);
    const first = messages(gateway, 0, scale.events * 2, t0);
    const second = messages(gateway, scale.events * 2, scale.events * 2, t0);
    const sinks: Array<ReturnType<typeof spawnService>> = [];
    const start = async (influxUrl?: string) => {
      const port = await freePort();
      const s = spawnService('sink', sinkEnv(kafka, vm, topic, groupId, port, influxUrl));
      sinks.push(s);
      return { s, port };
    };
    const written = async () => (await compare(vm, gateway, [...first, ...second])).points;
    try {
      await produce(kafka, topic, first);
      const a = await start(proxy.url);
      await waitFor(async () => (await written()) > 0, 'first points written', 60_000);
      a.s.proc.kill('SIGKILL');
      await a.s.exited;
      const replicas = [await start(), await start(), await start()];
      const loading = produce(kafka, topic, second);
      await waitFor(async () => (await written()) > first.length / 2, 'replicas writing', 60_000);
      await replicas[2]?.s.stop();
      await start();
      await loading;
      const all = [...first, ...second];
      await waitFor(async () => (await written()) >= all.length, 'every point written', 120_000);
      const r = await compare(vm, gateway, all);
      return {
        lost: r.lost,
        duplicatedPoints: r.extra,
        passed: r.lost === 0 && r.extra === 0,
        detail: `${all.length} events, ${r.points} points, 5 sink processes (1 killed, 1 left, 1 joined)`,
      };
    } finally {
      await Promise.all(sinks.map((s) => s.stop(5000)));
      await proxy.close();
      await Promise.all([kafka.stop(), vm.stop()]);
    }
  },
};

/**
 * 6. The TSDB unreachable for the outage time while events keep arriving: no point lost, nothing dead-lettered for
 * it, and no offset committed while nothing could be written.
 */
export const tsdbOutage: Scenario = {
  name: 'TSDB outage under load',
  async run(scale) {
    const [kafka, vm] = await Promise.all([startKafkaForTests({ defaultPartitions: 3 }), startTsdbForTests()]);
    const proxy = await startTsdbProxy(vm.url);
    const topic = uniqueTopic('chaos-tsdb');
    const groupId = uniqueTopic('chaos-tsdb-group');
    const gateway = `gw-${topic.slice(-8)}`;
    const sink = createSink(
      loadSinkConfig(
        {},
        {
          'kafka.brokers': kafka.brokers,
          'kafka.topic': topic,
          'kafka.dlqTopic': `${topic}-dlq`,
          'kafka.groupId': groupId,
          ...vm.sinkConfig,
          'influx.url': proxy.url,
          'influx.retryMinDelayMs': 50,
          'influx.retryMaxDelayMs': 500,
        },
      ),
      createLogger('chaos', { level: 'silent' }),
    );
    const admin = new Kafka({ clientId: 'chaos', brokers: kafka.brokers, logLevel: logLevel.NOTHING }).admin();
    const committed = async () =>
      (await admin.fetchOffsets({ groupId, topics: [topic] }))
        .flatMap((t) => t.partitions)
        .reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
    try {
      await admin.connect();
      await sink.start();
      const t0 = Date.UTC(2026, 10, 4);
      const all = messages(gateway, 0, scale.events * 3, t0);
      await produce(kafka, topic, all.slice(0, scale.events));
      await waitFor(async () => (await compare(vm, gateway, all)).points >= scale.events, 'before the outage', 60_000);
      proxy.down = true;
      const loading = produce(kafka, topic, all.slice(scale.events, scale.events * 2));
      await waitFor(async () => proxy.refused >= 1, 'writes refused', 30_000);
      const atStart = await committed();
      await loading;
      await new Promise((r) => setTimeout(r, scale.outageSeconds * 1000));
      const atEnd = await committed();
      proxy.down = false;
      await produce(kafka, topic, all.slice(scale.events * 2));
      await waitFor(
        async () => (await compare(vm, gateway, all)).points >= all.length,
        'every point after the outage',
        120_000,
      );
      const r = await compare(vm, gateway, all);
      const dlq = (await admin.fetchTopicOffsets(`${topic}-dlq`).catch(() => [])).reduce(
        (n, p) => n + Number(p.high),
        0,
      );
      return {
        lost: r.lost,
        duplicatedPoints: r.extra,
        passed: r.lost === 0 && r.extra === 0 && dlq === 0 && atEnd === atStart,
        detail: `${all.length} events, ${r.points} points, ${proxy.refused} writes refused, ${dlq} dead-lettered, committed offsets ${atStart} -> ${atEnd} during the outage`,
      };
    } finally {
      await sink.stop();
      await admin.disconnect();
      await proxy.close();
      await Promise.all([kafka.stop(), vm.stop()]);
    }
  },
};
