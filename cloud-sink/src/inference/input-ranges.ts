import { FEATURES, type InputRanges } from './setpoint-model.js';

export type { InputRanges };

/**
 * The ranges of a training set of flattened windows (rows of FEATURES.length values): per feature its 0.1st and
 * 99.9th percentiles, so the sensor spikes the training data holds on purpose do not widen what counts as known.
 */
export function inputRangesOf(x: ArrayLike<number>): InputRanges {
  const k = FEATURES.length;
  const min: number[] = [];
  const max: number[] = [];
  for (let f = 0; f < k; f++) {
    const values = Float64Array.from({ length: Math.floor(x.length / k) }, (_, i) => x[i * k + f] as number).sort();
    const at = (q: number) => values[Math.min(values.length - 1, Math.floor(q * values.length))] as number;
    min.push(at(0.001));
    max.push(at(0.999));
  }
  return { min, max };
}

/**
 * Whether every value of the window lies within the training ranges, widened by `slack` of each range (a model
 * extrapolates a little without harm, not far). Non-finite values are out of range.
 */
export function inRanges(window: readonly (readonly number[])[], r: InputRanges, slack = 0.05): boolean {
  for (const row of window) {
    for (let f = 0; f < row.length; f++) {
      const v = row[f] as number;
      const lo = r.min[f];
      const hi = r.max[f];
      if (lo === undefined || hi === undefined) continue;
      const pad = (hi - lo) * slack;
      if (!(v >= lo - pad && v <= hi + pad)) return false;
    }
  }
  return true;
}
