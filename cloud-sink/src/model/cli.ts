#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ExitError, runCli } from '@hvac-edge/shared';
import { type LoopResult, ruleBasedSetpoint } from '@hvac-edge/shared/sim';
import { inputRangesOf } from '../inference/input-ranges.js';
import { FEATURES } from '../inference/setpoint-model.js';
import { loadTf } from '../inference/tfjs-runtime.js';
import { loadTfjsSetpointModel, saveTfjsSetpointModel } from '../inference/tfjs-setpoint-model.js';
import { csvDataset } from './csv-dataset.js';
import { type Dataset, datasetHash, simulateDataset, simulateFamilyDataset, splitByTime, WIDTH } from './dataset.js';
import { evaluateController, modelController, supervisedController } from './evaluate.js';
import { evaluateSuite, type SuiteRow, suiteSummary, suiteVariants } from './evaluate-suite.js';
import { SHIPPED_MODEL_DIR } from './shipped-model.js';
import { DEFAULT_TRAIN, mae, modelMetadata, predictAll, trainSetpointModel } from './train.js';

const USAGE = `usage:
  hvac-model train    [--days 365] [--seed 1] [--start-day 0] [--rooms family|default] [--csv file] [--epochs 40]
                      [--out dir] [--model-version v]
  hvac-model evaluate [--model dir] [--days 365] [--seed 2] [--start-day 0]
  hvac-model evaluate --suite [--model dir] [--days 30] [--draw-from 1]
  hvac-model --help | --version
train: fits the set-point model on simulated days (or a CSV), one progress line per epoch on stderr, writes it to
--out (default: the shipped model). --rooms family (the default): a different room of the family every 5 days;
default: the simulator's default room only (--start-day applies to it). evaluate: runs it in the closed loop against
the simulator and the baselines, behind the safety supervisor and the online calibration as the sink runs it, and
alone for comparison. --suite: on 12 room variants of the family (the hard corners and 8 drawn with fixed seeds),
--days of midsummer and of midwinter each, one table row per variant; --draw-from N draws the 8 with seeds N..N+7.
The last line on stdout is one JSON object. Exit codes: 0 done, 1 unexpected error, 2 usage, 3 a missing file or
directory.`;

/** A numeric option, or a clear error naming it. */
function num(args: Record<string, string | undefined>, name: string, fallback: number): number {
  const raw = args[name];
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v)) {
    throw new ExitError(2, `hvac-model: --${name} must be a number, got "${raw}"`);
  }
  return v;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The shipped model's version: what `pnpm train` with its default options writes. */
const SHIPPED_VERSION = '2';

/**
 * The shipped model's options give SHIPPED_VERSION (what `pnpm train` reproduces bit for bit); any other data or
 * options are named in the version, so a model trained otherwise never passes for the shipped one.
 */
function versionOf(args: Record<string, string | undefined>, sha256: string, seed: number, epochs: number): string {
  const shipped =
    !args.csv &&
    (args.rooms ?? 'family') === 'family' &&
    num(args, 'days', 365) === 365 &&
    seed === 1 &&
    num(args, 'start-day', 0) === 0 &&
    epochs === DEFAULT_TRAIN.epochs;
  return shipped ? SHIPPED_VERSION : `${SHIPPED_VERSION}+${sha256.slice(0, 8)}-s${seed}-e${epochs}`;
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
  const rooms = args.rooms ?? 'family';
  if (rooms !== 'default' && rooms !== 'family') {
    throw new ExitError(2, `hvac-model: --rooms must be "default" or "family", got "${rooms}"`);
  }
  const data = args.csv
    ? csvDataset(await readFile(args.csv, 'utf8'), args.csv)
    : rooms === 'family'
      ? await simulateFamilyDataset({ days, seed })
      : await simulateDataset({ days, seed, startDayOfYear: num(args, 'start-day', 0) });
  console.error(`dataset: ${data.size} windows (${data.description}), ${Date.now() - started} ms`);
  const sha256 = datasetHash(data);
  const split = splitByTime(data);
  const { tf, backend } = await loadTf();
  const t0 = Date.now();
  const result = await trainSetpointModel(
    tf,
    split.train,
    split.validation,
    { seed: DEFAULT_TRAIN.seed + seed, epochs },
    (p) =>
      process.stderr.write(
        `epoch ${String(p.epoch).padStart(3)}/${p.epochs}  loss ${p.loss.toFixed(4)}  validation MAE ${p.validationMaeC.toFixed(3)} °C  elapsed ${seconds(p.elapsedMs)}  ETA ${seconds(p.etaMs)}\n`,
      ),
  );
  console.error(`trained on ${backend}: best epoch ${result.bestEpoch + 1}/${epochs}, ${Date.now() - t0} ms`);
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
  console.error(
    `MAE against the oracle label on the test split (°C): model ${rounded.testMaeC}, fixed 18 °C ${rounded.fixed18MaeC}, rule-based ${rounded.ruleBasedMaeC}`,
  );
  await saveTfjsSetpointModel(
    tf,
    result.model,
    out,
    modelMetadata(
      'hvac-setpoint',
      args['model-version'] ?? versionOf(args, sha256, seed, epochs),
      result.mean,
      result.std,
      {
        sampleSpacingSeconds: 60,
        label:
          'highest set-point (0.25 °C grid, 18-27 °C) that keeps simulated room air <= 27 - 0.25 °C for the next 60 min (oracle)',
        training: {
          source: args.csv ? `csv:${args.csv}` : 'simulator',
          description: data.description,
          ...(args.csv ? {} : { days, rooms }),
          examples: data.size,
          sha256,
          seed,
          epochs,
        },
        metrics: rounded,
        inputRanges: inputRangesOf(split.train.x),
      },
    ),
  );
  console.error(`model written to ${out}`);
  console.log(JSON.stringify({ out, backend, ...rounded }));
}

