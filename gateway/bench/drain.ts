// pnpm bench:drain — how fast the forwarder drains a 100,000-event backlog into Kafka (the wire-protocol test
// broker in its own process, or KAFKA_BROKERS). Prints one JSON object on its last line with `eventsPerSec`.
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, msToOrigin } from '@hvac-edge/shared';
import { makeEvent, startKafkaBrokerProcess } from '@hvac-edge/test/support';
import { createGateway } from '../src/app.js';
import { loadGatewayConfig } from '../src/config.js';
import { openSqliteStore } from '../test/helpers.js';

const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 100_000);
const dir = join(tmpdir(), `hvac-bench-drain-${process.pid}`);
const dbPath = join(dir, 'gateway.db');

const event = (i: number) =>
  makeEvent({ deviceName: `room-${i % 50}`, originNs: msToOrigin(Date.now() - 3_600_000) + BigInt(i) });

// The backlog: events accepted while Kafka was away.
process.stderr.write(`[bench] writing a backlog of ${BACKLOG} events\n`);
const store = await openSqliteStore(dbPath);
for (let i = 0; i < BACKLOG; i += 1000) {
  await Promise.all(Array.from({ length: Math.min(1000, BACKLOG - i) }, (_, j) => store.append(event(i + j))));
}
await store.close();

const broker = await startKafkaBrokerProcess(3);
const topic = `bench-drain-${Date.now()}`;
const config = loadGatewayConfig(process.env, {
  'http.host': '127.0.0.1',
  'http.port': 0,
  'store.path': dbPath,
  'kafka.brokers': broker.brokers,
  'kafka.topic': topic,
  'weather.provider': 'fixed',
});
const gw = await createGateway(config, createLogger('bench', { level: 'warn' }), { defaultMetrics: false });
const t0 = performance.now();
process.stderr.write('[bench] draining to the Kafka test broker\n');
await gw.start();
while ((await gw.store.stats()).pending > 0) await new Promise((r) => setTimeout(r, 20));
const seconds = (performance.now() - t0) / 1000;
await gw.stop();
broker.stop();
await rm(dir, { recursive: true, force: true });

const result = {
  backlog: BACKLOG,
  batchSize: config.kafka.batchSize,
  seconds: Number(seconds.toFixed(2)),
  eventsPerSec: Math.round(BACKLOG / seconds),
  broker: process.env.KAFKA_BROKERS ? 'kafka' : 'test-broker',
};
console.error(`drained ${BACKLOG} events in ${result.seconds} s: ${result.eventsPerSec} events/s`);
console.log(JSON.stringify(result));
