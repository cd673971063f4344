#!/usr/bin/env node
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ruleBasedSetpoint } from '@hvac-edge/shared/sim';
import { FEATURES } from '../inference/setpoint-model.js';
import { loadTf } from '../inference/tfjs-runtime.js';
import { loadTfjsSetpointModel, saveTfjsSetpointModel } from '../inference/tfjs-setpoint-model.js';
import { csvDataset } from './csv-dataset.js';
import { type Dataset, datasetHash, simulateDataset, splitByTime, WIDTH } from './dataset.js';
import { evaluateController, modelController } from './evaluate.js';
import { SHIPPED_MODEL_DIR } from './shipped-model.js';
import { DEFAULT_TRAIN, mae, modelMetadata, predictAll, trainSetpointModel } from './train.js';

const USAGE = `usage:
  hvac-model train    [--days 365] [--seed 1] [--start-day 0] [--csv file] [--epochs 40] [--out dir] [--version v]
  hvac-model evaluate [--model dir] [--days 365] [--seed 2] [--start-day 0]`;

/** A numeric option, or a clear error naming it. */
function num(args: Record<string, string | undefined>, name: string, fallback: number): number {
  const raw = args[name];
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v)) {
    console.error(`--${name} must be a number, got "${raw}"\n${USAGE}`);
    process.exit(2);
  }
  return v;
}

function baselines(d: Dataset) {
  const k = FEATURES.length;
  const fixed = new Float32Array(d.size).fill(18);
  // The rule-based schedule on the newest reading's outdoor temperature.
  const rule = Float32Array.from({ length: d.size }, (_, i) =>
    ruleBasedSetpoint(d.x[i * WIDTH + WIDTH - k + 2] as number),
  );
  return { fixed, rule };
}

async function train(args: Record<string, string | undefined>) {
  const seed = num(args, 'seed', 1);
  const epochs = num(args, 'epochs', DEFAULT_TRAIN.epochs);
  const out = resolve(args.out ?? SHIPPED_MODEL_DIR);
  const started = Date.now();
  const days = num(args, 'days', 365);
  const data = args.csv
    ? csvDataset(await readFile(args.csv, 'utf8'), args.csv)
    : await simulateDataset({ days, seed, startDayOfYear: num(args, 'start-day', 0) });
  console.log(`dataset: ${data.size} windows (${data.description}), ${Date.now() - started} ms`);
  const split = splitByTime(data);
  const { tf, backend } = await loadTf();
  const t0 = Date.now();
  const result = await trainSetpointModel(tf, split.train, split.validation, {
    seed: DEFAULT_TRAIN.seed + seed,
    epochs,
  });
  console.log(`trained on ${backend}: best epoch ${result.bestEpoch + 1}/${epochs}, ${Date.now() - t0} ms`);
  const predicted = await predictAll(tf, result.model, split.test, result.mean, result.std);
  const { fixed, rule } = baselines(split.test);
  const metrics = {
    testMaeC: mae(predicted, split.test.y),
    validationMaeC: result.validationMae,
    fixed18MaeC: mae(fixed, split.test.y),
    ruleBasedMaeC: mae(rule, split.test.y),
    testExamples: split.test.size,
  };
  const rounded = Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, Math.round(v * 10_000) / 10_000]));
  console.log(
    `MAE against the oracle label on the test split (°C): model ${rounded.testMaeC}, fixed 18 °C ${rounded.fixed18MaeC}, rule-based ${rounded.ruleBasedMaeC}`,
  );
  await saveTfjsSetpointModel(
    tf,
    result.model,
    out,
    modelMetadata('hvac-setpoint', args.version ?? '1', result.mean, result.std, {
      sampleSpacingSeconds: 60,
      label:
        'highest set-point (0.25 °C grid, 18-27 °C) that keeps simulated room air <= 27 - 0.25 °C for the next 60 min (oracle)',
      training: {
        source: args.csv ? `csv:${args.csv}` : 'simulator',
        description: data.description,
        ...(args.csv ? {} : { days }),
        examples: data.size,
        sha256: datasetHash(data),
        seed,
        epochs,
      },
      metrics: rounded,
    }),
  );
  console.log(`model written to ${out}`);
  console.log(JSON.stringify({ out, backend, ...rounded }));
}

async function evaluate(args: Record<string, string | undefined>) {
  const dir = resolve(args.model ?? SHIPPED_MODEL_DIR);
  const { tf, backend } = await loadTf();
  const model = await loadTfjsSetpointModel(tf, dir, backend);
  const scenario = {
    days: num(args, 'days', 365),
    seed: num(args, 'seed', 2),
    startDayOfYear: num(args, 'start-day', 0),
  };
  console.log(
    `closed-loop evaluation of ${model.id} (${backend}) over ${scenario.days} simulated days, seed ${scenario.seed}`,
  );
  const report = await evaluateController(modelController(model), scenario, (r) =>
    console.log(
      `${r.controller.padEnd(18)} cooling ${r.coolingKwh.toFixed(1).padStart(8)} kWh  mean set-point ${r.meanSetpointC.toFixed(2)} °C  ` +
        `above 27 °C ${r.minutesAbovePct.toFixed(3)} %  below 18 °C ${r.minutesBelowPct.toFixed(3)} %`,
    ),
  );
  console.log(JSON.stringify({ backend, days: scenario.days, seed: scenario.seed, ...report.summary }));
}

const [command, ...rest] = process.argv.slice(2);
const { values } = parseArgs({
  args: rest,
  options: Object.fromEntries(
    ['days', 'seed', 'start-day', 'csv', 'epochs', 'out', 'version', 'model'].map((k) => [
      k,
      { type: 'string' as const },
    ]),
  ),
});
const run = command === 'train' ? train : command === 'evaluate' ? evaluate : undefined;
if (!run) {
  console.error(USAGE);
  process.exit(2);
}
await run(values as Record<string, string | undefined>);
