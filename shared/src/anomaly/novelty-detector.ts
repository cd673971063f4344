/**
 * The product's streaming anomaly detector: a value is anomalous when the series does something it has never done
 * before. Each value is placed in one of `valueBins` levels of the range seen so far, and three kinds of novelty
 * are looked for, each using only the past:
 * - a new extreme: the value leaves the range seen so far by more than `extremeMargin` of its width (a trend that
 *   creeps past its old maximum in small steps does not count; a jump does);
 * - a new transition: the step from the previous value's level to this one's was never seen;
 * - a new level for the time of day: no level within `dayTolerance` of this one (on a finer grid of `dayBins`)
 *   occurred in this part of the day (`dayParts` of the day) — how daily seasonality is learned: a night that looks
 *   like a day is novel, a day that looks like a day is not; noise at the edge of what a part of the day has shown
 *   is not.
 * After a detection the detector rests (scores novelty as `info` only, and each one extends the rest) for a number
 * of points that grows with the stream: `restFraction` of the points seen, between `restMin` and `restMax`, so a
 * burst of novelty is one alarm and a young stream settles quickly. No look-ahead: the range, the transitions and
 * the rest are all from the past.
 */

export type AnomalyLevel = 'normal' | 'info' | 'warning' | 'critical';
export type NoveltyReason = 'new-extreme' | 'new-transition' | 'new-at-time-of-day';

export interface NoveltyOptions {
  valueBins: number;
  dayParts: number;
  /** Levels (of `dayBins`) for the time-of-day check, finer than `valueBins`... */
  dayBins: number;
  /** ...and a level counts as new for its time of day only this many levels away from every level seen there. */
  dayTolerance: number;
  extremeMargin: number;
  restFraction: number;
  restMin: number;
  restMax: number;
}

/**
 * Chosen on the NAB corpus together with simulated metric series (README: "Anomaly detection"), and checked on
 * their neighbours there.
 */
export const DEFAULT_NOVELTY: NoveltyOptions = {
  valueBins: 6,
  dayParts: 8,
  dayBins: 12,
  dayTolerance: 1,
  extremeMargin: 0.03,
  restFraction: 0.04,
  restMin: 10,
  restMax: 150,
};

export interface NoveltyScore {
  /** 0..1: 1 a new extreme, 0.8 a new transition, 0.7 new at this time of day, 0.3 novelty while resting, 0 none. */
  score: number;
  level: AnomalyLevel;
  reason: NoveltyReason | null;
}

const SCORES: Record<NoveltyReason, number> = { 'new-extreme': 1, 'new-transition': 0.8, 'new-at-time-of-day': 0.7 };
const RESTING_SCORE = 0.3;
/** Scores at or above this are detections; NAB's threshold sweep lands here too. */
export const DETECTION_SCORE = 0.7;

export function levelOf(score: number): AnomalyLevel {
  if (score >= 0.95) return 'critical';
  if (score >= DETECTION_SCORE) return 'warning';
  if (score > 0) return 'info';
  return 'normal';
}

export class NoveltyDetector {
  private lo = Number.POSITIVE_INFINITY;
  private hi = Number.NEGATIVE_INFINITY;
  private prevBin = -1;
  private readonly transitions = new Set<number>();
  private readonly dayLevels = new Set<number>();
  private seen = 0;
  private sinceDetection = Number.POSITIVE_INFINITY;

  constructor(private readonly o: NoveltyOptions = DEFAULT_NOVELTY) {}

  /** Scores one value (non-finite values are skipped: score 0, state unchanged). */
  update(timeMs: number, value: number): NoveltyScore {
    if (!Number.isFinite(value)) return { score: 0, level: 'normal', reason: null };
    const o = this.o;
    let reason: NoveltyReason | null = null;
    if (this.seen > 0) {
      const margin = o.extremeMargin * (this.hi - this.lo);
      if (value > this.hi + margin || value < this.lo - margin) reason = 'new-extreme';
    }
    this.lo = Math.min(this.lo, value);
    this.hi = Math.max(this.hi, value);
    const span = this.hi - this.lo;
    const bin = span > 0 ? Math.min(o.valueBins - 1, Math.floor(((value - this.lo) / span) * o.valueBins)) : 0;
    if (this.prevBin >= 0) {
      const key = this.prevBin * o.valueBins + bin;
      if (!this.transitions.has(key)) {
        reason ??= 'new-transition';
        this.transitions.add(key);
      }
    }
    const dayMs = 86_400_000;
    const part = Math.floor((((timeMs % dayMs) + dayMs) % dayMs) / (dayMs / o.dayParts));
    const dayBin = span > 0 ? Math.min(o.dayBins - 1, Math.floor(((value - this.lo) / span) * o.dayBins)) : 0;
    const dayKey = part * o.dayBins + dayBin;
    if (!this.dayLevels.has(dayKey)) {
      let near = false;
      for (let d = 1; d <= o.dayTolerance && !near; d++) {
        near =
          (dayBin - d >= 0 && this.dayLevels.has(dayKey - d)) ||
          (dayBin + d < o.dayBins && this.dayLevels.has(dayKey + d));
      }
      if (this.seen > 0 && !near) reason ??= 'new-at-time-of-day';
      this.dayLevels.add(dayKey);
    }
    this.prevBin = bin;
    const rest = Math.min(o.restMax, Math.max(o.restMin, Math.round(o.restFraction * this.seen)));
    this.seen++;
    if (reason === null) {
      this.sinceDetection++;
      return { score: 0, level: 'normal', reason };
    }
    // Novelty while resting extends the rest: one episode, one alarm.
    const score = this.sinceDetection <= rest ? RESTING_SCORE : SCORES[reason];
    this.sinceDetection = 0;
    return { score, level: levelOf(score), reason };
  }
}

/** Scores a whole series in order, as the stream would have seen it. */
export function scoreSeries(
  times: ArrayLike<number>,
  values: ArrayLike<number>,
  options: NoveltyOptions = DEFAULT_NOVELTY,
): NoveltyScore[] {
  const d = new NoveltyDetector(options);
  return Array.from(values, (v, i) => d.update(times[i] as number, v));
}
