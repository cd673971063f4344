import { observedWeather, WallClockScenarios } from '@hvac-edge/shared/sim';
import type { Observation, WeatherProvider } from './weather-provider.js';

/**
 * Outdoor weather from the shared simulator (Gwangju-like climate), for offline installs and the demo: with the same
 * seed as the agent's simulated sensor, the gateway reports the weather the simulated room is actually in.
 * Explicit in config (`weather.provider: simulated`) and in every message (`provider: simulated`).
 */
export class SimulatedWeatherProvider implements WeatherProvider {
  readonly name = 'simulated';
  private readonly days: WallClockScenarios;

  constructor(
    seed: number,
    private readonly now: () => number = Date.now,
  ) {
    this.days = new WallClockScenarios(seed);
  }

  async current(): Promise<Observation> {
    const at = this.now();
    const minute = Math.floor(at / 60_000);
    const { scenario, index } = this.days.at(minute);
    const w = observedWeather(scenario, index);
    return {
      provider: this.name,
      observedAt: at - (minute % 10) * 60_000 - (at % 60_000),
      temperatureC: w.temperatureC,
      humidityPct: w.humidityPct,
      weatherStatus: w.status,
    };
  }
}
