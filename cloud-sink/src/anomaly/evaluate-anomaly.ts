import {
  DEFAULT_NOVELTY,
  DEFAULT_ROOM_WATCH,
  DETECTION_SCORE,
  forecast,
  NAB_PROFILES,
  type NabProfileName,
  type NabSeries,
  type NoveltyOptions,
  nabScore,
  prepareFile,
  type RoomAnomalyKind,
  RoomClimateWatch,
  scoreSeries,
} from '@hvac-edge/shared/anomaly';
import { gaussian, mulberry32, type RoomFault, simulateSite } from '@hvac-edge/shared/sim';

const round = (v: number, d = 3) => Math.round(v * 10 ** d) / 10 ** d;
const MIN = 60_000;
const DAY = 86_400_000;

/** Each NAB series through the detector, and prepared for scoring. */
function scoreCorpusWith(corpus: NabSeries[], options: NoveltyOptions) {
  const scored = corpus.map((s) => scoreSeries(s.timesMs, s.values, options));
  const files = corpus.map((s, i) =>
    prepareFile({ name: s.name, scores: Float64Array.from(scored[i] ?? [], (x) => x.score), windows: s.windows }),
  );
  return { scored, files };
}

/** The NAB corpus through the product's detector, scored for each profile at the corpus-wide threshold. */
export function evaluateNab(corpus: NabSeries[], options: NoveltyOptions = DEFAULT_NOVELTY) {
  const { scored, files } = scoreCorpusWith(corpus, options);
  const profiles = Object.fromEntries(
    (Object.keys(NAB_PROFILES) as NabProfileName[]).map((p) => [p, nabScore(files, NAB_PROFILES[p])]),
  ) as Record<NabProfileName, ReturnType<typeof nabScore>>;
  const std = profiles.standard;
  return {
    nabStandard: round(std.score, 2),
    nabLowFp: round(profiles.lowFp.score, 2),
    nabLowFn: round(profiles.lowFn.score, 2),
    thresholds: Object.fromEntries(Object.entries(profiles).map(([k, v]) => [k, v.threshold])),
    perSeries: std.perFile.map((f, i) => ({
      name: f.name,
      windows: corpus[i]?.windows.length ?? 0,
      detected: f.tp,
      missed: f.fn,
      falsePositives: f.fp,
      raw: round(f.raw),
      detections: (scored[i] ?? []).flatMap((x, row) =>
        x.score >= std.threshold ? [new Date(corpus[i]?.timesMs[row] ?? 0).toISOString()] : [],
      ),
    })),
  };
}

/** The standard score with each setting moved to its neighbours: how much the chosen one depends on the corpus. */
export function nabNeighbours(corpus: NabSeries[]) {
  const d = DEFAULT_NOVELTY;
  const steps: Array<[keyof NoveltyOptions, number[]]> = [
    ['valueBins', [d.valueBins - 1, d.valueBins + 1]],
    ['dayParts', [d.dayParts - 2, d.dayParts + 4]],
    ['dayBins', [d.dayBins - 2, d.dayBins + 2]],
    ['extremeMargin', [d.extremeMargin / 3, d.extremeMargin * 2]],
    ['restFraction', [d.restFraction * 0.5, d.restFraction * 1.5]],
  ];
  return steps.flatMap(([setting, values]) =>
    values.map((value) => ({
      name: `${setting} ${round(value, 4)}`,
      nabStandard: round(
        nabScore(scoreCorpusWith(corpus, { ...d, [setting]: value }).files, NAB_PROFILES.standard).score,
        2,
      ),
    })),
  );
}

type SeriesKind = 'spike' | 'level-shift' | 'slow-drift';

/**
 * A month of a monitoring metric at one point a minute: a daily cycle (amplitude 15 around 40), AR(1) noise
 * (sd about 2), and one injected anomaly after a week of learning. Detection: a score of DETECTION_SCORE or more.
 */
