import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readNabCorpus } from '../src/anomaly/nab-corpus.js';
import {
  corpusBounds,
  NAB_PROFILES,
  type NabProfile,
  type NabProfileName,
  nabScore,
  prepareFile,
  probationaryRows,
  scaledSigmoid,
  scoreCorpus,
  scoreFile,
} from '../src/anomaly/nab-score.js';

interface PublishedDetector {
  threshold: Record<NabProfileName, number>;
  published: Record<NabProfileName, number>;
  rows: Record<string, Array<[number, number]>>;
}
const PUBLISHED = JSON.parse(
  readFileSync(new URL('./fixtures/nab-published-results.json', import.meta.url), 'utf8'),
) as { detectors: Record<string, PublishedDetector> };

const NAB = fileURLToPath(new URL('../../../shared/nab', import.meta.url));

describe('NAB scoring (Lavin & Ahmad 2015)', () => {
  it('weighs a detection by its place: early in a window ≈ 1, late ≈ 0, far past a window −1', () => {
    expect(scaledSigmoid(-1)).toBeCloseTo(0.9866, 4);
    expect(scaledSigmoid(0)).toBe(0);
    expect(scaledSigmoid(3.5)).toBe(-1);
    expect(probationaryRows(1000)).toBe(150);
    expect(probationaryRows(100_000)).toBe(750);
  });

  it('scores one small file by hand: an early true positive, a false positive right after its window, a missed window', () => {
    // 1000 rows (probation 150); windows at rows 300-399 and 700-799.
    const scores = new Float64Array(1000);
    scores[100] = 1; // in the probationary period: not counted
    scores[310] = 1; // the window's 11th row of 100: position −90/100
    scores[350] = 1; // a later detection in the same window: ignored
    scores[420] = 1; // 21 rows past a 100-row window: position 21/99
    const p = prepareFile({
      name: 'hand',
      scores,
      windows: [
        [300, 399],
        [700, 799],
      ],
    });
    const s = scoreFile(p, 0.5, NAB_PROFILES.standard);
    const expected = scaledSigmoid(-90 / 100) / scaledSigmoid(-1) + 0.11 * scaledSigmoid(21 / 99) - 1;
    expect(s).toMatchObject({ tp: 1, fp: 1, fn: 1 });
    expect(s.raw).toBeCloseTo(expected, 10);
  });

  it('on the NAB corpus: 58 files, 116 windows; the null detector 0, the perfect one 100', () => {
    const corpus = readNabCorpus(NAB);
    expect(corpus).toHaveLength(58);
    expect(corpus.reduce((a, s) => a + s.windows.length, 0)).toBe(116);
    const prepared = (pick: (s: (typeof corpus)[number]) => Float64Array) =>
      corpus.map((s) => prepareFile({ name: s.name, scores: pick(s), windows: s.windows }));
    const perfect = prepared((s) => {
      const a = new Float64Array(s.values.length);
      for (const [start] of s.windows) a[Math.max(start, probationaryRows(a.length))] = 1;
      return a;
    });
    const none = prepared((s) => new Float64Array(s.values.length));
    for (const profile of Object.values(NAB_PROFILES)) {
      expect(nabScore(perfect, profile).score).toBeCloseTo(100, 6);
      expect(nabScore(none, profile).score).toBe(0);
    }
  });

  // NAB's own results for three published detectors (their anomaly scores per row, its thresholds per profile):
  // this scorer, fed the same scores, must give the scores NAB published for them.
  it.each(Object.keys(PUBLISHED.detectors))('reproduces the published NAB scores of %s', (name) => {
    const det = PUBLISHED.detectors[name] as PublishedDetector;
    const files = readNabCorpus(NAB).map((s) => {
      const scores = new Float64Array(s.values.length);
      for (const [row, score] of det.rows[s.name] ?? []) scores[row] = score;
      return prepareFile({ name: s.name, scores, windows: s.windows });
    });
    for (const [profileName, profile] of Object.entries(NAB_PROFILES) as Array<[NabProfileName, NabProfile]>) {
      const { nullRaw, perfectRaw } = corpusBounds(files, profile);
      const raw = scoreCorpus(files, det.threshold[profileName], profile).raw;
      expect((100 * (raw - nullRaw)) / (perfectRaw - nullRaw)).toBeCloseTo(det.published[profileName], 6);
      // The exact sweep finds a threshold at least as good as NAB's optimiser did.
      expect(nabScore(files, profile).score).toBeGreaterThanOrEqual(det.published[profileName] - 1e-9);
    }
  });
});
