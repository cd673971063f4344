import { fetchJson, type Observation, requireNumber, WeatherError, type WeatherProvider } from './weather-provider.js';

/**
 * WMO weather interpretation codes (Open-Meteo `weather_code`) to the report's 1..9. WMO has no separate mist or
 * haze codes; fog (45, 48) is the report's Atmosphere group (5).
 */
export function weatherStatusFromWmo(code: number): number | undefined {
  if (code === 0 || code === 1) return 6;
  if (code === 2 || code === 3) return 7;
  if (code === 45 || code === 48) return 5;
  if (code >= 51 && code <= 57) return 2;
  if ((code >= 61 && code <= 67) || (code >= 80 && code <= 82)) return 3;
  if ((code >= 71 && code <= 77) || code === 85 || code === 86) return 4;
  if (code >= 95 && code <= 99) return 1;
  return undefined;
}

export interface OpenMeteoOptions {
  lat: number;
  lon: number;
  baseUrl?: string;
  timeoutMs?: number;
}

/** Open-Meteo current conditions (no API key). */
export class OpenMeteoProvider implements WeatherProvider {
  readonly name = 'open-meteo';
  constructor(private readonly options: OpenMeteoOptions) {}

  async current(signal?: AbortSignal): Promise<Observation> {
    const base = this.options.baseUrl ?? 'https://api.open-meteo.com';
    const url = `${base}/v1/forecast?latitude=${this.options.lat}&longitude=${this.options.lon}&current=temperature_2m,relative_humidity_2m,weather_code&timeformat=unixtime`;
    const body = (await fetchJson(url, this.options.timeoutMs ?? 10_000, signal)) as {
      current?: { time?: unknown; temperature_2m?: unknown; relative_humidity_2m?: unknown; weather_code?: unknown };
    };
    const c = body?.current;
    const code = requireNumber(c?.weather_code, 'current.weather_code');
    const status = weatherStatusFromWmo(code);
    if (status === undefined) throw new WeatherError('malformed', `unknown WMO weather code ${code}`);
    return {
      provider: this.name,
      observedAt: requireNumber(c?.time, 'current.time') * 1000,
      temperatureC: requireNumber(c?.temperature_2m, 'current.temperature_2m'),
      humidityPct: requireNumber(c?.relative_humidity_2m, 'current.relative_humidity_2m'),
      weatherStatus: status,
      main: `wmo-${code}`,
    };
  }
}
