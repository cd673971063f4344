import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir } from '@hvac-edge/test/support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTf, type Tf } from '../src/inference/tfjs-runtime.js';
import { loadTfjsSetpointModel, saveTfjsSetpointModel } from '../src/inference/tfjs-setpoint-model.js';
import {
  type Dataset,
  datasetHash,
  simulateDataset,
  simulateFamilyDataset,
  splitByTime,
} from '../src/model/dataset.js';
import { evaluateController, modelController } from '../src/model/evaluate.js';
import { evaluateSuite, suiteSummary, suiteVariants } from '../src/model/evaluate-suite.js';
import { SHIPPED_MODEL_DIR } from '../src/model/shipped-model.js';
import { mae, modelMetadata, predictAll, trainSetpointModel } from '../src/model/train.js';

let tf: Tf;
let backend = '';
let dir = '';

async function trainInto(out: string, data: Dataset, epochs: number, seed = 43) {
  const split = splitByTime(data);
  const r = await trainSetpointModel(tf, split.train, split.validation, { epochs, seed });
  await saveTfjsSetpointModel(tf, r.model, out, modelMetadata('test-model', '1', r.mean, r.std, undefined));
  return { ...r, split };
}

describe('set-point model: training and closed-loop evaluation (small configuration)', () => {
  let data: Dataset;
  beforeAll(async () => {
    ({ tf, backend } = await loadTf());
    dir = await makeTempDir('model');
    data = await simulateDataset({ days: 28, seed: 3, startDayOfYear: 170 });
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('learns the oracle better than the baselines, and saves energy against fixed 18 °C in closed loop', async () => {
    const { model, mean, std, split } = await trainInto(join(dir, 'a'), data, 15);
    const predicted = await predictAll(tf, model, split.test, mean, std);
    const modelMae = mae(predicted, split.test.y);
    expect(modelMae).toBeLessThan(0.5);
    expect(modelMae).toBeLessThan(mae(new Float32Array(split.test.size).fill(18), split.test.y) / 10);

    const loaded = await loadTfjsSetpointModel(tf, join(dir, 'a'), backend);
    const report = await evaluateController(modelController(loaded), { days: 7, seed: 4, startDayOfYear: 205 });
    const s = report.summary;
    expect(s.energySavingVsFixed18Pct).toBeGreaterThan(25);
    expect(s.minutesAbove27Pct).toBeLessThan(1);
    expect(s.energySavingVsOraclePct).toBeGreaterThan(-10);
    expect(s.energySavingVsFixed18Pct).toBeGreaterThan(s.ruleBasedSavingVsFixed18Pct);
  }, 120_000);

  it('is reproducible: the same data and seed give the same weights', async () => {
    await trainInto(join(dir, 'b'), data, 3);
    await trainInto(join(dir, 'c'), data, 3);
    const [b, c] = await Promise.all([readFile(join(dir, 'b/weights.bin')), readFile(join(dir, 'c/weights.bin'))]);
    expect(b.equals(c)).toBe(true);
  }, 120_000);
});

describe('the shipped model (cloud-sink/models/hvac-setpoint)', () => {
  it('carries a model card, beats fixed 18 °C in a fortnight it was not trained on, and is what `pnpm train` makes', async () => {
    ({ tf, backend } = await loadTf());
    const shipped = await loadTfjsSetpointModel(tf, SHIPPED_MODEL_DIR, backend);
    const card = shipped.metadata.card;
    expect(card?.training.source).toBe('simulator');
    expect(card?.metrics.testMaeC).toBeLessThan(card?.metrics.ruleBasedMaeC as number);

    const report = await evaluateController(modelController(shipped), { days: 14, seed: 2, startDayOfYear: 190 });
    expect(report.summary.energySavingVsFixed18Pct).toBeGreaterThan(30);
    expect(report.summary.minutesAbove27Pct).toBeLessThan(0.5);

    // The training data is regenerated exactly (same hash as the card records) ...
    expect(card?.training.rooms).toBe('family');
    const data = await simulateFamilyDataset({ days: card?.training.days ?? 365, seed: card?.training.seed ?? 1 });
    expect(data.size).toBe(card?.training.examples);
    expect(datasetHash(data)).toBe(card?.training.sha256);
    // ... and retraining with the documented command's settings reproduces the weights: bit-for-bit on wasm, within
    // 0.05 °C on tfjs-node (different kernels).
    const out = await makeTempDir('shipped');
    try {
      const split = splitByTime(data);
      const r = await trainSetpointModel(tf, split.train, split.validation, {
        seed: 42 + (card?.training.seed ?? 1),
        epochs: card?.training.epochs ?? 40,
      });
      await saveTfjsSetpointModel(tf, r.model, out, modelMetadata('hvac-setpoint', '2', r.mean, r.std, card));
      if (backend === 'wasm') {
        const [a, b] = await Promise.all([
          readFile(join(out, 'weights.bin')),
          readFile(join(SHIPPED_MODEL_DIR, 'weights.bin')),
        ]);
        expect(a.equals(b)).toBe(true);
      } else {
        const again = await loadTfjsSetpointModel(tf, out, backend);
        const windows = Array.from({ length: 64 }, (_, i) =>
          Array.from({ length: 6 }, (_, r) => Array.from(split.test.x.slice(i * 36 + r * 6, i * 36 + r * 6 + 6))),
        );
        const [p, q] = await Promise.all([again.predict(windows), shipped.predict(windows)]);
        const worst = Math.max(...p.map((v, i) => Math.abs(v - (q[i] as number))));
        expect(worst).toBeLessThan(0.05);
      }
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 300_000);
});

describe('the room-variant suite (evaluate --suite, shortened)', () => {
  it('keeps the hard corners within 27 °C behind the supervisor where the model alone overheats them', async () => {
    ({ tf, backend } = await loadTf());
    const shipped = await loadTfjsSetpointModel(tf, SHIPPED_MODEL_DIR, backend);
    const variants = suiteVariants().filter((v) => v.name === 'heavy-load-small-unit' || v.name === 'drawn-1');
    const rows = await evaluateSuite(shipped, shipped.inputRanges, 2, undefined, variants);
    expect(rows.map((r) => r.variant)).toEqual(['heavy-load-small-unit', 'drawn-1']);
    const heavy = rows[0];
    expect(heavy?.unsupervisedMinutesAbove27Pct).toBeGreaterThan(20);
    expect(heavy?.oracleMinutesAbove27Pct).toBe(0);
    expect(heavy?.decisions.supervisor).toBeGreaterThan(0);
    const s = suiteSummary(rows);
    expect(s.worstMinutesAbove27Pct).toBeLessThanOrEqual(0.5);
    expect(s.worstSavingVsFixed18Pct).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r.decisions.proposal + r.decisions.supervisor + r.decisions.fallback).toBe(2 * 2 * 288 - 2);
    }
  }, 120_000);
});