async function evaluate(args: Record<string, string | undefined>) {
  const dir = resolve(args.model ?? SHIPPED_MODEL_DIR);
  if (!existsSync(`${dir}/model.json`)) {
    throw new ExitError(
      3,
      `hvac-model: no model at ${dir} (model.json missing); give --model a directory written by train`,
    );
  }
  const { tf, backend } = await loadTf();
  const model = await loadTfjsSetpointModel(tf, dir, backend);
  const ranges = model.inputRanges;
  if (args.suite) return evaluateFamily(model, ranges, num(args, 'days', 30), num(args, 'draw-from', 1), backend);
  const controller = supervisedController(model, ranges);
  const scenario = {
    days: num(args, 'days', 365),
    seed: num(args, 'seed', 2),
    startDayOfYear: num(args, 'start-day', 0),
  };
  console.error(
    `closed-loop evaluation of ${model.id} (${backend}) over ${scenario.days} simulated days, seed ${scenario.seed}`,
  );
  const line = (r: LoopResult) =>
    console.error(
      `${r.controller.padEnd(18)} cooling ${r.coolingKwh.toFixed(1).padStart(8)} kWh  mean set-point ${r.meanSetpointC.toFixed(2)} °C  ` +
        `above 27 °C ${r.minutesAbovePct.toFixed(3)} %  below 18 °C ${r.minutesBelowPct.toFixed(3)} %`,
    );
  const report = await evaluateController(controller, scenario, line, modelController(model));
  console.log(
    JSON.stringify({
      backend,
      days: scenario.days,
      seed: scenario.seed,
      ...report.summary,
      decisions: controller.counts,
      unsupervised: report.reference,
    }),
  );
}

const TABLE = [
  ['variant', 26],
  ['kWh', 9],
  ['vs fixed 18', 12],
  ['vs oracle', 10],
  ['>27 °C %', 9],
  ['unsupervised >27 %', 19],
  ['overrides', 10],
  ['fallbacks', 10],
] as const;

function tableLine(cells: Array<string | number>): string {
  return cells.map((c, i) => String(c).padStart((TABLE[i] as readonly [string, number])[1])).join(' ');
}

async function evaluateFamily(
  model: Awaited<ReturnType<typeof loadTfjsSetpointModel>>,
  ranges: Parameters<typeof evaluateSuite>[1],
  days: number,
  drawFrom: number,
  backend: string,
) {
  console.error(
    `closed-loop evaluation of ${model.id} (${backend}) on 12 room variants, ${days} summer + ${days} winter days each`,
  );
  console.log(tableLine(TABLE.map(([h]) => h)));
  const row = (r: SuiteRow) =>
    console.log(
      tableLine([
        r.variant,
        r.modelKwh.toFixed(0),
        `${r.savingVsFixed18Pct.toFixed(1)} %`,
        `${r.vsOraclePct.toFixed(1)} %`,
        r.minutesAbove27Pct.toFixed(3),
        r.unsupervisedMinutesAbove27Pct.toFixed(1),
        r.decisions.supervisor,
        r.decisions.fallback,
      ]),
    );
  const rows = await evaluateSuite(model, ranges, days, row, suiteVariants(drawFrom));
  console.log(JSON.stringify({ backend, days, drawFrom, ...suiteSummary(rows), rows }));
}

runCli(
  {
    program: 'hvac-model',
    version: '0.1.0',
    usage: USAGE,
    positionals: true,
    options: {
      ...Object.fromEntries(
        ['days', 'seed', 'start-day', 'rooms', 'csv', 'epochs', 'out', 'model-version', 'model', 'draw-from'].map(
          (k) => [k, { type: 'string' as const }],
        ),
      ),
      suite: { type: 'boolean' as const },
    },
  },
  async ({ values, positionals }) => {
    const [command] = positionals;
    const run = command === 'train' ? train : command === 'evaluate' ? evaluate : undefined;
    if (!run || positionals.length !== 1) {
      throw new ExitError(
        2,
        `hvac-model: expected "train" or "evaluate"${command ? `, got "${positionals.join(' ')}"` : ''}; see --help`,
      );
    }
    await run(values as Record<string, string | undefined>);
    return 0;
  },
);