function metricSeries(kind: SeriesKind, seed: number) {
  const r = mulberry32(seed);
  const minutes = 30 * 1440;
  const onset = (10 + Math.floor(r() * 17)) * 1440 + Math.floor(r() * 1440);
  const phase = r() * 2 * Math.PI;
  const times = new Float64Array(minutes);
  const values = new Float64Array(minutes);
  let noise = 0;
  for (let i = 0; i < minutes; i++) {
    noise = 0.9 * noise + 0.87 * gaussian(r);
    let v = 40 + 15 * Math.sin((2 * Math.PI * i) / 1440 + phase) + noise;
    if (kind === 'spike' && i === onset) v += 30;
    if (kind === 'level-shift' && i >= onset) v += 12;
    if (kind === 'slow-drift' && i >= onset) v += Math.min(12, (12 * (i - onset)) / (3 * 1440));
    times[i] = Date.UTC(2026, 5, 1) + i * MIN;
    values[i] = v;
  }
  // How long after onset a detection still counts for it.
  const within = { spike: 10, 'level-shift': 1440, 'slow-drift': 4 * 1440 }[kind];
  return { times, values, onset, within };
}

interface KindTally {
  events: number;
  detected: number;
  truePositives: number;
  falsePositives: number;
  delays: number[];
  deviceWeeks: number;
}

const tally = (): KindTally => ({
  events: 0,
  detected: 0,
  truePositives: 0,
  falsePositives: 0,
  delays: [],
  deviceWeeks: 0,
});

function summarise(t: KindTally) {
  const sorted = [...t.delays].sort((a, b) => a - b);
  const detections = t.truePositives + t.falsePositives;
  return {
    events: t.events,
    precision: detections ? round(t.truePositives / detections) : null,
    recall: t.events ? round(t.detected / t.events) : null,
    medianDelayMinutes: sorted.length ? (sorted[Math.floor((sorted.length - 1) / 2)] as number) : null,
    maxDelayMinutes: sorted.length ? (sorted.at(-1) as number) : null,
    detectedWithin15MinPct: t.events ? round((100 * sorted.filter((d) => d <= 15).length) / t.events, 1) : null,
    falseAlarmsPerDeviceWeek: t.deviceWeeks ? round(t.falsePositives / t.deviceWeeks) : null,
  };
}

/** Metric series of each kind through the product's detector, after a week of learning. */
export function evaluateMetricSeries(seriesPerKind = 24) {
  const out: Record<string, ReturnType<typeof summarise>> = {};
  for (const kind of ['spike', 'level-shift', 'slow-drift'] as SeriesKind[]) {
    const t = tally();
    for (let k = 0; k < seriesPerKind; k++) {
      const s = metricSeries(kind, 1000 * (kind.length + 1) + k);
      const scores = scoreSeries(s.times, s.values);
      t.events++;
      t.deviceWeeks += 23 / 7;
      let first: number | undefined;
      scores.forEach((x, i) => {
        if (i < 7 * 1440 || x.score < DETECTION_SCORE) return;
        if (i >= s.onset && i <= s.onset + s.within) {
          t.truePositives++;
          first ??= i;
        } else t.falsePositives++;
      });
      if (first !== undefined) {
        t.detected++;
        t.delays.push(first - s.onset);
      }
    }
    out[kind] = summarise(t);
  }
  return out;
}

/**
 * Sites of six rooms of the family for a midsummer month, one reading a minute each, with cooling failures
 * (45 min), stuck sensors (2 h) and sensor drifts (1 K/day from day 20) injected, through the sink's room watch.
 * A firing counts for a fault of its kind on its room from the onset to the fault's end plus the clearing time.
 */
