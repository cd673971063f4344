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

  range(start: number, end: number): Point[] {
    const out: Point[] = [];
    for (let k = this.size; k > 0; k--) {
      const i = (this.head - k + this.capacity) % this.capacity;
      const at = this.at[i] as number;
      if (at < start || at > end) continue;
      const v = this.value[i] as number;
      out.push({ at, min: v, max: v, sum: v, count: 1, last: v });
    }
    return out;
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

  range(start: number, end: number): Point[] {
    const out: Point[] = [];
    const first = Math.max(
      Math.floor(start / this.spec.stepMs),
      Math.floor(end / this.spec.stepMs) - this.capacity + 1,
    );
    // At most one pass over the ring, whatever the range asks for (a bucket number past 2^53 would not advance).
    const last = Math.min(Math.floor(end / this.spec.stepMs), first + this.capacity - 1);
    if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last)) return out;
    for (let b = first; b <= last; b++) {
      const i = b % this.capacity;
      if (this.start[i] !== b * this.spec.stepMs) continue;
      out.push({
        at: this.start[i] as number,
        min: this.min[i] as number,
        max: this.max[i] as number,
        sum: this.sum[i] as number,
        count: this.count[i] as number,
        last: this.last[i] as number,
      });
    }
    return out;
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

  /** The finest tier that still covers `start`; raw when it does. */
  range(start: number, end: number, now: number): Point[] {
    const oldestRaw = this.raw.oldest();
    if (oldestRaw !== undefined && oldestRaw <= start) return this.raw.range(start, end);
    for (const t of this.tiers) {
      const coverage = t.capacity * t.spec.stepMs;
      if (start >= now - coverage) return t.range(start, end);
    }
    const coarsest = this.tiers.at(-1);
    return coarsest ? coarsest.range(start, end) : this.raw.range(start, end);
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
  const buckets = new Map<number, Point>();
  for (const p of points) {
    const b = start + Math.floor((p.at - start) / stepMs) * stepMs;
    const cur = buckets.get(b);
    if (!cur) buckets.set(b, { ...p, at: b });
    else {
      cur.min = Math.min(cur.min, p.min);
      cur.max = Math.max(cur.max, p.max);
      cur.sum += p.sum;
      cur.count += p.count;
      cur.last = p.last;
    }
  }
  return [...buckets.values()].sort((a, b) => a.at - b.at).map((p) => ({ at: p.at, value: aggregate(p, agg) }));
}
