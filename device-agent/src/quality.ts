import type { ClimateReading } from './sensor/sensor.js';

export type Quality = 'good' | 'out_of_range' | 'implausible_jump' | 'stuck' | 'read_failure';

export interface QualityOptions {
  maxJumpC: number;
  maxJumpPct: number;
  stuckReads: number;
}

/** DHT22 data sheet range. */
const RANGE = { tMin: -40, tMax: 80, hMin: 0, hMax: 100 };
/** Consecutive "jumps" that agree with each other are a real change (a door opened), not a glitch. */
const JUMPS_TO_REBASE = 3;

/**
 * Flags each reading: outside the sensor's range, an implausible jump from the last good reading, or a sensor that
 * repeats the same value for too long. Only `good` readings are sent.
 */
export class QualityFilter {
  private lastGood: ClimateReading | undefined;
  private jumps: ClimateReading[] = [];
  private same = 0;
  private previous: ClimateReading | undefined;

  constructor(private readonly options: QualityOptions) {}

  assess(r: ClimateReading): Quality {
    if (!Number.isFinite(r.temperatureC) || !Number.isFinite(r.humidityPct)) return 'out_of_range';
    if (
      r.temperatureC < RANGE.tMin ||
      r.temperatureC > RANGE.tMax ||
      r.humidityPct < RANGE.hMin ||
      r.humidityPct > RANGE.hMax
    )
      return 'out_of_range';

    const repeated = this.previous?.temperatureC === r.temperatureC && this.previous?.humidityPct === r.humidityPct;
    this.same = repeated ? this.same + 1 : 1;
    this.previous = r;
    if (this.same >= this.options.stuckReads) return 'stuck';

    const ref = this.lastGood;
    if (
      ref &&
      (Math.abs(r.temperatureC - ref.temperatureC) > this.options.maxJumpC ||
        Math.abs(r.humidityPct - ref.humidityPct) > this.options.maxJumpPct)
    ) {
      const last = this.jumps.at(-1);
      const consistent =
        !last ||
        (Math.abs(r.temperatureC - last.temperatureC) <= this.options.maxJumpC &&
          Math.abs(r.humidityPct - last.humidityPct) <= this.options.maxJumpPct);
      this.jumps = consistent ? [...this.jumps, r] : [r];
      if (this.jumps.length < JUMPS_TO_REBASE) return 'implausible_jump';
    }
    this.jumps = [];
    this.lastGood = r;
    return 'good';
  }
}
