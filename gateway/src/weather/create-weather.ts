import type { Logger } from '@hvac-edge/shared';
import type { GatewayConfig } from '../config.js';
import type { GatewayMetrics } from '../metrics.js';
import { FixedWeatherProvider } from './fixed.js';
import { OpenMeteoProvider } from './open-meteo.js';
import { OpenWeatherMapProvider } from './openweathermap.js';
import { SimulatedWeatherProvider } from './simulated.js';
import type { WeatherProvider } from './weather-provider.js';
import { WeatherService } from './weather-service.js';

function createProvider(w: Readonly<GatewayConfig['weather']>, log: Logger): WeatherProvider | undefined {
  const base = w.baseUrl ? { baseUrl: w.baseUrl } : {};
  switch (w.provider) {
    case 'none':
      return undefined;
    case 'fixed':
      return new FixedWeatherProvider(w.fixed);
    case 'simulated':
      log.warn({ seed: w.simulatedSeed }, 'SIMULATED weather in use (weather.provider: simulated): not observed');
      return new SimulatedWeatherProvider(w.simulatedSeed);
    case 'openweathermap':
      if (!w.apiKey)
        throw new Error('weather.provider openweathermap needs weather.apiKey (or GATEWAY_WEATHER_API_KEY_FILE)');
      return new OpenWeatherMapProvider({ apiKey: w.apiKey, lat: w.lat, lon: w.lon, timeoutMs: w.timeoutMs, ...base });
    case 'open-meteo':
      return new OpenMeteoProvider({ lat: w.lat, lon: w.lon, timeoutMs: w.timeoutMs, ...base });
  }
}

/** The weather feature: the configured provider polled on its schedule; undefined for `weather.provider: none`. */
export function createWeather(
  config: Readonly<GatewayConfig>,
  metrics: GatewayMetrics,
  log: Logger,
): WeatherService | undefined {
  const w = config.weather;
  const provider = createProvider(w, log);
  if (!provider) return undefined;
  return new WeatherService(
    provider,
    {
      schedule: w.schedule,
      maxAgeSeconds: w.maxAgeMinutes * 60,
      retries: w.retries,
      retryMinDelayMs: w.retryMinDelayMs,
    },
    metrics,
    log.child({ module: 'weather' }),
  );
}
