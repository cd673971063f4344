// pnpm bench:e2e — reading-to-point latency: simulated devices post readings at a fixed total rate (BENCH_RATE,
// 1,000 events/s) for BENCH_SECONDS (20) through a gateway process to stored points, in two modes:
//   embedded: the gateway with its embedded sink (points in SQLite), read back by polling that file;
//   kafka:    the gateway forwarding to Kafka (the test broker as its own process, or KAFKA_BROKERS), a sink process
//             writing VictoriaMetrics (or INFLUX_URL) through a recording proxy.
// Latency of a reading = when its point was first readable (embedded: seen by a poller of the points file; kafka:
// acknowledged by the TSDB's write API, seen on the wire by the proxy) − the reading's origin (set at send time).
// A TSDB adds its own search delay on top (VictoriaMetrics: up to a second; the figure is stated apart).
// The first BENCH_WARMUP_S (5) seconds of each run are sent but measured apart, as the cold start: they pay for the
// topic's creation, the consumer's first fetch, connections and the JIT, once per start (about 1.5 s through Kafka).
// Progress on stderr; the last line is one JSON object with embeddedP99Ms, kafkaP99Ms, eventsPerSec.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { msToOrigin, stringifyEdgex } from '@hvac-edge/shared';
import Database from 'better-sqlite3';
import { Agent, request } from 'undici';
import { startTsdbProxy } from '../../cloud-sink/test/helpers.js';
import {
  freePort,
  makeAddEventRequest,
  makeTempDir,
  spawnService,
  startKafkaBrokerProcess,
  startTsdbForTests,
  waitFor,
} from '../support/index.js';

const RATE = Number(process.env.BENCH_RATE ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 5);
const DEVICES = 100;
const progress = (m: string) => process.stderr.write(`[bench] ${m}\n`);

interface Sent {
  device: string;
  originMs: number;
  /** Sent in the warm-up (the cold start), not the measured seconds. */
  warmup: boolean;
}

/** Posts RATE events/s for WARMUP_S + SECONDS in ticks of 10 ms; resolves with each event's (device, origin ms). */
async function drive(base: string): Promise<Sent[]> {
  const dispatcher = new Agent({ connections: DEVICES, pipelining: 1 });
  const sent: Sent[] = [];
  const perTick = RATE / 100;
  const t0 = performance.now();
  const inflight = new Set<Promise<unknown>>();
  let n = 0;
  for (let tick = 0; tick < (WARMUP_S + SECONDS) * 100; tick++) {
    const due = Math.round((tick + 1) * perTick) - Math.round(tick * perTick);
    for (let k = 0; k < due; k++) {
      const device = `e2e-${n++ % DEVICES}`;
      const now = Date.now();
      const req = makeAddEventRequest({ deviceName: device, originNs: msToOrigin(now) });
      sent.push({ device, originMs: now, warmup: tick < WARMUP_S * 100 });
      const p = request(`${base}/api/v3/event/svc/dht22/${device}/climate`, {
        method: 'POST',
        dispatcher,
        headers: { 'content-type': 'application/json' },
        body: stringifyEdgex(req),
      }).then((r) => r.body.dump());
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
    }
    const next = t0 + (tick + 1) * 10;
    const wait = next - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (tick % 500 === 0) progress(`${Math.round(tick / 100)} s: ${sent.length} sent`);
  }
  await Promise.all(inflight);
  await dispatcher.close();
  return sent;
}

/**
 * Latency stats of the measured readings, and of the warm-up's apart, from when each point was first seen; throws
 * if any never shows.
 */
async function latencies(sent: Sent[], seen: Map<string, number>, pollUntil: () => Promise<void>) {
  await pollUntil();
  const measured: number[] = [];
  const cold: number[] = [];
  for (const s of sent) {
    const at = seen.get(`${s.device}@${s.originMs}`);
    if (at === undefined) throw new Error(`the point of ${s.device}@${s.originMs} never appeared`);
    (s.warmup ? cold : measured).push(at - s.originMs);
  }
  return { sent: measured.length, ...stats(measured), coldStart: { sent: cold.length, ...stats(cold) } };
}

function stats(xs: number[]) {
  if (xs.length === 0) return { p50Ms: null, p99Ms: null, maxMs: null };
  const sorted = [...xs].sort((a, b) => a - b);
  const q = (p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number);
  return { p50Ms: q(0.5), p99Ms: q(0.99), maxMs: Math.round(sorted[sorted.length - 1] as number) };
}

