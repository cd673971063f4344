import { createServer, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { createSink, loadSinkConfig } from '@hvac-edge/cloud-sink';
import { createLogger, decodeEnrichedEvent, type EdgexEvent, parseEdgexJson, stringifyEdgex } from '@hvac-edge/shared';
import { encode as encodeCbor } from 'cborg';
import fc from 'fast-check';
import { Kafka, logLevel } from 'kafkajs';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../gateway/test/helpers.js';
import {
  type KafkaUnderTest,
  makeAddEventRequest,
  metricValue,
  startKafkaForTests,
  uniqueTopic,
  waitFor,
} from './support/index.js';

/** Origins a double cannot hold: above 2^53, up to int64's maximum, and neighbours a nanosecond apart. */
const SAMPLED = fc.sample(fc.bigInt({ min: 2n ** 53n + 1n, max: 2n ** 63n - 2n }), { seed: 20261130, numRuns: 24 });
const ORIGINS = [
  ...new Set([2n ** 53n + 1n, 2n ** 63n - 1n, 1_796_035_551_629_090_001n, 1_796_035_551_629_090_002n, ...SAMPLED]),
];

/** An InfluxDB v2 write endpoint that keeps the line protocol it is sent (what the sink would store). */
async function captureInflux(): Promise<{ url: string; lines: string[]; server: Server }> {
  const lines: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
      if (req.url?.startsWith('/api/v2/write')) lines.push(...body.split('\n').filter(Boolean));
      res.writeHead(req.url?.startsWith('/api/v2/write') ? 204 : 200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  return { url: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`, lines, server };
}

describe('exact int64 origins end to end (property over origins above 2^53)', () => {
  let kafka: KafkaUnderTest;
  let gw: TestGateway;
  let influx: Awaited<ReturnType<typeof captureInflux>>;
  const topic = uniqueTopic('events');
  let base = '';
  beforeAll(async () => {
    kafka = await startKafkaForTests();
    influx = await captureInflux();
    gw = await startTestGateway({
      'kafka.brokers': kafka.brokers,
      'kafka.topic': topic,
      'kafka.commandsTopic': '',
      'kafka.idleMs': 50,
      'rateLimit.perDevicePerMinute': 0,
      // The whole int64 range is the point here: the plausibility window (2000 .. now + 1 day) is widened.
      'limits.originMin': '1970-01-01T00:00:00Z',
      'limits.originMaxAheadSeconds': 9_300_000_000,
      'limits.clockSkewAheadSeconds': 9_300_000_000,
      'limits.clockSkewBehindSeconds': 9_300_000_000,
      'mqtt.enabled': true,
      'mqtt.embeddedBroker.enabled': true,
      'mqtt.embeddedBroker.host': '127.0.0.1',
      'mqtt.embeddedBroker.port': 0,
    });
    [base = ''] = await gw.start();
    await waitFor(async () => gw.mqtt?.connected === true, 'MQTT ingest subscribed');
  });
  afterAll(async () => {
    await gw?.dispose();
    await kafka?.stop();
    await new Promise((r) => influx?.server.close(r));
  });

  it('HTTP JSON, CBOR and MQTT in; the store, event and reading reads, the Kafka message and the sink point out', async () => {
    const sent: EdgexEvent[] = [];
    const client = await mqtt.connectAsync(gw.mqtt?.brokerUrl ?? '');
    for (const [i, origin] of ORIGINS.entries()) {
      const via = (['json', 'cbor', 'mqtt'] as const)[i % 3];
      const req = makeAddEventRequest({ deviceName: `exact-${via}`, originNs: origin });
      (req.event.readings[1] as { origin: bigint }).origin = origin - 1n; // readings keep their own origins
      sent.push(req.event);
      const path = `svc/${req.event.profileName}/${req.event.deviceName}/${req.event.sourceName}`;
      if (via === 'mqtt') {
        await client.publishAsync(`edgex/events/device/${path}`, stringifyEdgex(req), { qos: 1 });
        continue;
      }
      const res = await fetch(`${base}/api/v3/event/${path}`, {
        method: 'POST',
        headers: { 'content-type': via === 'json' ? 'application/json' : 'application/cbor' },
        body: via === 'json' ? stringifyEdgex(req) : Buffer.from(encodeCbor(req)),
      });
      expect(res.status, `${via} ${origin}`).toBe(201);
    }
    await client.endAsync();
    await waitFor(async () => (await gw.store.countEvents()) === ORIGINS.length, 'every event stored');

    for (const e of sent) {
      // The store, and the HTTP read of one event.
      expect((await gw.store.getById(e.id))?.event).toEqual(e);
      const one = parseEdgexJson(await (await fetch(`${base}/api/v3/event/id/${e.id}`)).text(), 'event') as {
        event: EdgexEvent;
      };
      expect(one.event).toEqual(e);
      // A time range of exactly one nanosecond finds exactly this event.
      const range = await fetch(`${base}/api/v3/event/start/${e.origin}/end/${e.origin}`);
      const listed = parseEdgexJson(await range.text(), 'events') as { events: EdgexEvent[] };
      expect(listed.events.map((x) => x.id)).toContain(e.id);
      expect(listed.events.every((x) => x.origin === e.origin)).toBe(true);
    }
    // Readings, by their own origin: the humidity readings sit one nanosecond before their events.
    for (const e of sent.slice(0, 6)) {
      const r = parseEdgexJson(
        await (await fetch(`${base}/api/v3/reading/start/${e.origin - 1n}/end/${e.origin - 1n}`)).text(),
        'event',
      ) as { readings: Array<{ origin: bigint; resourceName: string; deviceName: string }> };
      expect(
        r.readings.filter((x) => x.deviceName === e.deviceName).map((x) => [x.resourceName, x.origin]),
      ).toContainEqual(['humidity', e.origin - 1n]);
    }

    // The northbound Kafka message.
    const consumer = new Kafka({ clientId: 't', brokers: kafka.brokers, logLevel: logLevel.NOTHING }).consumer({
      groupId: uniqueTopic('exact'),
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const onKafka = new Map<string, EdgexEvent>();
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          const d = decodeEnrichedEvent(message.value);
          if (d.ok) onKafka.set(d.value.event.id, d.value.event);
          if (onKafka.size === sent.length) resolve();
        },
      });
    });
    await consumer.disconnect();
    for (const e of sent) expect(onKafka.get(e.id)).toEqual(e);

    // The cloud sink's points: the line protocol it writes carries the origin to the nanosecond.
    const sink = createSink(
      loadSinkConfig(
        {},
        {
          'kafka.brokers': kafka.brokers,
          'kafka.topic': topic,
          'kafka.groupId': uniqueTopic('sink'),
          'kafka.dlqTopic': uniqueTopic('dlq'),
          'influx.url': influx.url,
        },
      ),
      createLogger('t', { level: 'silent' }),
    );
    await sink.start();
    await waitFor(
      async () => (await metricValue(sink.metrics.registry, 'hvac_sink_events_total')) >= sent.length,
      'sink',
    );
    await sink.stop();
    const climate = influx.lines.filter((l) => l.startsWith('climate,'));
    for (const e of sent) {
      expect(
        climate.filter((l) => l.includes(`device=${e.deviceName},`) && l.endsWith(` ${e.origin}`)),
        String(e.origin),
      ).toHaveLength(1);
    }
    expect(climate).toHaveLength(sent.length);
  }, 120_000);
});
