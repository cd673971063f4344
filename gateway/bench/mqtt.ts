// pnpm bench:mqtt — sustained MQTT ingest into the embedded store through a real Mosquitto: a publisher process
// sends BENCH_EVENTS EdgeX events with QoS 1 (UUIDv7 ids as the agent sends; BENCH_UUID=v4 for random ids); the gateway subscribes (QoS 1, shared subscription over
// `mqtt.connections` connections) and acknowledges each only once durable. Measured from the first publish until
// the store holds every event. Last line: one JSON object with `eventsPerSec`.
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createLogger } from '@hvac-edge/shared';
import { makeTempDir, startMosquitto } from '@hvac-edge/test/support';
import { createGateway } from '../src/app.js';
import { loadGatewayConfig } from '../src/config.js';

const N = Number(process.env.BENCH_EVENTS ?? 100_000);
const CONNECTIONS = Number(process.env.BENCH_MQTT_CONNECTIONS ?? 128);
const mosquitto = await startMosquitto();
const dir = await makeTempDir('bench-mqtt');
const config = loadGatewayConfig(process.env, {
  'http.host': '127.0.0.1',
  'http.port': 0,
  'store.path': `${dir}/gateway.db`,
  'mqtt.enabled': true,
  'mqtt.url': mosquitto.url,
  'mqtt.connections': CONNECTIONS,
  'retention.schedule': '0 0 1 1 *',
});
const gw = await createGateway(config, createLogger('bench', { level: 'warn' }), { defaultMetrics: false });
await gw.start();
while (!gw.mqtt.ingest?.connected) await new Promise((r) => setTimeout(r, 20));

const publisher = spawn(
  process.execPath,
  ['--conditions=source', '--import', 'tsx', fileURLToPath(new URL('./mqtt-publisher.ts', import.meta.url))],
  { env: { ...process.env, BROKER_URL: mosquitto.url, N: String(N) }, stdio: ['ignore', 'pipe', 'inherit'] },
);
const lines = createInterface({ input: publisher.stdout });
const it = lines[Symbol.asyncIterator]();
await it.next(); // ready
const t0 = performance.now();
// Progress from the ingest's own counter (an event counts once durable); a COUNT(*) per poll would cost the main
// thread more than the ingest itself. The store's count is checked once at the end.
const counts = gw.mqtt.ingest?.counts ?? { accepted: 0 };
while (counts.accepted < N) await new Promise((r) => setTimeout(r, 20));
const seconds = (performance.now() - t0) / 1000;
const stored = await gw.store.countEvents();
if (stored !== N) throw new Error(`the store holds ${stored} events, expected ${N}`);
const published = Number(String((await it.next()).value ?? '').split(' ')[1]) / 1000;
await gw.stop();
await mosquitto.stop();
await rm(dir, { recursive: true, force: true });
const result = {
  events: N,
  seconds: Number(seconds.toFixed(2)),
  eventsPerSec: Math.round(N / seconds),
  publishSeconds: Number(published.toFixed(2)),
  connections: CONNECTIONS,
  store: 'sqlite (synchronous=full)',
  broker: 'mosquitto',
  ids: process.env.BENCH_UUID === 'v4' ? 'uuid-v4' : 'uuid-v7',
};
console.error(
  `MQTT ingest: ${N} QoS 1 events stored in ${result.seconds} s = ${result.eventsPerSec} events/s (${CONNECTIONS} connections)`,
);
console.log(JSON.stringify(result));
