/**
 * The Numenta Anomaly Benchmark's scoring, as its papers define it (Lavin & Ahmad 2015; Ahmad et al. 2017): per
 * labelled anomaly window, the earliest detection in it earns the true-positive weight scaled by a sigmoid of its
 * position (≈1 at the window's start, 0 at its end); a window without one costs the false-negative weight; every
 * detection outside the windows costs the false-positive weight scaled by how far it lies past the previous window
 * (a detection just after a window costs little). Detections in the probationary period (the first 15 % of a file,
 * at most 750 rows) are not counted. One threshold on the detector's score, chosen for the whole corpus per profile,
 * turns scores into detections; the total is normalised so that the null detector scores 0 and a detector that
 * fires at the start of every window 100.
 */

export interface NabProfile {
  tp: number;
  fp: number;
  fn: number;
}

export const NAB_PROFILES = {
  standard: { tp: 1, fp: 0.11, fn: 1 },
  lowFp: { tp: 1, fp: 0.22, fn: 1 },
  lowFn: { tp: 1, fp: 0.11, fn: 2 },
} as const satisfies Record<string, NabProfile>;

export type NabProfileName = keyof typeof NAB_PROFILES;

/** One data file: per row its detector score; the anomaly windows as inclusive row ranges. */
export interface NabFile {
  name: string;
  scores: ArrayLike<number>;
  windows: ReadonlyArray<readonly [number, number]>;
}

/** A file's rows with their scaled-sigmoid positions, computed once for every threshold. */
export interface PreparedFile {
  name: string;
  scores: ArrayLike<number>;
  probation: number;
  /** Per row: the index of the window holding it, or −1. */
  window: Int32Array;
  /** Per row: the unweighted score a detection there gets (positive inside a window, negative outside). */
  position: Float64Array;
  windows: number;
}

/** NAB's scaled sigmoid: 2 / (1 + e^(5y)) − 1, and −1 for a detection more than three window lengths past. */
export function scaledSigmoid(y: number): number {
  return y > 3 ? -1 : 2 / (1 + Math.exp(5 * y)) - 1;
}

export function probationaryRows(length: number): number {
  return Math.min(Math.floor(0.15 * length), 750);
}

export function prepareFile(f: NabFile): PreparedFile {
  const n = f.scores.length;
  const window = new Int32Array(n).fill(-1);
  const position = new Float64Array(n);
  let prev: readonly [number, number] | undefined;
  let w = 0;
  for (let i = 0; i < n; i++) {
    const cur = f.windows[w];
    if (cur && i > cur[1]) {
      prev = cur;
      w++;
    }
    const inWin = f.windows[w];
    if (inWin && i >= inWin[0] && i <= inWin[1]) {
      const width = inWin[1] - inWin[0] + 1;
      window[i] = w;
      position[i] = scaledSigmoid(-(inWin[1] - i + 1) / width);
    } else if (!prev) {
      position[i] = -1;
    } else {
      const width = prev[1] - prev[0] + 1;
      position[i] = scaledSigmoid(Math.abs(prev[1] - i) / Math.max(1, width - 1));
    }
  }
  return {
    name: f.name,
    scores: f.scores,
    probation: probationaryRows(n),
    window,
    position,
    windows: f.windows.length,
  };
}

export interface FileScore {
  name: string;
  raw: number;
  tp: number;
  fp: number;
  fn: number;
}

/** One file's raw score at `threshold` (detections: score >= threshold). */
export function scoreFile(p: PreparedFile, threshold: number, profile: NabProfile): FileScore {
  const best = new Float64Array(p.windows).fill(Number.NaN);
  let raw = 0;
  let fp = 0;
  for (let i = p.probation; i < p.scores.length; i++) {
    if (!((p.scores[i] as number) >= threshold)) continue;
    const w = p.window[i] as number;
    if (w >= 0) {
      if (Number.isNaN(best[w] as number)) best[w] = p.position[i] as number;
    } else {
      raw += profile.fp * (p.position[i] as number);
      fp++;
    }
  }
  let tp = 0;
  for (let w = 0; w < p.windows; w++) {
    const b = best[w] as number;
    if (Number.isNaN(b)) raw -= profile.fn;
    else {
      raw += profile.tp * b;
      tp++;
    }
  }
  return { name: p.name, raw, tp, fp, fn: p.windows - tp };
}

/** The corpus at one threshold. */
export function scoreCorpus(files: PreparedFile[], threshold: number, profile: NabProfile) {
  const perFile = files.map((f) => scoreFile(f, threshold, profile));
  return { raw: perFile.reduce((a, f) => a + f.raw, 0), perFile };
}

/** The null detector (never fires) and the perfect one (fires at the first countable row of every window). */
export function corpusBounds(files: PreparedFile[], profile: NabProfile): { nullRaw: number; perfectRaw: number } {
  let nullRaw = 0;
  let perfectRaw = 0;
  for (const f of files) {
    nullRaw -= profile.fn * f.windows;
    const seen = new Set<number>();
    for (let i = f.probation; i < f.scores.length; i++) {
      const w = f.window[i] as number;
      if (w >= 0 && !seen.has(w)) {
        seen.add(w);
        perfectRaw += profile.tp * (f.position[i] as number);
      }
    }
    perfectRaw -= profile.fn * (f.windows - seen.size);
  }
  return { nullRaw, perfectRaw };
}

/**
 * The NAB score for a profile: the threshold (among the corpus's score quantiles) that maximises the total raw score
 * over all files, and the total normalised to 0 (null) .. 100 (perfect).
 */
export function nabScore(files: PreparedFile[], profile: NabProfile, candidates = 400) {
  const all = files.flatMap((f) => Array.from(f.scores as ArrayLike<number>).slice(f.probation));
  all.sort((a, b) => a - b);
  const thresholds = new Set<number>();
  for (let k = 0; k < candidates; k++) {
    // Denser near the top, where thresholds that fire rarely live.
    const q = 1 - (1 - k / candidates) ** 3;
    const v = all[Math.min(all.length - 1, Math.floor(q * all.length))];
    if (v !== undefined && v > 0) thresholds.add(v);
  }
  thresholds.add(Number.POSITIVE_INFINITY);
  let best = { threshold: Number.POSITIVE_INFINITY, raw: Number.NEGATIVE_INFINITY, perFile: [] as FileScore[] };
  for (const t of thresholds) {
    const s = scoreCorpus(files, t, profile);
    if (s.raw > best.raw) best = { threshold: t, ...s };
  }
  const { nullRaw, perfectRaw } = corpusBounds(files, profile);
  return { ...best, score: (100 * (best.raw - nullRaw)) / (perfectRaw - nullRaw) };
}
