import { gaussian, mulberry32 } from './random.js';
import { MINUTES_PER_DAY } from './weather.js';

export interface ItLoadOptions {
  /** Always-on load (storage, network, idle servers). */
  baseW: number;
  /** Extra load at the height of weekday business hours. */
  businessW: number;
  /** Nightly batch window (01:00-04:00). */
  batchW: number;
  /** Weekend business load as a fraction of a weekday's. */
  weekendFactor: number;
  /** Slow random drift (standard deviation). */
  driftSdW: number;
}

export const DEFAULT_IT_LOAD: ItLoadOptions = {
  baseW: 3200,
  businessW: 1500,
  batchW: 700,
  weekendFactor: 0.25,
  driftSdW: 250,
};

function bump(hour: number, from: number, to: number, ramp: number): number {
  const up = Math.min(1, Math.max(0, (hour - from) / ramp));
  const down = Math.min(1, Math.max(0, (to - hour) / ramp));
  return Math.min(up, down);
}

/** IT heat load (W) per simulated minute with daily and weekly patterns; day 0 is `firstWeekday` (0 = Monday). */
export function generateItLoad(
  days: number,
  seed: number,
  options: ItLoadOptions = DEFAULT_IT_LOAD,
  firstWeekday = 0,
): Float64Array {
  const r = mulberry32(seed);
  const out = new Float64Array(days * MINUTES_PER_DAY);
  let drift = 0;
  const phi = Math.exp(-1 / 720); // half-day correlation at minute steps
  const sigma = options.driftSdW * Math.sqrt(1 - phi * phi);
  for (let i = 0; i < out.length; i++) {
    const day = Math.floor(i / MINUTES_PER_DAY);
    const hour = (i % MINUTES_PER_DAY) / 60;
    const weekend = (day + firstWeekday) % 7 >= 5;
    drift = phi * drift + sigma * gaussian(r);
    const business = bump(hour, 8, 19, 1.5) * (weekend ? options.weekendFactor : 1);
    out[i] = Math.max(
      0.5 * options.baseW,
      options.baseW + options.businessW * business + options.batchW * bump(hour, 1, 4, 0.5) + drift,
    );
  }
  return out;
}
