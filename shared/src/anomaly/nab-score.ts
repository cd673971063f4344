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
  /** Windows with a row past the probationary period; NAB neither rewards nor charges the others. */
  countable: boolean[];
}

/** NAB's scaled sigmoid: 2 / (1 + e^(5y)) − 1, and −1 for a detection more than three window lengths past. */
export function scaledSigmoid(y: number): number {
  return y > 3 ? -1 : 2 / (1 + Math.exp(5 * y)) - 1;
}

/** A detection at a window's first row; true positives are weighted relative to it, so it earns exactly the TP weight. */
const MAX_TP = scaledSigmoid(-1);

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
      position[i] = scaledSigmoid(-(inWin[1] - i + 1) / width) / MAX_TP;
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
    countable: f.windows.map(([, end]) => end >= probationaryRows(n)),
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
  let counted = 0;
  for (let w = 0; w < p.windows; w++) {
    if (!p.countable[w]) continue;
    counted++;
    const b = best[w] as number;
    if (Number.isNaN(b)) raw -= profile.fn;
    else {
      raw += profile.tp * b;
      tp++;
    }
  }
  return { name: p.name, raw, tp, fp, fn: counted - tp };
}

/** The corpus at one threshold. */
export function scoreCorpus(files: PreparedFile[], threshold: number, profile: NabProfile) {
  const perFile = files.map((f) => scoreFile(f, threshold, profile));
  return { raw: perFile.reduce((a, f) => a + f.raw, 0), perFile };
}

/** The null detector (never fires) and the perfect one (fires at the first row of every window: the TP weight each). */
export function corpusBounds(files: PreparedFile[], profile: NabProfile): { nullRaw: number; perfectRaw: number } {
  const windows = files.reduce((a, f) => a + f.countable.filter(Boolean).length, 0);
  return { nullRaw: -profile.fn * windows, perfectRaw: profile.tp * windows };
}

/**
 * The NAB score for a profile: the threshold that maximises the total raw score over all files (found exactly, by
 * sweeping every distinct score from the highest down, as NAB's sweeper does per file), normalised to 0 (null) ..
 * 100 (perfect). NAB's own optimiser searches locally and can stop short of this maximum.
 */
export function nabScore(files: PreparedFile[], profile: NabProfile) {
  const rows: Array<{ score: number; file: number; row: number }> = [];
  files.forEach((f, file) => {
    for (let row = f.probation; row < f.scores.length; row++) {
      const score = f.scores[row] as number;
      if (Number.isFinite(score)) rows.push({ score, file, row });
    }
  });
  rows.sort((a, b) => b.score - a.score);
  const { nullRaw, perfectRaw } = corpusBounds(files, profile);
  // Windows are keyed by file and index; each holds its best (earliest) detection so far.
  const best = new Map<number, number>();
  const offsets: number[] = [];
  let windowsBefore = 0;
  for (const f of files) {
    offsets.push(windowsBefore);
    windowsBefore += f.windows;
  }
  let raw = nullRaw;
  let bestRaw = raw;
  let threshold = Number.POSITIVE_INFINITY;
  for (let k = 0; k < rows.length; k++) {
    const { score, file, row } = rows[k] as (typeof rows)[number];
    const f = files[file] as PreparedFile;
    const w = f.window[row] as number;
    const pos = f.position[row] as number;
    if (w < 0) raw += profile.fp * pos;
    else {
      const key = (offsets[file] as number) + w;
      const prev = best.get(key);
      if (prev === undefined) {
        raw += profile.fn + profile.tp * pos;
        best.set(key, pos);
      } else if (pos > prev) {
        raw += profile.tp * (pos - prev);
        best.set(key, pos);
      }
    }
    const next = rows[k + 1];
    if ((!next || next.score !== score) && raw > bestRaw) {
      bestRaw = raw;
      threshold = score;
    }
  }
  const { perFile } = scoreCorpus(files, threshold, profile);
  return { threshold, raw: bestRaw, perFile, score: (100 * (bestRaw - nullRaw)) / (perfectRaw - nullRaw) };
}