async function embedded() {
  const dir = await makeTempDir('bench-e2e');
  const port = await freePort();
  const points = join(dir, 'points.db');
  const gw = spawnService(
    'gateway',
    {
      GATEWAY_HTTP_HOST: '127.0.0.1',
      GATEWAY_HTTP_PORT: String(port),
      GATEWAY_STORE_PATH: join(dir, 'gateway.db'),
      GATEWAY_EMBEDDED_SINK_ENABLED: 'true',
      GATEWAY_EMBEDDED_SINK_POINTS_PATH: points,
      GATEWAY_MONITORING_ENABLED: 'false',
      GATEWAY_RATE_LIMIT_PER_DEVICE_PER_MINUTE: '0',
      GATEWAY_LOG_LEVEL: 'warn',
    },
    [],
    { built: true },
  );
  try {
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).ok, 'gateway', 60_000);
    const seen = new Map<string, number>();
    const db = new Database(points, { readonly: true, fileMustExist: true });
    const read = db.prepare(
      "SELECT device, time_ns FROM points WHERE measurement = 'climate' AND time_ns > ? ORDER BY time_ns",
    );
    read.safeIntegers(true);
    let after = 0n;
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const now = Date.now();
        for (const row of read.all(after) as Array<{ device: string; time_ns: bigint }>) {
          const key = `${row.device}@${Number(row.time_ns / 1_000_000n)}`;
          if (!seen.has(key)) seen.set(key, now);
          if (row.time_ns > after) after = row.time_ns - 1_000_000_000n; // points may commit out of origin order
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    progress(`embedded: ${RATE} events/s for ${WARMUP_S} + ${SECONDS} s (warm-up, measured)`);
    const sent = await drive(`http://127.0.0.1:${port}`);
    const lat = await latencies(sent, seen, () =>
      waitFor(async () => seen.size >= sent.length, 'every point readable', 60_000),
    );
    polling = false;
    await poller;
    db.close();
    return lat;
  } finally {
    await gw.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function viaKafka() {
  const dir = await makeTempDir('bench-e2e-kafka');
  const [broker, tsdb] = await Promise.all([startKafkaBrokerProcess(6), startTsdbForTests()]);
  const gwPort = await freePort();
  const topic = `e2e-${Date.now()}`;
  const gateway = `gw-${topic}`;
  const gw = spawnService(
    'gateway',
    {
      GATEWAY_GATEWAY_ID: gateway,
      GATEWAY_HTTP_HOST: '127.0.0.1',
      GATEWAY_HTTP_PORT: String(gwPort),
      GATEWAY_STORE_PATH: join(dir, 'gateway.db'),
      GATEWAY_KAFKA_BROKERS: broker.brokers.join(','),
      GATEWAY_KAFKA_TOPIC: topic,
      GATEWAY_KAFKA_COMMANDS_TOPIC: '',
      GATEWAY_MONITORING_ENABLED: 'false',
      GATEWAY_RATE_LIMIT_PER_DEVICE_PER_MINUTE: '0',
      GATEWAY_LOG_LEVEL: 'warn',
    },
    [],
    { built: true },
  );
  const seen = new Map<string, number>();
  // Every point the TSDB acknowledged, as it crosses the wire: climate,device=<d>,... <fields> <time ns>.
  const proxy = await startTsdbProxy(tsdb.url, {
    onWritten: (lines) => {
      const now = Date.now();
      for (const line of lines.split('\n')) {
        const m = /^climate,(?:.*,)?device=([^, ]+)[^ ]* \S+ (\d+)$/.exec(line);
        if (!m) continue;
        const key = `${m[1]}@${Number(BigInt(m[2] as string) / 1_000_000n)}`;
        if (!seen.has(key)) seen.set(key, now);
      }
    },
  });
  const sink = spawnService(
    'sink',
    {
      SINK_KAFKA_BROKERS: broker.brokers.join(','),
      SINK_KAFKA_TOPIC: topic,
      SINK_KAFKA_GROUP_ID: `${topic}-sink`,
      SINK_HTTP_HOST: '127.0.0.1',
      SINK_HTTP_PORT: String(await freePort()),
      SINK_INFERENCE_MODEL_DIR: '',
      SINK_LOG_LEVEL: 'warn',
      ...tsdb.sinkEnv,
      SINK_INFLUX_URL: proxy.url,
    },
    [],
    { built: true },
  );
  try {
    await waitFor(async () => (await fetch(`http://127.0.0.1:${gwPort}/readyz`)).ok, 'gateway', 60_000);
    progress(`kafka: ${RATE} events/s for ${WARMUP_S} + ${SECONDS} s (gateway -> Kafka -> sink -> ${tsdb.kind})`);
    const sent = await drive(`http://127.0.0.1:${gwPort}`);
    const lat = await latencies(sent, seen, () =>
      waitFor(async () => seen.size >= sent.length, 'every point readable', 120_000),
    );
    return { tsdb: tsdb.kind, ...lat };
  } finally {
    await Promise.all([gw.stop(), sink.stop()]);
    await proxy.close();
    broker.stop();
    await tsdb.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

const e = await embedded();
const line = (r: Awaited<ReturnType<typeof latencies>>) =>
  `p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, max ${r.maxMs} ms over ${r.sent} readings (cold start, first ${WARMUP_S} s: p99 ${r.coldStart.p99Ms} ms, max ${r.coldStart.maxMs} ms)`;
progress(`embedded: ${line(e)}`);
const k = await viaKafka();
progress(`kafka: ${line(k)}`);
console.log(
  JSON.stringify({
    eventsPerSec: RATE,
    seconds: SECONDS,
    warmupSeconds: WARMUP_S,
    embedded: e,
    kafka: k,
    embeddedP99Ms: e.p99Ms,
    kafkaP99Ms: k.p99Ms,
  }),
);
