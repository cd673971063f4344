import { createHash } from 'node:crypto';
import {
  type Controller,
  createScenario,
  DEFAULT_ORACLE,
  deriveSeed,
  drawRoomVariant,
  type FeatureRow,
  MINUTES_PER_DAY,
  mulberry32,
  oracleSetpoint,
  runClosedLoop,
  type ScenarioOptions,
  variantScenario,
} from '@hvac-edge/shared/sim';
import { FEATURES, WINDOW } from '../inference/setpoint-model.js';

/** Training examples in time order: flattened windows (WINDOW × FEATURES) and the oracle's set-point for each. */
export interface Dataset {
  x: Float32Array;
  y: Float32Array;
  /** Minute (or row index for CSV data) of each example, for splitting by time. */
  t: Float64Array;
  size: number;
  description: string;
}

export const WIDTH = WINDOW * FEATURES.length;

export function datasetHash(d: Dataset): string {
  return createHash('sha256').update(new Uint8Array(d.x.buffer)).update(new Uint8Array(d.y.buffer)).digest('hex');
}

export class DatasetBuilder {
  private x: number[] = [];
  private y: number[] = [];
  private t: number[] = [];

  add(window: readonly FeatureRow[] | readonly number[][], label: number, t: number): void {
    for (const row of window) for (const v of row) this.x.push(v);
    this.y.push(label);
    this.t.push(t);
  }

  build(description: string): Dataset {
    return {
      x: Float32Array.from(this.x),
      y: Float32Array.from(this.y),
      t: Float64Array.from(this.t),
      size: this.y.length,
      description,
    };
  }
}

/**
 * A behaviour policy that explores around the oracle: it holds an offset from the oracle's set-point and redraws it
 * now and then (half the time zero, else −6..+3 K), so the data covers rooms run too cold and too warm, and records
 * the oracle's set-point for every window it sees. Without exploration a model never sees what happens away from
 * the oracle's choices, and cannot correct from there.
 */
function exploringOracle(builder: DatasetBuilder, seed: number, t0 = 0): Controller {
  const r = mulberry32(seed);
  let offset = 0;
  return {
    name: 'exploring-oracle',
    decide: ({ scenario, state, minute, window }) => {
      const label = oracleSetpoint(scenario, state, minute);
      builder.add(window, label, t0 + minute);
      if (r() < 0.15) offset = r() < 0.5 ? 0 : -6 + 9 * r();
      const sp = Math.min(DEFAULT_ORACLE.maxSetpointC, Math.max(DEFAULT_ORACLE.minSetpointC, label + offset));
      return Math.round(sp * 4) / 4;
    },
  };
}

/** Simulates `days` of a server room and labels every control step with the oracle (see README, "the label"). */
export async function simulateDataset(o: ScenarioOptions): Promise<Dataset> {
  const builder = new DatasetBuilder();
  const scenario = createScenario(o);
  await runClosedLoop(scenario, exploringOracle(builder, o.seed + 101), { sensorSeed: o.seed + 202 });
  return builder.build(
    `simulated server room: ${o.days} days from day-of-year ${o.startDayOfYear ?? 0}, seed ${o.seed}, DHT22 noise, ` +
      'exploring behaviour policy, oracle labels (highest set-point keeping room air <= 26.75 °C for 60 min)',
  );
}

/** Days per room in the family dataset: long enough for weekly load patterns and a few weather spells. */
export const FAMILY_CHUNK_DAYS = 5;

/**
 * Domain randomisation: `days` simulated in chunks of FAMILY_CHUNK_DAYS, each a different room drawn from the family
 * (shared/sim/room-family.ts) at its time of year, so that the model learns how a room's own air and set-point
 * history tell its response, rather than one room's. Room draws and weather are seeded apart from the evaluation
 * suite's.
 */
export async function simulateFamilyDataset(o: { days: number; seed: number }): Promise<Dataset> {
  const builder = new DatasetBuilder();
  const chunks = Math.ceil(o.days / FAMILY_CHUNK_DAYS);
  for (let k = 0; k < chunks; k++) {
    const room = drawRoomVariant(deriveSeed(o.seed, 9000 + k));
    const days = Math.min(FAMILY_CHUNK_DAYS, o.days - k * FAMILY_CHUNK_DAYS);
    const sc = createScenario(variantScenario(room, days, (k * FAMILY_CHUNK_DAYS) % 365, deriveSeed(o.seed, 5000 + k)));
    const t0 = k * FAMILY_CHUNK_DAYS * MINUTES_PER_DAY;
    await runClosedLoop(sc, exploringOracle(builder, deriveSeed(o.seed, 6000 + k), t0), {
      sensorSeed: deriveSeed(o.seed, 7000 + k),
    });
  }
  return builder.build(
    `family of simulated server rooms: ${o.days} days in ${chunks} rooms of ${FAMILY_CHUNK_DAYS} days through the year, ` +
      `seed ${o.seed}, DHT22 noise, exploring behaviour policy, oracle labels (highest set-point keeping room air <= 26.75 °C for 60 min)`,
  );
}

export interface Split {
  train: Dataset;
  validation: Dataset;
  test: Dataset;
}

function slice(d: Dataset, from: number, to: number, part: string): Dataset {
  return {
    x: d.x.slice(from * WIDTH, to * WIDTH),
    y: d.y.slice(from, to),
    t: d.t.slice(from, to),
    size: to - from,
    description: `${d.description} [${part}]`,
  };
}

/** Chronological split (no shuffling across the boundaries, so validation and test lie in the training data's future). */
export function splitByTime(d: Dataset, fractions: [number, number] = [0.7, 0.15]): Split {
  const a = Math.floor(d.size * fractions[0]);
  const b = Math.floor(d.size * (fractions[0] + fractions[1]));
  return {
    train: slice(d, 0, a, 'train'),
    validation: slice(d, a, b, 'validation'),
    test: slice(d, b, d.size, 'test'),
  };
}
