import { createServer, type Server } from 'node:http';
import { metricValue } from '@hvac-edge/test/support';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayMetrics } from '../../src/metrics.js';
import { OpenMeteoProvider, weatherStatusFromWmo } from '../../src/weather/open-meteo.js';
import { OpenWeatherMapProvider } from '../../src/weather/openweathermap.js';
import { WeatherError } from '../../src/weather/weather-provider.js';
import { WeatherService } from '../../src/weather/weather-service.js';

// Recorded payloads (shapes as the providers document them; values from a Gwangju summer afternoon).
const OWM_OK = {
  coord: { lon: 126.8526, lat: 35.1595 },
  weather: [{ id: 803, main: 'Clouds', description: 'broken clouds', icon: '04d' }],
  base: 'stations',
  main: { temp: 31.4, feels_like: 36.2, temp_min: 30.1, temp_max: 32, pressure: 1006, humidity: 68 },
  visibility: 10000,
  wind: { speed: 2.1, deg: 200 },
  clouds: { all: 75 },
  dt: 1_787_040_000,
  sys: { country: 'KR', sunrise: 1_787_000_000, sunset: 1_787_050_000 },
  timezone: 32400,
  id: 1841811,
  name: 'Gwangju',
  cod: 200,
};
const OWM_401 = {
  cod: 401,
  message: 'Invalid API key. Please see https://openweathermap.org/faq#error401 for more info.',
};
const OPEN_METEO_OK = {
  latitude: 35.16,
  longitude: 126.85,
  generationtime_ms: 0.03,
  utc_offset_seconds: 0,
  timezone: 'GMT',
  current_units: {
    time: 'unixtime',
    interval: 'seconds',
    temperature_2m: '°C',
    relative_humidity_2m: '%',
    weather_code: 'wmo code',
  },
  current: { time: 1_787_040_900, interval: 900, temperature_2m: 29.8, relative_humidity_2m: 74, weather_code: 61 },
};

describe('weather providers against a local HTTP server', () => {
  let server: Server;
  let base = '';
  const script: Array<{ status: number; body: string; delayMs?: number }> = [];
  const hits: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(req.url ?? '');
      const next = script.shift() ?? { status: 500, body: 'no script' };
      setTimeout(() => {
        if (!res.destroyed) res.writeHead(next.status, { 'content-type': 'application/json' }).end(next.body);
      }, next.delayMs ?? 0);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const a = server.address();
    base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const owm = () =>
    new OpenWeatherMapProvider({ apiKey: 'k-123', lat: 35.1595, lon: 126.8526, baseUrl: base, timeoutMs: 500 });
  /** A WeatherService on the recorded OWM server; its poll outcomes and retries as /metrics counts them. */
  const service = () => {
    const metrics = new GatewayMetrics({ defaultMetrics: false });
    const svc = new WeatherService(
      owm(),
      { schedule: '*/10 * * * *', maxAgeSeconds: 1800, retries: 3, retryMinDelayMs: 5 },
      metrics,
      pino({ level: 'silent' }),
    );
    const polls = (outcome?: string) =>
      metricValue(metrics.registry, 'hvac_gateway_weather_polls_total', outcome ? { outcome } : {});
    const retries = () => metricValue(metrics.registry, 'hvac_gateway_weather_retries_total');
    return { svc, polls, retries };
  };
  const reply = (status: number, body: unknown) =>
    script.push({ status, body: typeof body === 'string' ? body : JSON.stringify(body) });

  it('OpenWeatherMap: maps temperature, humidity, weather group and time; sends lat/lon/units/key', async () => {
    reply(200, OWM_OK);
    hits.length = 0;
    expect(await owm().current()).toEqual({
      provider: 'openweathermap',
      observedAt: 1_787_040_000_000,
      temperatureC: 31.4,
      humidityPct: 68,
      weatherStatus: 7,
      main: 'Clouds',
    });
    expect(hits[0]).toBe('/data/2.5/weather?lat=35.1595&lon=126.8526&units=metric&appid=k-123');
  });

  it.each([
    [401, OWM_401, 'auth', false],
    [429, { cod: 429, message: 'limit' }, 'rate_limited', true],
    [200, '{"main": {"temp": 3', 'malformed', true],
    [200, { ...OWM_OK, main: { humidity: 50 } }, 'malformed', true],
    [503, 'down', 'http', true],
  ] as const)('OpenWeatherMap HTTP %i -> %s', async (status, body, reason, retriable) => {
    reply(status, body);
    const err = await owm()
      .current()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WeatherError);
    expect((err as WeatherError).reason).toBe(reason);
    expect((err as WeatherError).retriable).toBe(retriable);
  });

  it('OpenWeatherMap: a provider that does not answer in time -> timeout (retriable)', async () => {
    script.push({ status: 200, body: JSON.stringify(OWM_OK), delayMs: 2000 });
    const err = await owm()
      .current()
      .catch((e: unknown) => e);
    expect((err as WeatherError).reason).toBe('timeout');
    expect((err as WeatherError).retriable).toBe(true);
  });

  it('Open-Meteo: maps current conditions and the WMO code', async () => {
    reply(200, OPEN_METEO_OK);
    const p = new OpenMeteoProvider({ lat: 35.1595, lon: 126.8526, baseUrl: base });
    expect(await p.current()).toEqual({
      provider: 'open-meteo',
      observedAt: 1_787_040_900_000,
      temperatureC: 29.8,
      humidityPct: 74,
      weatherStatus: 3,
      main: 'wmo-61',
    });
    expect([0, 2, 45, 53, 81, 73, 95].map(weatherStatusFromWmo)).toEqual([6, 7, 5, 2, 3, 4, 1]);
  });

  it('polls with backoff through 429s, then enriches by nearest observation and marks stale ones', async () => {
    const { svc, polls, retries } = service();
    expect(svc.enrich(Date.now())).toBeNull();
    reply(429, {});
    reply(429, {});
    reply(200, OWM_OK);
    await svc.pollOnce();
    expect(await retries()).toBe(2);
    expect([await polls(), await polls('ok')]).toEqual([1, 1]);
    const t = OWM_OK.dt * 1000;
    svc.add({ provider: 'x', observedAt: t + 3_600_000, temperatureC: 28, humidityPct: 80, weatherStatus: 3 });
    expect(svc.enrich(t + 10 * 60_000)).toMatchObject({
      temperatureC: 31.4,
      ageSeconds: 600,
      stale: false,
      weatherStatus: 7,
    });
    expect(svc.enrich(t + 55 * 60_000)).toMatchObject({ temperatureC: 28, ageSeconds: 300, stale: false });
    expect(svc.enrich(t + 3 * 3_600_000)).toMatchObject({ temperatureC: 28, ageSeconds: 7200, stale: true });
  });

  it('gives up a poll on a bad key without retrying, and counts it', async () => {
    const { svc, polls, retries } = service();
    reply(401, OWM_401);
    await svc.pollOnce();
    expect([await polls(), await polls('auth')]).toEqual([1, 1]);
    expect(await retries()).toBe(0);
    expect(svc.latest).toBeUndefined();
  });
});
