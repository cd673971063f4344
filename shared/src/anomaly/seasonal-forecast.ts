/**
 * Capacity forecast: a linear trend plus a daily profile, fitted on hourly points by alternating least squares
 * (trend on the de-seasonalised values, then the profile as the mean residual per hour of day, centred; three
 * rounds), projected forward with a 95 % prediction band (the residuals' standard deviation, widened as for a
 * regression line the further the forecast reaches). The daily profile is fitted only from two days of data on;
 * before that the forecast is the trend alone.
 */

export interface TimedValue {
  at: number;
  value: number;
}

export interface ForecastPoint {
  at: number;
  value: number;
  lower: number;
  upper: number;
}

export interface Forecast {
  /** Points the fit used, and the time of the last one (forecasts start one step after it). */
  fittedPoints: number;
  fittedTo: number | null;
  trendPerDay: number | null;
  seasonal: boolean;
  /** Standard deviation of the fit's residuals. */
  residualSd: number | null;
  series: ForecastPoint[];
  /** Days from the last fitted point until the forecast first reaches the threshold; null when it does not. */
  daysUntilThreshold: number | null;
}

export interface ForecastOptions {
  horizonMs: number;
  stepMs?: number;
  threshold?: number;
}

const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Points a fit needs: fewer gives no forecast (an empty series, nulls). */
export const MIN_FORECAST_POINTS = 6;
const Z95 = 1.96;

const hourOfDay = (at: number) => Math.floor((((at % DAY) + DAY) % DAY) / HOUR);

export function forecast(history: readonly TimedValue[], o: ForecastOptions): Forecast {
  const pts = history.filter((p) => Number.isFinite(p.value) && Number.isFinite(p.at));
  const stepMs = o.stepMs ?? HOUR;
  const empty: Forecast = {
    fittedPoints: pts.length,
    fittedTo: pts.at(-1)?.at ?? null,
    trendPerDay: null,
    seasonal: false,
    residualSd: null,
    series: [],
    daysUntilThreshold: null,
  };
  if (pts.length < MIN_FORECAST_POINTS) return empty;
  const last = (pts.at(-1) as TimedValue).at;
  const x = pts.map((p) => (p.at - last) / DAY);
  const seasonal = (last - (pts[0] as TimedValue).at) / DAY >= 2;
  const profile = new Float64Array(24);
  let a = 0;
  let b = 0;
  for (let round = 0; round < (seasonal ? 3 : 1); round++) {
    [a, b] = fitLine(
      x,
      pts.map((p) => p.value - (profile[hourOfDay(p.at)] as number)),
    );
    if (!seasonal) break;
    const sum = new Float64Array(24);
    const count = new Float64Array(24);
    pts.forEach((p, i) => {
      const h = hourOfDay(p.at);
      sum[h] = (sum[h] as number) + p.value - (a + b * (x[i] as number));
      count[h] = (count[h] as number) + 1;
    });
    let mean = 0;
    let filled = 0;
    for (let h = 0; h < 24; h++) {
      profile[h] = (count[h] as number) > 0 ? (sum[h] as number) / (count[h] as number) : 0;
      if ((count[h] as number) > 0) {
        mean += profile[h] as number;
        filled++;
      }
    }
    for (let h = 0; h < 24; h++) if ((count[h] as number) > 0) profile[h] = (profile[h] as number) - mean / filled;
  }
  const fitted = (at: number) => a + b * ((at - last) / DAY) + (seasonal ? (profile[hourOfDay(at)] as number) : 0);
  const n = pts.length;
  const residuals = pts.map((p) => p.value - fitted(p.at));
  const sd = Math.sqrt(residuals.reduce((s, r) => s + r * r, 0) / Math.max(1, n - 2));
  const xMean = x.reduce((s, v) => s + v, 0) / n;
  const sxx = x.reduce((s, v) => s + (v - xMean) ** 2, 0) || 1;
  const series: ForecastPoint[] = [];
  let daysUntilThreshold: number | null = null;
  if (o.threshold !== undefined && fitted(last) >= o.threshold) daysUntilThreshold = 0;
  for (let at = last + stepMs; at <= last + o.horizonMs; at += stepMs) {
    const value = fitted(at);
    const half = Z95 * sd * Math.sqrt(1 + 1 / n + ((at - last) / DAY - xMean) ** 2 / sxx);
    series.push({ at, value, lower: value - half, upper: value + half });
    if (daysUntilThreshold === null && o.threshold !== undefined && value >= o.threshold) {
      daysUntilThreshold = (at - last) / DAY;
    }
  }
  return { ...empty, trendPerDay: b, seasonal, residualSd: sd, series, daysUntilThreshold };
}

/** Ordinary least squares y = a + b·x. */
function fitLine(x: readonly number[], y: readonly number[]): [number, number] {
  const n = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += ((x[i] as number) - mx) * ((y[i] as number) - my);
    sxx += ((x[i] as number) - mx) ** 2;
  }
  const b = sxx > 0 ? sxy / sxx : 0;
  return [my - b * mx, b];
}

/**
 * How long until `current` reaches `limit` at the growth of the recent points (a least-squares slope per second);
 * Infinity when it is not growing, 0 when already there.
 */
export function runwaySeconds(recent: readonly TimedValue[], limit: number): number {
  const last = recent.at(-1);
  if (!last) return Number.POSITIVE_INFINITY;
  if (last.value >= limit) return 0;
  if (recent.length < 2) return Number.POSITIVE_INFINITY;
  const [, perSecond] = fitLine(
    recent.map((p) => (p.at - last.at) / 1000),
    recent.map((p) => p.value),
  );
  return perSecond > 0 ? (limit - last.value) / perSecond : Number.POSITIVE_INFINITY;
}
