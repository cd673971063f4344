import { describe, expect, it } from 'vitest';
import { csvDataset } from '../src/model/csv-dataset.js';

const HEADER = '_time,device,temperature,humidity,ext_temperature,ext_humidity,weather_stat,aircon_setpoint';
const t0 = Date.UTC(2026, 6, 1);
const iso = (ms: number) => new Date(ms).toISOString();

function rows(minutes: number, temperatureAt: (minute: number) => number, extra = '') {
  return Array.from(
    { length: minutes },
    (_, m) => `${iso(t0 + m * 60_000)},a,${temperatureAt(m)},50,30,70,6,22${extra}`,
  );
}

describe('training data from a CSV of the climate series', () => {
  it('builds six-reading windows per device, labelled in hindsight when no label column exists', () => {
    // Room 2 K over its 22 °C set-point, one hotter reading (25 °C) at minute 40.
    const text = [HEADER, ...rows(120, (m) => (m === 40 ? 25 : 24))].join('\n');
    const d = csvDataset(text, 'test.csv');
    // Windows end at minutes 5..119; a label needs a full hour after it (minutes 5..60).
    expect(d.size).toBe(56);
    expect(Array.from(d.x.slice(0, 6))).toEqual([24, 50, 30, 70, 6, 22]);
    // Up to minute 39 the next hour holds the 25 °C reading: 22 + (26.75 - 25) = 23.75, snapped to 0.25.
    expect(d.y[0]).toBe(23.75);
    // From minute 40 on it does not: 22 + (26.75 - 24) = 24.75.
    expect(d.y[d.size - 1]).toBe(24.75);
    expect(d.t[1] as number).toBeGreaterThan(d.t[0] as number);
  });

  it('uses a recommended_setpoint column when present, samples readings a minute apart, skips incomplete rows', () => {
    const lines = [`${HEADER},recommended_setpoint`];
    for (let s = 0; s < 10 * 60; s += 10) lines.push(`${iso(t0 + s * 1000)},b,24,50,30,70,6,22,25.5`);
    lines.push(`${iso(t0 + 601_000)},b,,50,30,70,6,22,25.5`);
    const d = csvDataset(lines.join('\n'), 'labelled.csv');
    expect(d.size).toBe(10 - 5);
    expect(Array.from(d.y)).toEqual([25.5, 25.5, 25.5, 25.5, 25.5]);
  });

  it('names the missing columns', () => {
    expect(() => csvDataset('_time,temperature\n2026-01-01T00:00:00Z,20', 'bad.csv')).toThrow(
      'bad.csv: missing column(s) humidity, ext_temperature, ext_humidity, weather_stat, aircon_setpoint',
    );
    expect(() => csvDataset('temperature\n20', 'bad.csv')).toThrow('no time or _time column');
  });
});
