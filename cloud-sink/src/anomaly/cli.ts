#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ExitError, runCli } from '@hvac-edge/shared';
import { readNabCorpus } from '@hvac-edge/shared/anomaly';
import {
  evaluateForecasts,
  evaluateMetricSeries,
  evaluateNab,
  evaluateRooms,
  nabNeighbours,
} from './evaluate-anomaly.js';

const USAGE = `usage:
  hvac-anomaly evaluate [--nab dir] [--per-series]
  hvac-anomaly --help | --version
Measures the product's anomaly detection and forecasts, deterministically:
- with --nab (a copy of the Numenta Anomaly Benchmark: data/ and labels/combined_windows.json): the streaming
  detector over the whole corpus with its one configuration, scored with NAB's standard, low-FP and low-FN
  profiles, and the standard score with each setting moved to its neighbours; --per-series prints every series'
  windows, detections and false positives;
- metric series (a month a minute, daily cycle) with injected spikes, level shifts and slow drifts: precision,
  recall and detection delay per kind;
- simulated server rooms (3 sites of 6 rooms, a midsummer month) with injected cooling failures, stuck sensors and
  sensor drift, through the sink's room watch: the same per kind, and false alarms per device-week;
- capacity forecasts on simulated linear and seasonal growth: daysUntilThreshold against the truth 30 days ahead.
The last line on stdout is one JSON object. Exit codes: 0 done, 1 unexpected error, 2 usage, 3 the NAB directory
is missing or incomplete.`;

const pct = (v: number | null) => (v === null ? '-' : v.toFixed(3));

runCli(
  {
    program: 'hvac-anomaly',
    version: '0.1.0',
    usage: USAGE,
    positionals: true,
    options: { nab: { type: 'string' as const }, 'per-series': { type: 'boolean' as const } },
  },
  async ({ values, positionals }) => {
    if (positionals.length !== 1 || positionals[0] !== 'evaluate') {
      throw new ExitError(
        2,
        `hvac-anomaly: expected "evaluate"${positionals.length ? `, got "${positionals.join(' ')}"` : ''}; see --help`,
      );
    }
    const summary: Record<string, unknown> = {};
    const nabDir = values.nab as string | undefined;
    if (nabDir !== undefined) {
      if (!existsSync(join(nabDir, 'labels', 'combined_windows.json')) || !existsSync(join(nabDir, 'data'))) {
        throw new ExitError(3, `hvac-anomaly: ${nabDir} has no NAB corpus (data/ and labels/combined_windows.json)`);
      }
      const t0 = performance.now();
      const corpus = readNabCorpus(nabDir);
      const nab = evaluateNab(corpus);
      const neighbours = nabNeighbours(corpus);
      const ms = performance.now() - t0;
      console.log(
        `NAB corpus: ${corpus.length} series, ${corpus.reduce((a, s) => a + s.windows.length, 0)} windows (${(ms / 1000).toFixed(1)} s)`,
      );
      console.log(
        `  standard ${nab.nabStandard}  low FP ${nab.nabLowFp}  low FN ${nab.nabLowFn}  (threshold ${nab.thresholds.standard})`,
      );
      const detected = nab.perSeries.reduce((a, s) => a + s.detected, 0);
      const fp = nab.perSeries.reduce((a, s) => a + s.falsePositives, 0);
      console.log(
        `  windows detected ${detected} of ${detected + nab.perSeries.reduce((a, s) => a + s.missed, 0)}, false positives ${fp}`,
      );
      console.log(`  neighbouring settings: ${neighbours.map((n) => `${n.name}: ${n.nabStandard}`).join('; ')}`);
      if (values['per-series']) {
        for (const s of nab.perSeries) {
          console.log(
            `  ${s.name.padEnd(62)} windows ${s.windows} detected ${s.detected} fp ${s.falsePositives} raw ${s.raw}  ${s.detections.join(' ')}`,
          );
        }
      }
      Object.assign(summary, {
        nabStandard: nab.nabStandard,
        nabLowFp: nab.nabLowFp,
        nabLowFn: nab.nabLowFn,
        nabThresholds: nab.thresholds,
        nabNeighbourWorst: Math.min(...neighbours.map((n) => n.nabStandard)),
        nabPerSeries: nab.perSeries.map(({ detections: _, ...rest }) => rest),
      });
    }
    const metric = evaluateMetricSeries();
    const rooms = evaluateRooms();
    const kinds = { ...metric, ...rooms.kinds };
    console.log(
      'kind               events precision recall median-delay(min) max-delay(min) within-15-min false/device-week',
    );
    for (const [kind, k] of Object.entries(kinds)) {
      console.log(
        `${kind.padEnd(18)} ${String(k.events).padStart(6)} ${pct(k.precision).padStart(9)} ${pct(k.recall).padStart(6)} ${String(k.medianDelayMinutes ?? '-').padStart(18)} ${String(k.maxDelayMinutes ?? '-').padStart(14)} ${`${k.detectedWithin15MinPct ?? '-'}%`.padStart(13)} ${pct(k.falseAlarmsPerDeviceWeek).padStart(17)}`,
      );
    }
    const fc = evaluateForecasts();
    console.log(
      `forecasts: ${fc.rows.length} series (linear, seasonal), worst |error| of daysUntilThreshold ${(fc.worstRelativeError * 100).toFixed(1)} %`,
    );
    const all = Object.values(kinds);
    const delays = all.flatMap((k) => (k.medianDelayMinutes === null ? [] : [k.medianDelayMinutes]));
    // precision and recall: the worst kind's (each kind's are in `kinds`).
    Object.assign(summary, {
      precision: Math.min(...all.map((k) => k.precision ?? 0)),
      recall: Math.min(...all.map((k) => k.recall ?? 0)),
      medianDelayMinutes: delays.sort((a, b) => a - b)[Math.floor((delays.length - 1) / 2)] ?? null,
      roomFalseAlarmsPerDeviceWeek: rooms.falseAlarmsPerDeviceWeek,
      kinds,
      forecastWorstRelativeError: fc.worstRelativeError,
      forecasts: fc.rows,
    });
    console.log(JSON.stringify(summary));
    return 0;
  },
);
