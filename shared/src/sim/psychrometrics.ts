/** Moist-air relations (Magnus formula, sea-level pressure), enough for a room's moisture balance. */
const PRESSURE_PA = 101_325;

export function saturationPressurePa(tempC: number): number {
  return 610.94 * Math.exp((17.625 * tempC) / (tempC + 243.04));
}

/** Humidity ratio (kg water / kg dry air) of air at `tempC` and relative humidity `rhPct`. */
export function humidityRatio(tempC: number, rhPct: number): number {
  const pv = (Math.min(100, Math.max(0, rhPct)) / 100) * saturationPressurePa(tempC);
  return (0.622 * pv) / (PRESSURE_PA - pv);
}

/** Relative humidity (%) of air at `tempC` holding humidity ratio `w`, capped at 100. */
export function relativeHumidity(tempC: number, w: number): number {
  const pv = (w * PRESSURE_PA) / (0.622 + w);
  return Math.min(100, (100 * pv) / saturationPressurePa(tempC));
}
