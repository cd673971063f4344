/** One reading from the climate sensor. */
export interface ClimateReading {
  temperatureC: number;
  humidityPct: number;
}

/** Port: the climate sensor. `read` rejects when the sensor gives no valid answer. */
export interface Sensor {
  readonly kind: string;
  readonly simulated: boolean;
  read(): Promise<ClimateReading>;
}
