// pnpm bench:fleet — what one gateway costs as its fleet grows. For N = 10, 100, 1,000 and 10,000 simulated devices
// (BENCH_FLEET=10,100 to choose), each posting one reading every 10 s over a keep-alive connection of its own (as
// the agent does; light clients in this process, not N agents), against a gateway process in embedded mode with
// inference and the closed loop on: after a warm-up, over BENCH_SECONDS (30) it samples the gateway's CPU (% of
// one core, all threads, from /proc), its peak RSS, the ingest latency p99 seen by the devices, and the sink's
// recommendations per second. Event ids are UUIDv7 as the agent's (BENCH_UUID=v4 for random ones). Each row also
// gives what explains it: bytes written per reading, the store's transactions (events, ms, share over 10 ms), the
// gateway's event-loop delay, CPU per thread, and the load generator's own CPU and event-loop delay (it shares the
// cores). A table on stderr; the last line on stdout is one JSON object with the curve and cpuPctAt10k, rssMbAt10k,
// p99MsAt10k (each row also has the p50 and p90). BENCH_FLEET_TARGET=noop runs the same fleet against a route that
// does nothing (the floor: what the HTTP serving alone costs here); the gateway-only fields are then left out.

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { msToOrigin, stringifyEdgex, uuidv7 } from '@hvac-edge/shared';
import { mulberry32 } from '@hvac-edge/shared/sim';
import { Client } from 'undici';
import { deployedRuntime } from '../support/deployed-runtime.js';
import {
  cpuTimes,
  freePort,
  makeAddEventRequest,
  makeTempDir,
  scrapeSamples,
  spawnAnnounced,
  spawnService,
  storeCommits,
  threadCpu,
  threadCpuSince,
  USER_HZ,
  waitFor,
} from '../support/index.js';

const FLEET = (process.env.BENCH_FLEET ?? '10,100,1000,10000').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const PERIOD_S = 10;
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 70);
const SCRAPE_INTERVAL_S = 15;
// Time-ordered UUIDv7 event ids, as the device agent sends; BENCH_UUID=v4 for random ids (an EdgeX device service's).
const newId = process.env.BENCH_UUID === 'v4' ? randomUUID : () => uuidv7();
const progress = (m: string) => process.stderr.write(`[bench] ${m}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const rssKbOf = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);

function procStat(pid: number) {
  const cpu = cpuTimes(`/proc/${pid}/stat`);
  // Bytes the process caused to be written to storage (event store, WAL, point store): flash wear on a Pi.
  const writeBytes = Number(/^write_bytes: (\d+)/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? 0);
  return { ticks: cpu.user + cpu.system, rssKb: rssKbOf(pid), writeBytes };
}

/** 0..n-1 in an order that is random but the same at every run (a seeded Fisher-Yates shuffle). */
function shuffled(n: number): number[] {
  const out = Array.from({ length: n }, (_, i) => i);
  const random = mulberry32(0x9e3779b9);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as number, out[i] as number];
  }
  return out;
}

/**
 * prom-client measures the event-loop delay with a 10 ms timer, and Node's histogram holds the whole interval: the
 * delay is what exceeds the timer.
 */
const LAG_TIMER_MS = 10;

/**
 * The gateway's event-loop delay beyond prom-client's timer over the measurement. prom-client resets its histogram
 * at each scrape, so each scrape covers the time since the one before: the worst of them (for p99, the worst
 * interval's).
 */
function loopDelayMs(scrapes: Array<{ samples: Map<string, number> }>, quantile: 'p99' | 'max'): number {
  const seconds = Math.max(
    ...scrapes.map((s) => s.samples.get(`hvac_gateway_nodejs_eventloop_lag_${quantile}_seconds`) ?? Number.NaN),
  );
  return Number((seconds * 1000 - LAG_TIMER_MS).toFixed(1));
}

const RECOMMENDATIONS = 'hvac_sink_points_written_total{measurement="hvac_recommendation"}';

/**
 * The gateway runs as the systemd unit runs it: its Node flags, its environment (MALLOC_ARENA_MAX) and the V8 heap
 * that its MemoryMax gives. Without the last, Node would size the heap from this machine's RAM (4 GB here), and V8
 * would let garbage pile up to several times the live heap before collecting it.
 */
const deployed = deployedRuntime();

/**
 * What the fleet posts to: the gateway as deployed, or (BENCH_FLEET_TARGET=noop) a Fastify route that answers 201 and
 * does nothing else, run with the same Node flags: the floor that HTTP keep-alive serving alone costs at that fleet
 * size, which the gateway's durable ingest, sink and closed loop add to.
 */
const TARGET = process.env.BENCH_FLEET_TARGET === 'noop' ? 'noop' : 'gateway';
// BENCH_GATEWAY_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server under the fleet (either target).
const EXTRA_NODE_ARGS = (process.env.BENCH_GATEWAY_NODE_ARGS ?? '').split(' ').filter(Boolean);
const NOOP_SERVER = fileURLToPath(new URL('../../gateway/bench/ingest-server.ts', import.meta.url));

interface Target {
  pid: number;
  base: string;
  /** The gateway's /metrics; the no-op route has none. */
  metrics?: string;
  stop(): Promise<void>;
}

async function startGateway(n: number, dir: string): Promise<Target> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const gw = spawnService(
    'gateway',
    {
      GATEWAY_HTTP_HOST: '127.0.0.1',
      GATEWAY_HTTP_PORT: String(port),
      GATEWAY_HTTP_MAX_CONNECTIONS: String(n + 1000),
      ...deployed.env,
      GATEWAY_STORE_PATH: join(dir, 'gateway.db'),
      GATEWAY_EMBEDDED_SINK_ENABLED: 'true',
      GATEWAY_EMBEDDED_SINK_POINTS_PATH: join(dir, 'points.db'),
      // Windows of readings 10 s apart, so that recommendations start within the warm-up.
      // (half the reading period: readings a few ms under 10 s apart still count).
      GATEWAY_EMBEDDED_SINK_INFERENCE_SAMPLE_SPACING_SECONDS: String(PERIOD_S / 2),
      GATEWAY_EMBEDDED_SINK_CLOSED_LOOP_ENABLED: 'true',
      // The model's inputs include outdoor weather: without it no window fills and nothing is inferred.
      GATEWAY_WEATHER_PROVIDER: 'simulated',
      GATEWAY_MONITORING_ENABLED: 'false',
      GATEWAY_LOG_LEVEL: 'warn',
    },
    [],
    {
      built: true,
      nodeArgs: [...deployed.nodeArgs, ...EXTRA_NODE_ARGS],
    },
  );
  const stop = async () => void (await gw.stop());
  await waitFor(async () => (await fetch(`${base}/readyz`)).ok, 'gateway', 60_000).catch(async (err: unknown) => {
    await stop();
    throw err;
  });
  return { pid: gw.proc.pid as number, base, metrics: `${base}/metrics`, stop };
}

async function startNoop(): Promise<Target> {
  const server = await spawnAnnounced(NOOP_SERVER, ['noop'], 'port', {
    nodeArgs: [...deployed.nodeArgs, ...EXTRA_NODE_ARGS],
    env: { ...process.env, ...deployed.env },
  });
  return { pid: server.child.pid as number, base: `http://127.0.0.1:${server.info.port}`, stop: server.stop };
}

