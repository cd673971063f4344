export type Aggregation = 'min' | 'max' | 'avg' | 'last';

export interface Point {
  /** Unix ms: the sample time, or the start of a roll-up bucket. */
  at: number;
  min: number;
  max: number;
  sum: number;
  count: number;
  last: number;
}

/** Called with each stored point: its time (or bucket start), and min, max, sum, count and last value. */
type Visitor = (at: number, min: number, max: number, sum: number, count: number, last: number) => void;

export interface TierSpec {
  /** Bucket width in ms. */
  stepMs: number;
  /** How long the tier keeps data, in ms. */
  retentionMs: number;
}

export function aggregate(p: Pick<Point, 'min' | 'max' | 'sum' | 'count' | 'last'>, agg: Aggregation): number {
  switch (agg) {
    case 'min':
      return p.min;
    case 'max':
      return p.max;
    case 'last':
      return p.last;
    default:
      return p.sum / p.count;
  }
}

/** Raw samples in a ring of fixed capacity (the newest overwrite the oldest). */
class RawRing {
  private readonly at: Float64Array;
  private readonly value: Float64Array;
  private head = 0;
  size = 0;

  constructor(readonly capacity: number) {
    this.at = new Float64Array(capacity);
    this.value = new Float64Array(capacity);
  }

  push(at: number, value: number): void {
    this.at[this.head] = at;
    this.value[this.head] = value;
    this.head = (this.head + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
  }

  oldest(): number | undefined {
    if (this.size === 0) return undefined;
    return this.at[(this.head - this.size + this.capacity) % this.capacity];
  }

  latest(): { at: number; value: number } | undefined {
    if (this.size === 0) return undefined;
    const i = (this.head - 1 + this.capacity) % this.capacity;
    return { at: this.at[i] as number, value: this.value[i] as number };
  }

  /** The samples from start to end, oldest first (in arrival order, which a late sample breaks). */
  visit(start: number, end: number, fn: Visitor): void {
    for (let k = this.size; k > 0; k--) {
      const i = (this.head - k + this.capacity) % this.capacity;
      const at = this.at[i] as number;
      if (at < start || at > end) continue;
      const v = this.value[i] as number;
      fn(at, v, v, v, 1, v);
    }
  }

  bytes(): number {
    return this.capacity * 16;
  }
}

/**
 * Fixed-step roll-up buckets in a ring addressed by bucket number, so a bucket's slot is known without a search
 * and stale slots are recognised by their start time. min/max/last are float32 (7 significant digits is plenty
 * for monitoring); the sum is float64 so averages stay exact.
 */
class RollupRing {
  private readonly start: Float64Array;
  private readonly min: Float32Array;
  private readonly max: Float32Array;
  private readonly last: Float32Array;
  private readonly sum: Float64Array;
  private readonly count: Uint32Array;
  readonly capacity: number;

  constructor(readonly spec: TierSpec) {
    this.capacity = Math.max(1, Math.ceil(spec.retentionMs / spec.stepMs));
    this.start = new Float64Array(this.capacity).fill(-1);
    this.min = new Float32Array(this.capacity);
    this.max = new Float32Array(this.capacity);
    this.last = new Float32Array(this.capacity);
    this.sum = new Float64Array(this.capacity);
    this.count = new Uint32Array(this.capacity);
  }

  add(at: number, v: number): void {
    const bucket = Math.floor(at / this.spec.stepMs);
    const i = bucket % this.capacity;
    const bucketStart = bucket * this.spec.stepMs;
    if (this.start[i] !== bucketStart) {
      if ((this.start[i] as number) > bucketStart) return; // older than what the slot holds: outside retention
      this.start[i] = bucketStart;
      this.min[i] = v;
      this.max[i] = v;
      this.sum[i] = v;
      this.count[i] = 1;
      this.last[i] = v;
      return;
    }
    this.min[i] = Math.min(this.min[i] as number, v);
    this.max[i] = Math.max(this.max[i] as number, v);
    this.sum[i] = (this.sum[i] as number) + v;
    this.count[i] = (this.count[i] as number) + 1;
    this.last[i] = v;
  }

  /** The buckets from start to end, in time order. */
  visit(start: number, end: number, fn: Visitor): void {
    const first = Math.max(
      Math.floor(start / this.spec.stepMs),
      Math.floor(end / this.spec.stepMs) - this.capacity + 1,
    );
    // At most one pass over the ring, whatever the range asks for (a bucket number past 2^53 would not advance).
    const last = Math.min(Math.floor(end / this.spec.stepMs), first + this.capacity - 1);
    if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last)) return;
    for (let b = first; b <= last; b++) {
      const i = b % this.capacity;
      if (this.start[i] !== b * this.spec.stepMs) continue;
      fn(
        this.start[i] as number,
        this.min[i] as number,
        this.max[i] as number,
        this.sum[i] as number,
        this.count[i] as number,
        this.last[i] as number,
      );
    }
  }

  bytes(): number {
    return this.capacity * (8 + 4 * 3 + 8 + 4);
  }
}

