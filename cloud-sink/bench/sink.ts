// pnpm bench:sink — sustained consume-and-write throughput of the sink: a backlog of enriched events in Kafka (the
// wire-protocol test broker in its own process, or KAFKA_BROKERS) written into a real VictoriaMetrics through its
// InfluxDB v2 write API (or INFLUX_URL). Prints one JSON object on its last line with `eventsPerSec`.
import { createLogger, type EnrichedEvent, encodeEnrichedEvent, msToOrigin, uuidv7 } from '@hvac-edge/shared';
import { makeEvent, metricValue, startKafkaBrokerProcess, startVictoriaMetrics } from '@hvac-edge/test/support';
import { Kafka, logLevel } from 'kafkajs';
import { createSink, loadRecommender } from '../src/app.js';
import { loadSinkConfig } from '../src/config.js';
import { SinkMetrics } from '../src/metrics.js';

const N = Number(process.env.BENCH_EVENTS ?? 100_000);

function message(i: number): EnrichedEvent {
  const originMs = Date.UTC(2026, 10, 1) + i * 1000;
  const event = makeEvent({
    id: uuidv7(),
    deviceName: `room-${i % 50}`,
    originNs: msToOrigin(originMs),
    temperature: 22 + (i % 40) / 10,
    humidity: 45.5,
  });
  event.tags = { location: 'bench' };
  return {
    schemaVersion: 1,
    gatewayId: 'bench-gw',
    receivedAt: originMs,
    sequence: Math.floor(i / 50) + 1,
    event,
    weather: {
      provider: 'fixed',
      observedAt: 0,
      ageSeconds: 1,
      stale: false,
      temperatureC: 30,
      humidityPct: 70,
      weatherStatus: 6,
    },
  };
}

const vm = process.env.INFLUX_URL ? undefined : await startVictoriaMetrics();
const influxUrl = process.env.INFLUX_URL ?? vm?.url ?? '';
const broker = await startKafkaBrokerProcess(4);
const topic = `bench-sink-${Date.now()}`;
const producer = new Kafka({ clientId: 'bench', brokers: broker.brokers, logLevel: logLevel.NOTHING }).producer();
process.stderr.write(`[bench] producing ${N} events\n`);
await producer.connect();
for (let i = 0; i < N; i += 2000) {
  const batch = Array.from({ length: Math.min(2000, N - i) }, (_, j) => message(i + j));
  await producer.send({
    topic,
    messages: batch.map((m) => ({ key: m.event.deviceName, value: encodeEnrichedEvent(m) })),
  });
}
await producer.disconnect();

// With the shipped model (BENCH_MODEL=none to measure the write path alone). The events are a second apart, so
// windows take every reading (spacing 0): every event past a device's sixth is scored.
const modelDir = process.env.BENCH_MODEL === 'none' ? '' : 'builtin';
const config = loadSinkConfig(process.env, {
  'kafka.brokers': broker.brokers,
  'kafka.topic': topic,
  'kafka.groupId': `${topic}-g`,
  'influx.url': influxUrl,
  'inference.modelDir': modelDir,
  'inference.sampleSpacingSeconds': 0,
});
const log = createLogger('bench', { level: 'warn' });
const metrics = new SinkMetrics({ defaultMetrics: false });
const recommender = await loadRecommender(config.inference, metrics, log);
const sink = createSink(config, log, { metrics, ...(recommender ? { recommender } : {}) });
const t0 = performance.now();
process.stderr.write('[bench] the sink consuming them\n');
await sink.start();
const events = () => metricValue(metrics.registry, 'hvac_sink_events_total');
while ((await events()) < N) await new Promise((r) => setTimeout(r, 20));
const seconds = (performance.now() - t0) / 1000;
await sink.stop();
broker.stop();
await vm?.stop();

const result = {
  events: N,
  seconds: Number(seconds.toFixed(2)),
  eventsPerSec: Math.round(N / seconds),
  tsdb: process.env.INFLUX_URL ? 'influxdb' : 'victoria-metrics',
  model: recommender?.modelId ?? 'none',
  backend: recommender ? ((await metrics.backend.get()).values[0]?.labels.backend ?? 'unknown') : 'none',
  recommendations: await metricValue(metrics.registry, 'hvac_sink_points_written_total', {
    measurement: 'hvac_recommendation',
  }),
};
console.error(
  `sink: ${N} events into ${result.tsdb} in ${result.seconds} s = ${result.eventsPerSec} events/s, ${result.recommendations} recommendations (${result.model}, ${result.backend})`,
);
console.log(JSON.stringify(result));
