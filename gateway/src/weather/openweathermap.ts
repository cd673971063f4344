import { weatherStatusFromOwmId, weatherStatusFromOwmMain } from '@hvac-edge/shared';
import { fetchJson, type Observation, requireNumber, WeatherError, type WeatherProvider } from './weather-provider.js';

export interface OwmOptions {
  apiKey: string;
  lat: number;
  lon: number;
  baseUrl?: string;
  timeoutMs?: number;
}

/** OpenWeatherMap current weather (data/2.5/weather, metric units). */
export class OpenWeatherMapProvider implements WeatherProvider {
  readonly name = 'openweathermap';
  constructor(private readonly options: OwmOptions) {}

  async current(signal?: AbortSignal): Promise<Observation> {
    const base = this.options.baseUrl ?? 'https://api.openweathermap.org';
    const url = `${base}/data/2.5/weather?lat=${this.options.lat}&lon=${this.options.lon}&units=metric&appid=${encodeURIComponent(this.options.apiKey)}`;
    const body = (await fetchJson(url, this.options.timeoutMs ?? 10_000, signal)) as {
      dt?: unknown;
      main?: { temp?: unknown; humidity?: unknown };
      weather?: Array<{ id?: unknown; main?: unknown }>;
    };
    const w = body?.weather?.[0];
    const main = typeof w?.main === 'string' ? w.main : undefined;
    const byMain = main ? weatherStatusFromOwmMain(main) : undefined;
    const status = byMain ?? (typeof w?.id === 'number' ? weatherStatusFromOwmId(w.id) : undefined);
    if (status === undefined) throw new WeatherError('malformed', 'weather[0] has no known main group or id');
    return {
      provider: this.name,
      observedAt: requireNumber(body?.dt, 'dt') * 1000,
      temperatureC: requireNumber(body?.main?.temp, 'main.temp'),
      humidityPct: requireNumber(body?.main?.humidity, 'main.humidity'),
      weatherStatus: status,
      ...(main ? { main } : {}),
    };
  }
}
