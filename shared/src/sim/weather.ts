import type { WeatherStatusCode } from '../weather-status.js';
import { gaussian, mulberry32, type Random } from './random.js';

export const MINUTES_PER_DAY = 1440;

/** Outdoor conditions, one entry per simulated minute. */
export interface OutdoorSeries {
  temperatureC: Float64Array;
  humidityPct: Float64Array;
  status: Uint8Array; // weather-status codes 1..9
  /** Clear-sky fraction of solar gain reaching the envelope (0..1). */
  solar: Float64Array;
}

/**
 * Climate normals of the site. Defaults approximate Gwangju (temperate monsoon): January mean about 1 °C,
 * August about 27 °C, a ~8 K daily range, a humid rainy season (jangma) from late June through July.
 */
export interface ClimateOptions {
  annualMeanC: number;
  seasonalAmplitudeC: number;
  /** Day of year (0-based) of the coldest day. */
  coldestDay: number;
  diurnalAmplitudeC: number;
  /** Standard deviation of multi-day (synoptic) anomalies. */
  synopticSdC: number;
  /** Correlation time of those anomalies. */
  synopticHours: number;
}

export const GWANGJU: ClimateOptions = {
  annualMeanC: 14,
  seasonalAmplitudeC: 13,
  coldestDay: 15,
  diurnalAmplitudeC: 4,
  synopticSdC: 2.5,
  synopticHours: 48,
};

function rainProbability(dayOfYear: number): number {
  const monsoon = Math.exp(-(((dayOfYear - 195) / 22) ** 2)); // peak mid-July
  return 0.2 + 0.45 * monsoon;
}

function dryStatus(hour: number, rh: number, dayOfYear: number, r: Random): WeatherStatusCode {
  if (hour < 9 && rh > 90) return 8; // morning mist
  const spring = dayOfYear > 60 && dayOfYear < 140;
  const u = r();
  if (spring && u < 0.12) return 9; // yellow-dust haze
  if (u < 0.015) return 5; // fog, smoke, dust
  return u < 0.55 ? 6 : 7;
}

function wetStatus(tempC: number, hour: number, dayOfYear: number, r: Random): WeatherStatusCode {
  if (tempC < 1) return 4;
  const summer = dayOfYear > 150 && dayOfYear < 250;
  const u = r();
  if (summer && hour >= 13 && hour <= 19 && u < 0.15) return 1;
  return u < 0.3 ? 2 : 3;
}

const SOLAR_BY_STATUS: Record<number, number> = {
  1: 0.1,
  2: 0.2,
  3: 0.15,
  4: 0.2,
  5: 0.5,
  6: 1,
  7: 0.5,
  8: 0.6,
  9: 0.7,
};

/**
 * Synthetic outdoor weather: seasonal and daily temperature cycles, AR(1) synoptic anomalies, a daily wet/dry
 * regime whose odds rise in the monsoon, relative humidity moving against the daily temperature cycle, and an
 * hourly weather status consistent with both. Deterministic for a given seed.
 */
export function generateWeather(
  days: number,
  seed: number,
  startDayOfYear = 0,
  climate: ClimateOptions = GWANGJU,
): OutdoorSeries {
  const r = mulberry32(seed);
  const hours = days * 24 + 1;
  const phi = Math.exp(-1 / climate.synopticHours);
  const sigma = climate.synopticSdC * Math.sqrt(1 - phi * phi);
  const anomaly = new Float64Array(hours + 1);
  anomaly[0] = gaussian(r) * climate.synopticSdC;
  for (let h = 1; h <= hours; h++) anomaly[h] = phi * (anomaly[h - 1] ?? 0) + sigma * gaussian(r);

  const n = days * MINUTES_PER_DAY;
  const out: OutdoorSeries = {
    temperatureC: new Float64Array(n),
    humidityPct: new Float64Array(n),
    status: new Uint8Array(n),
    solar: new Float64Array(n),
  };
  let wet = false;
  let status: WeatherStatusCode = 6;
  for (let d = 0; d < days; d++) {
    const doy = (startDayOfYear + d) % 365;
    wet = r() < (wet ? 0.6 : 0.35) * (rainProbability(doy) / 0.3);
    const seasonal =
      climate.annualMeanC - climate.seasonalAmplitudeC * Math.cos((2 * Math.PI * (doy - climate.coldestDay)) / 365);
    const summerness = 0.5 - 0.5 * Math.cos((2 * Math.PI * (doy - climate.coldestDay)) / 365);
    const baseRh = 60 + 18 * summerness;
    for (let m = 0; m < MINUTES_PER_DAY; m++) {
      const i = d * MINUTES_PER_DAY + m;
      const hour = m / 60;
      const h = d * 24 + Math.floor(hour);
      const frac = hour - Math.floor(hour);
      const a = (anomaly[h] ?? 0) * (1 - frac) + (anomaly[h + 1] ?? 0) * frac;
      const daily = Math.sin((2 * Math.PI * (hour - 9)) / 24);
      const amplitude = climate.diurnalAmplitudeC * (wet ? 0.45 : 1);
      const t = seasonal + a + amplitude * daily;
      const rh = Math.min(100, Math.max(15, baseRh - 14 * daily * (wet ? 0.4 : 1) + (wet ? 18 : 0) - 1.5 * a));
      if (m % 60 === 0) status = wet ? wetStatus(t, hour, doy, r) : dryStatus(hour, rh, doy, r);
      const sun = Math.max(0, Math.sin((Math.PI * (hour - 6)) / 12)) * (0.75 + 0.25 * summerness);
      out.temperatureC[i] = t;
      out.humidityPct[i] = rh;
      out.status[i] = status;
      out.solar[i] = sun * (SOLAR_BY_STATUS[status] ?? 0.5);
    }
  }
  return out;
}
