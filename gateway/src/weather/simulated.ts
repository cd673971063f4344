import { MINUTES_PER_DAY, observedWeather, type Scenario, wallClockDay } from '@hvac-edge/shared/sim';
import type { Observation, WeatherProvider } from './weather-provider.js';

/**
 * Outdoor weather from the shared simulator (Gwangju-like climate), for offline installs and the demo: with the same
 * seed as the agent's simulated sensor, the gateway reports the weather the simulated room is actually in.
 * Explicit in config (`weather.provider: simulated`) and in every message (`provider: simulated`).
 */
export class SimulatedWeatherProvider implements WeatherProvider {
  readonly name = 'simulated';
  private day = -1;
  private scenario: Scenario | undefined;

  constructor(
    private readonly seed: number,
    private readonly now: () => number = Date.now,
  ) {}

  async current(): Promise<Observation> {
    const at = this.now();
    const minute = Math.floor(at / 60_000);
    const day = Math.floor(minute / MINUTES_PER_DAY);
    if (day !== this.day || !this.scenario) {
      this.scenario = wallClockDay(this.seed, day);
      this.day = day;
    }
    const w = observedWeather(this.scenario, minute % MINUTES_PER_DAY);
    return {
      provider: this.name,
      observedAt: at - (minute % 10) * 60_000 - (at % 60_000),
      temperatureC: w.temperatureC,
      humidityPct: w.humidityPct,
      weatherStatus: w.status,
    };
  }
}