export function evaluateRooms(sites = 3, days = 30) {
  const kinds: RoomAnomalyKind[] = ['cooling-failure', 'stuck-sensor', 'drift'];
  const tallies = Object.fromEntries(kinds.map((k) => [k, tally()])) as Record<RoomAnomalyKind, KindTally>;
  let unexplained = 0;
  let deviceWeeks = 0;
  for (let site = 0; site < sites; site++) {
    const r = mulberry32(77 + site);
    const rooms = 6;
    const at = (fromDay: number, toDay: number) => Math.floor((fromDay + r() * (toDay - fromDay)) * 1440);
    const faults: RoomFault[] = [];
    for (let room = 0; room < rooms; room++) {
      faults.push({ kind: 'cooling-failure', room, startMinute: at(2, 9), minutes: 45 });
      faults.push({ kind: 'cooling-failure', room, startMinute: at(10, 18), minutes: 45 });
      faults.push({ kind: 'stuck-sensor', room, startMinute: at(2, 18), minutes: 120 });
    }
    faults.push({ kind: 'drift', room: site % rooms, startMinute: at(20, 21), kPerDay: 1 });
    const end = days * 1440;
    const span = (f: RoomFault) => ({
      from: f.startMinute,
      to: f.kind === 'drift' ? end : f.startMinute + f.minutes + DEFAULT_ROOM_WATCH.clearMinutes,
    });
    const first = new Map<RoomFault, number>();
    const watch = new RoomClimateWatch();
    deviceWeeks += (rooms * days) / 7;
    simulateSite({ rooms, days, seed: 500 + site, faults }, (reading) => {
      const found = watch.observe({
        device: `room-${reading.room}`,
        location: `site-${site}`,
        atMs: Date.UTC(2026, 6, 1) + reading.minute * MIN,
        airC: reading.airC,
        humidityPct: reading.humidityPct,
        setpointC: reading.setpointC,
      });
      for (const a of found) {
        if (a.transition !== 'firing') continue;
        const mine = faults.filter((f) => f.room === reading.room);
        const same = mine.find(
          (f) => f.kind === a.kind && reading.minute >= span(f).from && reading.minute <= span(f).to,
        );
        if (same) {
          tallies[a.kind].truePositives++;
          if (!first.has(same)) first.set(same, reading.minute - same.startMinute);
        } else {
          tallies[a.kind].falsePositives++;
          const explained = mine.some((f) => reading.minute >= span(f).from && reading.minute <= span(f).to);
          if (!explained) unexplained++;
        }
      }
    });
    for (const f of faults) {
      const t = tallies[f.kind];
      t.events++;
      const d = first.get(f);
      if (d !== undefined) {
        t.detected++;
        t.delays.push(d);
      }
    }
  }
  for (const k of kinds) tallies[k].deviceWeeks = deviceWeeks;
  return {
    kinds: Object.fromEntries(kinds.map((k) => [k, summarise(tallies[k])])),
    falseAlarmsPerDeviceWeek: round(unexplained / deviceWeeks),
  };
}

/**
 * Capacity forecasts on simulated growth: 30 days of hourly history, linear (disk-like) or with a daily cycle
 * (CPU-like), noise; the threshold set where the noiseless series first reaches it 30 days ahead. Error =
 * |forecast days − true days| / true days.
 */
export function evaluateForecasts(perKind = 10) {
  const rows: Array<{ kind: string; seed: number; trueDays: number; forecastDays: number | null; error: number }> = [];
  for (const kind of ['linear', 'seasonal'] as const) {
    for (let seed = 1; seed <= perKind; seed++) {
      const r = mulberry32(9000 + seed + (kind === 'seasonal' ? 100 : 0));
      const slopePerDay = 0.2 + r() * 1.3;
      const base = 20 + r() * 20;
      const amp = kind === 'seasonal' ? 5 + r() * 10 : 0;
      const sd = 0.5 + r() * 1.5;
      const truth = (h: number) => base + (slopePerDay * h) / 24 + amp * Math.sin((2 * Math.PI * h) / 24);
      const t0 = Date.UTC(2026, 0, 1);
      const history = Array.from({ length: 30 * 24 }, (_, h) => ({
        at: t0 + h * 3_600_000,
        value: truth(h) + sd * gaussian(r),
      }));
      const lastH = 30 * 24 - 1;
      // The threshold the noiseless series first reaches 30 days after the last point.
      let peak = Number.NEGATIVE_INFINITY;
      for (let h = lastH + 1; h <= lastH + 30 * 24; h++) peak = Math.max(peak, truth(h));
      const threshold = peak;
      let trueH = lastH + 1;
      while (truth(trueH) < threshold) trueH++;
      const trueDays = (trueH - lastH) / 24;
      const f = forecast(history, { horizonMs: 60 * DAY, threshold });
      const error = f.daysUntilThreshold === null ? 1 : Math.abs(f.daysUntilThreshold - trueDays) / trueDays;
      rows.push({ kind, seed, trueDays: round(trueDays, 2), forecastDays: f.daysUntilThreshold, error: round(error) });
    }
  }
  return { rows, worstRelativeError: Math.max(...rows.map((x) => x.error)) };
}
