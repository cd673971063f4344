// pnpm bench:agent — the agent's footprint: runs the built agent (dist) with its simulated sensor at the default
// 10 s period against a gateway for BENCH_SECONDS (default 60), sampling its resident memory and CPU time from
// /proc. Prints one JSON object on its last line with rssMb (peak) and cpuPct (of one core, over the run).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGateway, loadGatewayConfig } from '@hvac-edge/gateway';
import { createLogger } from '@hvac-edge/shared';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const TICKS = 100; // USER_HZ
const dir = join(tmpdir(), `hvac-bench-agent-${process.pid}`);
const gw = await createGateway(
  loadGatewayConfig(
    {},
    { 'http.host': '127.0.0.1', 'http.port': 0, 'store.path': join(dir, 'gw.db'), 'monitoring.enabled': false },
  ),
  createLogger('bench', { level: 'warn' }),
  { defaultMetrics: false },
);
process.stderr.write('[bench] the built agent against a gateway for a minute\n');
await gw.start();
const a = gw.server.server.address();
const port = typeof a === 'object' && a ? a.port : 0;

const agentMain = fileURLToPath(new URL('../dist/main.js', import.meta.url));
// The same V8 flag as deploy/systemd/hvac-edge-agent.service.
const agent = spawn(
  process.execPath,
  ['--max-semi-space-size=1', '--lite-mode', '--no-expose-wasm', agentMain, 'run'],
  {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      AGENT_SENSOR_KIND: 'simulated',
      AGENT_GATEWAY_URL: `http://127.0.0.1:${port}`,
      AGENT_OUTBOX_PATH: join(dir, 'outbox.db'),
      AGENT_LOG_LEVEL: 'error',
    },
  },
);
const pid = agent.pid as number;
const cpuTicks = () => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return Number(f[11]) + Number(f[12]); // utime + stime
};
const rssKb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
// Bytes the agent made the kernel send to storage (write_bytes): what wears an SD card.
const writtenBytes = () => Number(/^write_bytes: (\d+)/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? 0);

// Start-up (module loading) is not steady state: measure after the first reading is stored.
while ((await gw.store.countEvents()) === 0) await new Promise((r) => setTimeout(r, 100));
const c0 = cpuTicks();
const w0 = writtenBytes();
const e0 = await gw.store.countEvents();
const t0 = performance.now();
let peakKb = rssKb();
while (performance.now() - t0 < SECONDS * 1000) {
  await new Promise((r) => setTimeout(r, 1000));
  peakKb = Math.max(peakKb, rssKb());
}
const cpuSeconds = (cpuTicks() - c0) / TICKS;
const wall = (performance.now() - t0) / 1000;
const events = await gw.store.countEvents();
const written = writtenBytes() - w0;
agent.kill('SIGTERM');
await new Promise((r) => agent.once('exit', r));
await gw.stop();
await rm(dir, { recursive: true, force: true });

const result = {
  seconds: Math.round(wall),
  periodSeconds: 10,
  eventsStored: events,
  rssMb: Number((peakKb / 1024).toFixed(1)),
  cpuPct: Number(((cpuSeconds / wall) * 100).toFixed(3)),
  bytesWrittenPerReading: Math.round(written / Math.max(1, events - e0)),
};
console.error(
  `agent: peak RSS ${result.rssMb} MB, CPU ${result.cpuPct} % of a core, ${result.bytesWrittenPerReading} bytes written to storage per reading, over ${result.seconds} s`,
);
console.log(JSON.stringify(result));
