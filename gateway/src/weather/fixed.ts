import type { Observation, WeatherProvider } from './weather-provider.js';

/** Fixed values for offline installs and tests; observedAt is the time of the poll. */
export class FixedWeatherProvider implements WeatherProvider {
  readonly name = 'fixed';
  constructor(
    private readonly values: { temperatureC: number; humidityPct: number; weatherStatus: number },
    private readonly now: () => number = Date.now,
  ) {}

  async current(): Promise<Observation> {
    return { provider: this.name, observedAt: this.now(), ...this.values };
  }
}
