// pnpm bench:model — inference throughput of the shipped set-point model: batches of 256 windows (as the sink
// batches across devices) and single-window latency, on the backend loadTf picks (tfjs-node when installed, else
// wasm). Windows come from a simulated room, so the inputs look like production's. Last line: one JSON object.
import { createScenario, type FeatureRow, runClosedLoop } from '@hvac-edge/shared/sim';
import { loadTf } from '../src/inference/tfjs-runtime.js';
import { loadTfjsSetpointModel } from '../src/inference/tfjs-setpoint-model.js';
import { SHIPPED_MODEL_DIR } from '../src/model/shipped-model.js';

const BATCH = 256;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

const { tf, backend } = await loadTf();
const model = await loadTfjsSetpointModel(tf, process.env.MODEL_DIR ?? SHIPPED_MODEL_DIR, backend);
const windows: number[][][] = [];
await runClosedLoop(createScenario({ days: 2, seed: 9, startDayOfYear: 180 }), {
  name: 'recorder',
  decide: ({ window, setpointC }) => {
    if (windows.length < BATCH) windows.push(window.map((r: FeatureRow) => [...r]));
    return setpointC;
  },
});

process.stderr.write('[bench] warm-up, then 2000 predictions\n');
for (let i = 0; i < 20; i++) await model.predict(windows); // warm-up: kernels compiled, memory pooled
let batches = 0;
const start = performance.now();
while (performance.now() - start < SECONDS * 1000) {
  await model.predict(windows);
  batches++;
}
const windowsPerSec = (batches * BATCH) / ((performance.now() - start) / 1000);

const latencies: number[] = [];
for (let i = 0; i < 2000; i++) {
  const t = performance.now();
  await model.predict([windows[i % BATCH] as number[][]]);
  latencies.push(performance.now() - t);
}
latencies.sort((a, b) => a - b);
const q = (p: number) => Math.round((latencies[Math.floor(p * (latencies.length - 1))] as number) * 1000) / 1000;
console.error(
  `${model.id} on ${backend}: ${Math.round(windowsPerSec)} windows/s in batches of ${BATCH}; single window p50 ${q(0.5)} ms, p99 ${q(0.99)} ms`,
);
console.log(
  JSON.stringify({
    model: model.id,
    backend,
    batch: BATCH,
    windowsPerSec: Math.round(windowsPerSec),
    p50Ms: q(0.5),
    p99Ms: q(0.99),
  }),
);
