import { DEFAULT_ORACLE } from '@hvac-edge/shared/sim';
import { parse } from 'csv-parse/sync';
import { WINDOW } from '../inference/setpoint-model.js';
import { type Dataset, DatasetBuilder } from './dataset.js';

/** Columns of the `climate` series (as exported from InfluxDB with the fields pivoted into columns). */
const INPUTS = [
  'temperature',
  'humidity',
  'ext_temperature',
  'ext_humidity',
  'weather_stat',
  'aircon_setpoint',
] as const;
const LABEL = 'recommended_setpoint';
const SPACING_MS = 60_000;
const HORIZON_MS = DEFAULT_ORACLE.horizonMin * 60_000;

interface Row {
  at: number;
  values: number[];
  label: number;
}

function timeOf(rec: Record<string, string>): number {
  const raw = rec.time ?? rec._time ?? '';
  return /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
}

/**
 * The label for recorded data, where no simulator state exists: in hindsight, the set-point that would have kept the
 * hottest reading of the next hour at the oracle's limit, assuming the room's offset from its set-point stays as it
 * was (which is how a proportional-band cooling unit behaves). A `recommended_setpoint` column, when present, wins.
 */
function hindsightLabel(rows: Row[], i: number): number | undefined {
  const now = rows[i] as Row;
  let hottest = Number.NEGATIVE_INFINITY;
  let covered = false;
  for (let k = i + 1; k < rows.length && (rows[k] as Row).at - now.at <= HORIZON_MS; k++) {
    hottest = Math.max(hottest, (rows[k] as Row).values[0] as number);
    covered = (rows[k] as Row).at - now.at >= HORIZON_MS - SPACING_MS;
  }
  if (!covered) return undefined;
  const sp = (now.values[5] as number) + (DEFAULT_ORACLE.upperC - DEFAULT_ORACLE.marginC - hottest);
  const clamped = Math.min(DEFAULT_ORACLE.maxSetpointC, Math.max(DEFAULT_ORACLE.minSetpointC, sp));
  return Math.round(clamped / DEFAULT_ORACLE.resolutionC) * DEFAULT_ORACLE.resolutionC;
}

/**
 * Training windows from a CSV with the `climate` fields as columns (`time` or `_time`, optional `device`, then
 * temperature, humidity, ext_temperature, ext_humidity, weather_stat, aircon_setpoint, optional recommended_setpoint).
 * Per device, readings are taken at least a minute apart, as the sink samples them. Rows missing an input are skipped.
 */
export function csvDataset(text: string, name: string): Dataset {
  const records = parse(text, { columns: true, comment: '#', skip_empty_lines: true, trim: true }) as Record<
    string,
    string
  >[];
  const first = records[0];
  const missing = INPUTS.filter((c) => !first || !(c in first));
  if (!first || !('time' in first || '_time' in first)) throw new Error(`${name}: no time or _time column`);
  if (missing.length > 0) throw new Error(`${name}: missing column(s) ${missing.join(', ')}`);
  const byDevice = new Map<string, Row[]>();
  for (const rec of records) {
    const values = INPUTS.map((c) => (rec[c] ? Number(rec[c]) : Number.NaN));
    const at = timeOf(rec);
    if (!Number.isFinite(at) || values.some((v) => !Number.isFinite(v))) continue;
    const rows = byDevice.get(rec.device ?? '') ?? [];
    rows.push({ at, values, label: rec[LABEL] ? Number(rec[LABEL]) : Number.NaN });
    byDevice.set(rec.device ?? '', rows);
  }
  const builder = new DatasetBuilder();
  const examples: Array<{ at: number; window: number[][]; label: number }> = [];
  for (const all of byDevice.values()) {
    all.sort((a, b) => a.at - b.at);
    const rows: Row[] = [];
    for (const r of all) if (rows.length === 0 || r.at - (rows.at(-1) as Row).at >= SPACING_MS) rows.push(r);
    for (let i = WINDOW - 1; i < rows.length; i++) {
      const own = (rows[i] as Row).label;
      const label = Number.isFinite(own) ? own : hindsightLabel(rows, i);
      if (label === undefined) continue;
      examples.push({ at: (rows[i] as Row).at, window: rows.slice(i - WINDOW + 1, i + 1).map((r) => r.values), label });
    }
  }
  examples.sort((a, b) => a.at - b.at);
  for (const e of examples) builder.add(e.window, e.label, e.at);
  return builder.build(`${name}: ${records.length} rows, ${byDevice.size} device(s)`);
}
