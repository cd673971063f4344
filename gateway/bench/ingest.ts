// pnpm bench:ingest — the durable POST /api/v3/event against a no-op Fastify POST route, same machine, same load.
// Prints a JSON object on its last line: rates, p50/p99 latencies and `ratio` (durable rate / no-op rate).
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { uuidv7 } from '@hvac-edge/shared';
import autocannon from 'autocannon';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
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

async function startServer(
  mode: string,
): Promise<{ child: ChildProcess; port: number; info: Record<string, unknown> }> {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', SERVER, mode], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  for await (const line of lines) {
    // The server's own log lines are JSON too: the announcement is the one with a port.
    if (line.startsWith('{')) {
      const info = JSON.parse(line) as { port?: unknown };
      if (typeof info.port === 'number') return { child, port: info.port, info };
    }
  }
  throw new Error(`${mode} server exited before listening`);
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

async function measure(mode: string) {
  const { child, port, info } = await startServer(mode);
  try {
    await load(port, WARMUP_S);
    return { ...(await load(port, DURATION_S)), ...info, port: undefined };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

process.stderr.write(`[bench] no-op route: ${CONNECTIONS} connections, 2 s warm-up, ${DURATION_S} s measured\n`);
const noop = await measure('noop');
console.error(`no-op route:     ${noop.rps} req/s, p50 ${noop.p50Ms} ms, p99 ${noop.p99Ms} ms`);
process.stderr.write(`[bench] durable ingest: ${CONNECTIONS} connections, 2 s warm-up, ${DURATION_S} s measured\n`);
const durable = await measure('gateway');
console.error(`durable ingest:  ${durable.rps} req/s, p50 ${durable.p50Ms} ms, p99 ${durable.p99Ms} ms`);
console.log(
  JSON.stringify({
    connections: CONNECTIONS,
    durationS: DURATION_S,
    noop,
    durable,
    ratio: Number((durable.rps / noop.rps).toFixed(3)),
  }),
);