export interface HistorySpec {
  /** Raw samples kept per series (e.g. an hour at a 10 s interval = 360). */
  rawCapacity: number;
  rollups: TierSpec[];
}

/** One series (target × metric): raw ring plus roll-up tiers; its memory is fixed at creation. */
export class SeriesHistory {
  private readonly raw: RawRing;
  private readonly tiers: RollupRing[];
  samples = 0;

  constructor(spec: HistorySpec) {
    this.raw = new RawRing(spec.rawCapacity);
    this.tiers = [...spec.rollups].sort((a, b) => a.stepMs - b.stepMs).map((t) => new RollupRing(t));
  }

  add(at: number, value: number): void {
    this.raw.push(at, value);
    for (const t of this.tiers) t.add(at, value);
    this.samples += 1;
  }

  latest(): { at: number; value: number } | undefined {
    return this.raw.latest();
  }

  /** The points from start to end, from the finest tier that still covers `start` (raw when it does). */
  range(start: number, end: number, now: number): Point[] {
    const out: Point[] = [];
    this.visit(start, end, now, (at, min, max, sum, count, last) => out.push({ at, min, max, sum, count, last }));
    return out;
  }

  /** range() without an object per point: what a window query reads, a day of minutes is 1,440 points. */
  visit(start: number, end: number, now: number, fn: Visitor): void {
    this.source(start, now).visit(start, end, fn);
  }

  /** The finest tier that still covers `start`: raw when it does, else the coarsest. */
  private source(start: number, now: number): RawRing | RollupRing {
    const oldestRaw = this.raw.oldest();
    if (oldestRaw !== undefined && oldestRaw <= start) return this.raw;
    for (const t of this.tiers) if (start >= now - t.capacity * t.spec.stepMs) return t;
    return this.tiers.at(-1) ?? this.raw;
  }

  storedPoints(): number {
    return this.raw.capacity + this.tiers.reduce((a, t) => a + t.capacity, 0);
  }

  bytes(): number {
    return this.raw.bytes() + this.tiers.reduce((a, t) => a + t.bytes(), 0);
  }
}

/** Groups points into `stepMs` buckets from `start` and aggregates each; without a step, every point stands. */
export function resample(points: Point[], start: number, stepMs: number | undefined, agg: Aggregation) {
  if (!stepMs) return points.map((p) => ({ at: p.at, value: aggregate(p, agg) }));
  const steps = new StepBuckets(start, stepMs, agg);
  for (const p of points) steps.add(p.at, p.min, p.max, p.sum, p.count, p.last);
  return steps.result();
}

/** A series' window from start to end, resampled as resample() does, without a point object per stored point. */
export function resampleSeries(
  series: SeriesHistory,
  start: number,
  end: number,
  now: number,
  stepMs: number | undefined,
  agg: Aggregation,
) {
  if (!stepMs) return resample(series.range(start, end, now), start, stepMs, agg);
  const steps = new StepBuckets(start, stepMs, agg);
  series.visit(start, end, now, steps.add);
  return steps.result();
}

/**
 * Buckets of `stepMs` from `start`. The tiers answer in time order, so buckets close one after another: no map, no
 * sort, one object per bucket. A raw ring that took a late sample may not be in order; then the buckets are gathered
 * by key.
 */
class StepBuckets {
  private readonly closed: Point[] = [];
  private readonly byKey = new Map<number, Point>();
  private previousAt = Number.NEGATIVE_INFINITY;
  private ordered = true;

  constructor(
    private readonly start: number,
    private readonly stepMs: number,
    private readonly agg: Aggregation,
  ) {}

  readonly add: Visitor = (at, min, max, sum, count, last) => {
    const b = this.start + Math.floor((at - this.start) / this.stepMs) * this.stepMs;
    if (at < this.previousAt && this.ordered) {
      this.ordered = false;
      for (const p of this.closed) this.byKey.set(p.at, p);
    }
    this.previousAt = at;
    const cur = this.ordered ? this.closed.at(-1) : this.byKey.get(b);
    if (cur && cur.at === b) {
      cur.min = Math.min(cur.min, min);
      cur.max = Math.max(cur.max, max);
      cur.sum += sum;
      cur.count += count;
      cur.last = last;
      return;
    }
    const p = { at: b, min, max, sum, count, last };
    if (this.ordered) this.closed.push(p);
    else this.byKey.set(b, p);
  };

  result(): Array<{ at: number; value: number }> {
    const points = this.ordered ? this.closed : [...this.byKey.values()].sort((a, b) => a.at - b.at);
    return points.map((p) => ({ at: p.at, value: aggregate(p, this.agg) }));
  }
}
