// pnpm bench:ingest — the durable POST /api/v3/event against a no-op Fastify POST route, same machine, same load.
// Prints a JSON object on its last line: rates, p50/p99 latencies, CPU per request (each server's main thread, its
// other threads, the load generator) and `ratio` (durable rate / no-op rate).
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { uuidv7 } from '@hvac-edge/shared';
import {
  scrapeSamples,
  spawnAnnounced,
  storeCommits,
  threadCpu,
  threadCpuSince,
  USER_HZ,
} from '@hvac-edge/test/support';
import autocannon from 'autocannon';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 20);
const WARMUP_S = 2;
const SERVER = fileURLToPath(new URL('./ingest-server.ts', import.meta.url));

// Time-ordered UUIDv7 as the hvac-edge device agent sends; BENCH_UUID=v4 for random ids.
const newId = process.env.BENCH_UUID === 'v4' ? randomUUID : () => uuidv7();

function body(device: string): string {
  const origin = Date.now() * 1_000_000;
  const reading = (resourceName: string, value: string) => ({
    origin,
    deviceName: device,
    resourceName,
    profileName: 'dht22',
    valueType: 'Float64',
    value,
    units: resourceName === 'temperature' ? '°C' : '%RH',
  });
  return JSON.stringify({
    apiVersion: 'v3',
    requestId: randomUUID(),
    event: {
      apiVersion: 'v3',
      id: newId(),
      deviceName: device,
      profileName: 'dht22',
      sourceName: 'climate',
      origin,
      readings: [reading('temperature', (20 + Math.random() * 10).toFixed(1)), reading('humidity', '45.2')],
    },
  });
}

/** One of ingest-server.ts's two servers, once it listens: its process, its port and what it announced. */
async function startServer(mode: string) {
  const server = await spawnAnnounced(SERVER, [mode], 'port');
  return { ...server, port: server.info.port as number };
}

/**
 * CPU per answered request, in µs, over one load: the server's main thread (user and kernel time apart), its other
 * threads (the store's writer, V8's helpers), and the load generator, which shares the cores. Where a ratio comes
 * from, and comparable across the machine's phases where the rates are not.
 */
async function measuredLoad(server: ChildProcess, port: number, seconds: number) {
  const pid = server.pid as number;
  const before = threadCpu(pid);
  const client0 = process.cpuUsage();
  const result = await load(port, seconds);
  const client = process.cpuUsage(client0);
  const spent = threadCpuSince(pid, before);
  const perRequest = (ticks: number) => Math.round(((ticks / USER_HZ) * 1e6) / Math.max(1, result.requests));
  let other = 0;
  for (const [tid, t] of spent) if (tid !== String(pid)) other += t.user + t.system;
  const main = spent.get(String(pid));
  return {
    ...result,
    cpuUsPerRequest: {
      mainUser: perRequest(main?.user ?? 0),
      mainSystem: perRequest(main?.system ?? 0),
      otherThreads: perRequest(other),
      loadGenerator: Math.round((client.user + client.system) / Math.max(1, result.requests)),
    },
  };
}

async function load(port: number, seconds: number) {
  let n = 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: '/api/v3/event/bench/dht22/room/climate',
        headers: { 'content-type': 'application/json' },
        setupRequest: (req) => {
          const device = `room-${n++ % CONNECTIONS}`;
          return { ...req, path: `/api/v3/event/bench/dht22/${device}/climate`, body: body(device) };
        },
      },
    ],
  });
  const non2xx = result.non2xx + result.errors + result.timeouts;
  return {
    rps: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    failed: non2xx,
  };
}

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/**
 * Both servers run side by side; the load alternates between them in short rounds, so that both see the same
 * machine (a shared VM's speed drifts by tens of percent within a minute): the ratio is the median of the rounds'
 * ratios, the rates the medians of the rounds'.
 */
const noopServer = await startServer('noop');
const gatewayServer = await startServer('gateway');
try {
  process.stderr.write(`[bench] warm-up: ${WARMUP_S} s each, ${CONNECTIONS} connections\n`);
  await load(noopServer.port, WARMUP_S);
  await load(gatewayServer.port, WARMUP_S);
  type Round = Awaited<ReturnType<typeof measuredLoad>>;
  const rounds: Array<{ noop: Round; durable: Round }> = [];
  const each = Math.max(1, Math.round(DURATION_S / ROUNDS));
  for (let r = 1; r <= ROUNDS; r++) {
    const noop = await measuredLoad(noopServer.child, noopServer.port, each);
    const durable = await measuredLoad(gatewayServer.child, gatewayServer.port, each);
    rounds.push({ noop, durable });
    process.stderr.write(
      `[bench] round ${r}/${ROUNDS}: no-op ${noop.rps} req/s, durable ${durable.rps} req/s, ratio ${(durable.rps / noop.rps).toFixed(3)}\n`,
    );
  }
  const summary = (k: 'noop' | 'durable') => ({
    rps: median(rounds.map((r) => r[k].rps)),
    p50Ms: median(rounds.map((r) => r[k].p50Ms)),
    p99Ms: median(rounds.map((r) => r[k].p99Ms)),
    requests: rounds.reduce((n, r) => n + r[k].requests, 0),
    failed: rounds.reduce((n, r) => n + r[k].failed, 0),
    cpuUsPerRequest: {
      mainUser: median(rounds.map((r) => r[k].cpuUsPerRequest.mainUser)),
      mainSystem: median(rounds.map((r) => r[k].cpuUsPerRequest.mainSystem)),
      otherThreads: median(rounds.map((r) => r[k].cpuUsPerRequest.otherThreads)),
      loadGenerator: median(rounds.map((r) => r[k].cpuUsPerRequest.loadGenerator)),
    },
  });
  const noop = summary('noop');
  // The group commit over the whole run, from the gateway's own metrics: with a fixed number of connections each
  // waiting for its answer, events per transaction and the transaction's time bound the durable rate.
  const { eventsPerCommit, commitMs } = storeCommits(
    await scrapeSamples(`http://127.0.0.1:${gatewayServer.port}/metrics`),
  );
  const durable = { ...summary('durable'), ...gatewayServer.info, port: undefined, eventsPerCommit, commitMs };
  console.error(`no-op route:     ${noop.rps} req/s, p50 ${noop.p50Ms} ms, p99 ${noop.p99Ms} ms`);
  console.error(`durable ingest:  ${durable.rps} req/s, p50 ${durable.p50Ms} ms, p99 ${durable.p99Ms} ms`);
  console.error(`group commit:    ${eventsPerCommit} events per transaction, ${commitMs} ms each (fsync included)`);
  for (const [name, r] of [
    ['no-op route', noop],
    ['durable ingest', durable],
  ] as const) {
    const c = r.cpuUsPerRequest;
    console.error(
      `CPU per request, ${name}: main thread ${c.mainUser} µs user + ${c.mainSystem} µs kernel, other threads ${c.otherThreads} µs, load generator ${c.loadGenerator} µs`,
    );
  }
  console.log(
    JSON.stringify({
      connections: CONNECTIONS,
      durationS: DURATION_S,
      rounds: ROUNDS,
      noop,
      durable,
      ratio: Number(median(rounds.map((r) => r.durable.rps / r.noop.rps)).toFixed(3)),
    }),
  );
} finally {
  for (const s of [noopServer, gatewayServer]) await s.stop();
}
