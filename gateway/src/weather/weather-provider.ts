import { HvacError } from '@hvac-edge/shared';

/** One outdoor observation from a provider. */
export interface Observation {
  provider: string;
  /** Unix ms the provider observed the weather. */
  observedAt: number;
  temperatureC: number;
  humidityPct: number;
  /** Source-report weather code 1..9. */
  weatherStatus: number;
  main?: string;
}

/** Port: the current outdoor weather at the configured site. */
export interface WeatherProvider {
  readonly name: string;
  current(signal?: AbortSignal): Promise<Observation>;
}

/** A provider failure with a machine-readable reason (auth, rate_limited, timeout, malformed, http_5xx, network). */
export class WeatherError extends HvacError {
  constructor(
    readonly reason: 'auth' | 'rate_limited' | 'timeout' | 'malformed' | 'http' | 'network',
    message: string,
    options: { retriable: boolean; cause?: unknown } = { retriable: true },
  ) {
    super(`WEATHER_${reason.toUpperCase()}`, message, options);
  }
}

/** GET a JSON document, mapping every failure to a WeatherError with its reason. */
export async function fetchJson(url: string, timeoutMs: number, signal?: AbortSignal): Promise<unknown> {
  let res: Response;
  try {
    const timeout = AbortSignal.timeout(timeoutMs);
    res = await fetch(url, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
  } catch (err) {
    const name = (err as Error).name;
    if (name === 'TimeoutError')
      throw new WeatherError('timeout', `no answer within ${timeoutMs} ms`, { retriable: true });
    throw new WeatherError('network', `request failed: ${(err as Error).message}`, { retriable: true, cause: err });
  }
  const text = await res.text();
  if (res.status === 401 || res.status === 403) {
    // A bad key does not get better by retrying; the next scheduled poll tries again.
    throw new WeatherError('auth', `rejected the API key (HTTP ${res.status})`, { retriable: false });
  }
  if (res.status === 429) throw new WeatherError('rate_limited', 'rate limited (HTTP 429)', { retriable: true });
  if (!res.ok)
    throw new WeatherError('http', `HTTP ${res.status}: ${text.slice(0, 120)}`, { retriable: res.status >= 500 });
  try {
    return JSON.parse(text);
  } catch {
    throw new WeatherError('malformed', `not JSON: ${text.slice(0, 60)}`, { retriable: true });
  }
}

export function requireNumber(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new WeatherError('malformed', `${what} is missing or not a number`, { retriable: true });
  }
  return value;
}