async function run(n: number) {
  const dir = await makeTempDir('bench-fleet');
  let target: Target | undefined;
  const clients: Client[] = [];
  try {
    target = TARGET === 'noop' ? await startNoop() : await startGateway(n, dir);
    const { pid, base } = target;
    const latencies: number[] = [];
    let measuring = false;
    let running = true;
    const device = async (i: number) => {
      const client = new Client(base, { keepAliveTimeout: 60_000, pipelining: 1 });
      clients.push(client);
      const name = `fleet-${i}`;
      // Phases spread evenly over the period, in an order unrelated to the devices' names, as a real fleet's are:
      // devices posting in name order would land next to each other in every tree keyed by device (sequences,
      // the forwarded-device index, the points), which flatters what each reading writes.
      await sleep(((phases[i] ?? i) / n) * PERIOD_S * 1000);
      while (running) {
        const t0 = performance.now();
        const req = makeAddEventRequest({ deviceName: name, originNs: msToOrigin(Date.now()), id: newId() });
        const res = await client
          .request({
            path: `/api/v3/event/hvac-edge-agent/dht22/${name}/climate`,
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: stringifyEdgex(req),
          })
          .catch(() => undefined);
        await res?.body.dump();
        if (measuring && res?.statusCode === 201) latencies.push(performance.now() - t0);
        await sleep(PERIOD_S * 1000 - (performance.now() - t0));
      }
    };
    const phases = shuffled(n);
    const devices = Array.from({ length: n }, (_, i) => device(i));
    progress(`${n} devices: ${WARMUP_S} s warm-up`);
    await sleep(WARMUP_S * 1000);
    const threads0 = threadCpu(pid);
    const s0 = procStat(pid);
    const metrics = target.metrics;
    const r0 = metrics ? await scrapeSamples(metrics) : new Map<string, number>();
    let peakKb = s0.rssKb;
    // The load generator's own cost, so that its stalls are not mistaken for the gateway's (both share the cores).
    const loop = monitorEventLoopDelay({ resolution: 1 }); // delays reported beyond this 1 ms timer
    loop.enable();
    const c0 = process.cpuUsage();
    measuring = true;
    const t0 = performance.now();
    // Scraped as deploy/prometheus does (every 15 s), since a scrape runs on the gateway's event loop too: the
    // answers' p99 includes it, and each scrape's time is reported.
    const scrapes: Array<{ ms: number; samples: Map<string, number> }> = [];
    const scrape = async () => {
      if (!metrics) return new Map<string, number>();
      const t = performance.now();
      const samples = await scrapeSamples(metrics);
      scrapes.push({ ms: performance.now() - t, samples });
      return samples;
    };
    let scrapedAt = t0;
    const measuringFor = () => performance.now() - t0 < SECONDS * 1000;
    while (measuringFor()) {
      await sleep(1000);
      peakKb = Math.max(peakKb, rssKbOf(pid));
      // Not at the end: the closing scrape follows at once.
      if (measuringFor() && performance.now() - scrapedAt >= SCRAPE_INTERVAL_S * 1000) {
        scrapedAt = performance.now();
        await scrape();
      }
    }
    measuring = false;
    const wall = (performance.now() - t0) / 1000;
    const clientCpu = process.cpuUsage(c0);
    loop.disable();
    const s1 = procStat(pid);
    const threads = [...threadCpuSince(pid, threads0).values()]
      .map((t) => ({ name: t.name, pct: Math.round(((t.user + t.system) / USER_HZ / wall) * 1000) / 10 }))
      .filter((t) => t.pct >= 1)
      .sort((a, b) => b.pct - a.pct);
    const r1 = await scrape();
    running = false;
    await Promise.all(devices);
    const sorted = latencies.sort((a, b) => a - b);
    const quantile = (q: number) => Number((sorted[Math.floor(sorted.length * q)] ?? 0).toFixed(1));
    const cpuPct = ((s1.ticks - s0.ticks) / USER_HZ / wall) * 100;
    const clientCpuPct = ((clientCpu.user + clientCpu.system) / 1e6 / wall) * 100;
    return {
      devices: n,
      readingsPerSec: Number((latencies.length / wall).toFixed(1)),
      cpuPct: Number(cpuPct.toFixed(1)),
      // The load generator does the same work per reading whatever the build: its CPU gauges the machine's speed at
      // that moment, and the gateway's CPU over it compares builds across the machine's slow and fast phases.
      cpuOverClientCpu: Number((cpuPct / clientCpuPct).toFixed(2)),
      rssMb: Number((peakKb / 1024).toFixed(1)),
      p50Ms: quantile(0.5),
      p90Ms: quantile(0.9),
      p99Ms: quantile(0.99),
      // What only the gateway's /metrics tells.
      ...(metrics && {
        recommendationsPerSec: Number(
          (((r1.get(RECOMMENDATIONS) ?? 0) - (r0.get(RECOMMENDATIONS) ?? 0)) / wall).toFixed(2),
        ),
        ...storeCommits(r1, r0),
        gatewayLoopDelayP99Ms: loopDelayMs(scrapes, 'p99'),
        gatewayLoopDelayMaxMs: loopDelayMs(scrapes, 'max'),
        metricsScrapeMaxMs: Number(Math.max(...scrapes.map((x) => x.ms)).toFixed(1)),
      }),
      bytesWrittenPerReading: latencies.length ? Math.round((s1.writeBytes - s0.writeBytes) / latencies.length) : null,
      threads,
      client: {
        cpuPct: Number(clientCpuPct.toFixed(1)),
        loopDelayP99Ms: Number((loop.percentile(99) / 1e6 - 1).toFixed(1)),
        loopDelayMaxMs: Number((loop.max / 1e6 - 1).toFixed(1)),
      },
    };
  } finally {
    await Promise.all(clients.map((c) => c.close().catch(() => {})));
    await target?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

progress(
  `${TARGET === 'noop' ? 'no-op route' : 'gateway'} as deployed: node ${deployed.nodeArgs.join(' ')}, MemoryMax ${deployed.memoryMaxBytes / 2 ** 20} MB`,
);
const curve = [];
for (const n of FLEET) {
  const r = await run(n);
  curve.push(r);
  const head = `${String(r.devices).padStart(6)} devices: ${String(r.readingsPerSec).padStart(7)} readings/s, CPU ${String(r.cpuPct).padStart(5)} % of a core, RSS ${r.rssMb} MB, p50/p90/p99 ${r.p50Ms}/${r.p90Ms}/${r.p99Ms} ms`;
  progress(
    'recommendationsPerSec' in r
      ? `${head}, ${r.recommendationsPerSec} recommendations/s, ${r.bytesWrittenPerReading} B written/reading, store transactions of ${r.eventsPerCommit} events, ${r.commitMs} ms each, ${r.commitsOver10msPct} % over 10 ms, /metrics scrape up to ${r.metricsScrapeMaxMs} ms`
      : `${head} (the no-op route)`,
  );
}
const at10k = curve.find((r) => r.devices === 10_000);
console.log(
  JSON.stringify({
    periodSeconds: PERIOD_S,
    seconds: SECONDS,
    target: TARGET,
    gatewayNodeArgs: deployed.nodeArgs,
    curve,
    cpuPctAt10k: at10k?.cpuPct ?? null,
    rssMbAt10k: at10k?.rssMb ?? null,
    p99MsAt10k: at10k?.p99Ms ?? null,
  }),
);
