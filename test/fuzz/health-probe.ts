import { Worker } from 'node:worker_threads';

export interface ProbeResult {
  samples: number;
  maxLatencyMs: number;
  p99LatencyMs: number;
  failures: string[];
  maxRssMb: number;
}

// In a thread of its own, so that the fuzzer's work on the test's event loop does not count as the gateway's latency.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const latencies = [];
const failures = [];
let maxRssKb = 0;
let running = true;
parentPort.on('message', () => { running = false; });
(async () => {
  // The first fetch of a fresh thread loads and compiles undici: tens of milliseconds on a loaded machine, the
  // probe's own cold start rather than the gateway's latency. Untimed, before the caller starts its load.
  try {
    const res = await fetch(workerData.url, { signal: AbortSignal.timeout(10000) });
    await res.arrayBuffer();
  } catch {}
  parentPort.postMessage('ready');
  while (running) {
    const t0 = performance.now();
    try {
      const res = await fetch(workerData.url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status !== 200) failures.push('status ' + res.status);
    } catch (err) {
      failures.push(String(err && err.message));
    }
    latencies.push(performance.now() - t0);
    try {
      const m = /VmRSS:\\s+(\\d+)/.exec(readFileSync('/proc/' + workerData.pid + '/status', 'utf8'));
      if (m) maxRssKb = Math.max(maxRssKb, Number(m[1]));
    } catch {}
    await new Promise((r) => setTimeout(r, workerData.everyMs));
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  parentPort.postMessage({
    samples: latencies.length,
    maxLatencyMs: sorted[sorted.length - 1] ?? 0,
    p99LatencyMs: sorted[Math.floor(sorted.length * 0.99)] ?? 0,
    failures: failures.slice(0, 20),
    maxRssMb: Math.round(maxRssKb / 1024),
  });
})();
`;

/**
 * Polls `url` every `everyMs` and samples the RSS of process `pid` until stopped. Resolves once the probe's thread
 * is warm, so that the load the caller starts next is measured from the first timed sample.
 */
export async function startHealthProbe(
  url: string,
  pid: number,
  everyMs = 50,
): Promise<{ stop(): Promise<ProbeResult> }> {
  const worker = new Worker(WORKER, { eval: true, workerData: { url, pid, everyMs } });
  const result = new Promise<ProbeResult>((resolve, reject) => {
    worker.on('message', (m: 'ready' | ProbeResult) => m !== 'ready' && resolve(m));
    worker.once('error', reject);
  });
  result.catch(() => {}); // a failure after the start surfaces in stop()
  const ready = new Promise<void>((resolve) => worker.on('message', (m) => m === 'ready' && resolve()));
  await Promise.race([ready, result.then(() => Promise.reject(new Error('the probe ended before it was ready')))]);
  return {
    async stop() {
      worker.postMessage('stop');
      const r = await result;
      await worker.terminate();
      return r;
    },
  };
}
