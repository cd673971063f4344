/**
 * Weather-status codes of the source report (1..9), from OpenWeatherMap's `weather[0].main` group names.
 * Groups the report did not list fall into 5 ("Atmosphere") instead of breaking writes as the report's client did.
 */
export const WeatherStatus = {
  Thunderstorm: 1,
  Drizzle: 2,
  Rain: 3,
  Snow: 4,
  Atmosphere: 5,
  Clear: 6,
  Clouds: 7,
  Mist: 8,
  Haze: 9,
} as const;

export type WeatherStatusCode = (typeof WeatherStatus)[keyof typeof WeatherStatus];

/** OWM's "Atmosphere" group (ids 7xx) other than Mist and Haze, which the report kept apart. */
export const ATMOSPHERE_GROUP = ['Smoke', 'Dust', 'Fog', 'Sand', 'Ash', 'Squall', 'Tornado'] as const;

const BY_MAIN: ReadonlyMap<string, WeatherStatusCode> = new Map<string, WeatherStatusCode>([
  ['thunderstorm', 1],
  ['drizzle', 2],
  ['rain', 3],
  ['snow', 4],
  ...ATMOSPHERE_GROUP.map((g) => [g.toLowerCase(), 5] as [string, WeatherStatusCode]),
  ['atmosphere', 5],
  ['clear', 6],
  ['clouds', 7],
  ['mist', 8],
  ['haze', 9],
]);

/** Maps OWM `weather[0].main` to 1..9; undefined for a group name OWM does not define. */
export function weatherStatusFromOwmMain(main: string): WeatherStatusCode | undefined {
  return BY_MAIN.get(main.trim().toLowerCase());
}

/** Maps an OWM condition id (2xx..8xx) to 1..9, for payloads where `main` is missing. */
export function weatherStatusFromOwmId(id: number): WeatherStatusCode | undefined {
  if (!Number.isInteger(id)) return undefined;
  if (id >= 200 && id < 300) return 1;
  if (id >= 300 && id < 400) return 2;
  if (id >= 500 && id < 600) return 3;
  if (id >= 600 && id < 700) return 4;
  if (id === 701) return 8;
  if (id === 721) return 9;
  if (id >= 700 && id < 800) return 5;
  if (id === 800) return 6;
  if (id > 800 && id < 900) return 7;
  return undefined;
}

export function isWeatherStatusCode(n: unknown): n is WeatherStatusCode {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 9;
}
