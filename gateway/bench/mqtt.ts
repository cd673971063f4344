// pnpm bench:mqtt — sustained MQTT ingest into the embedded store through a real Mosquitto: a publisher process
// sends BENCH_EVENTS EdgeX events with QoS 1 (UUIDv7 ids as the agent sends; BENCH_UUID=v4 for random ids); the
// gateway subscribes (QoS 1, shared subscription over `mqtt.connections` sessions) and acknowledges each only once
// durable. Measured from the first publish until the store holds every event.
// First, the same publisher against the same broker and the same number of sessions acknowledging on receipt
// (no decoding, no store): the most this machine's broker, publisher and MQTT sessions allow, so the gateway's
// number can be read against it (`ratio`) on machines of any speed. Last line: one JSON object with `eventsPerSec`.
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createLogger } from '@hvac-edge/shared';
import { makeTempDir, startMosquitto } from '@hvac-edge/test/support';
import { createGateway } from '../src/app.js';
import { loadGatewayConfig } from '../src/config.js';
import { PipelinedSubscriber } from '../src/mqtt/pipelined-subscriber.js';

const N = Number(process.env.BENCH_EVENTS ?? 100_000);
const log = createLogger('bench', { level: 'warn' });
const mosquitto = await startMosquitto();
const dir = await makeTempDir('bench-mqtt');
const config = loadGatewayConfig(process.env, {
  'http.host': '127.0.0.1',
  'http.port': 0,
  'store.path': `${dir}/gateway.db`,
  'mqtt.enabled': true,
  'mqtt.url': mosquitto.url,
  ...(process.env.BENCH_MQTT_CONNECTIONS ? { 'mqtt.connections': Number(process.env.BENCH_MQTT_CONNECTIONS) } : {}),
  'retention.schedule': '0 0 1 1 *',
});
const connections = config.mqtt.connections;

/** Runs the publisher; resolves when `progress()` reaches N, with the seconds from its first publish. */
async function publishAndWait(progress: () => Promise<number>): Promise<{ seconds: number; publishSeconds: number }> {
  const publisher = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', fileURLToPath(new URL('./mqtt-publisher.ts', import.meta.url))],
    { env: { ...process.env, BROKER_URL: mosquitto.url, N: String(N) }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const it = createInterface({ input: publisher.stdout })[Symbol.asyncIterator]();
  await it.next(); // ready
  const t0 = performance.now();
  while ((await progress()) < N) await new Promise((r) => setTimeout(r, 20));
  const seconds = (performance.now() - t0) / 1000;
  const publishSeconds = Number(String((await it.next()).value ?? '').split(' ')[1]) / 1000;
  return { seconds, publishSeconds };
}

// The ceiling, on its own topic filter and client ids so that the gateway's sessions start empty.
let received = 0;
const ceilingSessions = Array.from(
  { length: connections },
  (_, i) =>
    new PipelinedSubscriber(
      {
        ...config.mqtt,
        clientId: `bench-ceiling-${i}`,
        filter: `$share/bench-ceiling/${config.mqtt.topicPrefix}/#`,
        reconnectMinDelayMs: 100,
        reconnectMaxDelayMs: 1000,
      },
      async () => {
        received += 1;
      },
      log,
    ),
);
process.stderr.write('[bench] broker ceiling: publishing to bare subscriber sessions\n');
for (const s of ceilingSessions) s.start();
while (!ceilingSessions.every((s) => s.ready)) await new Promise((r) => setTimeout(r, 20));
const ceiling = await publishAndWait(async () => received);
await Promise.all(ceilingSessions.map((s) => s.stop()));

const gw = await createGateway(config, log, { defaultMetrics: false });
process.stderr.write('[bench] the gateway ingesting the same load\n');
await gw.start();
while (!gw.mqtt?.connected) await new Promise((r) => setTimeout(r, 20));
// Progress from the store's count of durable events (the embedded store keeps it in memory: no query per poll).
const run = await publishAndWait(() => gw.store.countEvents());
const stored = await gw.store.countEvents();
if (stored !== N) throw new Error(`the store holds ${stored} events, expected ${N}`);
await gw.stop();
await mosquitto.stop();
await rm(dir, { recursive: true, force: true });

const eventsPerSec = Math.round(N / run.seconds);
const ceilingEventsPerSec = Math.round(N / ceiling.seconds);
const result = {
  events: N,
  seconds: Number(run.seconds.toFixed(2)),
  eventsPerSec,
  publishSeconds: Number(run.publishSeconds.toFixed(2)),
  ceilingEventsPerSec,
  ratio: Number((eventsPerSec / ceilingEventsPerSec).toFixed(3)),
  connections,
  store: `sqlite (synchronous=${config.store.synchronous})`,
  broker: 'mosquitto',
  publisher: process.env.PUBLISHER === 'lean' ? 'lean (mqtt-packet)' : 'MQTT.js',
  ids: process.env.BENCH_UUID === 'v4' ? 'uuid-v4' : 'uuid-v7',
};
console.error(
  `MQTT ingest: ${N} QoS 1 events stored in ${result.seconds} s = ${eventsPerSec} events/s over ${connections} ` +
    `sessions; the same publisher and broker with sessions that acknowledge on receipt: ${ceilingEventsPerSec} events/s`,
);
console.log(JSON.stringify(result));
