import { describe, expect, it } from 'vitest';
import { isWeatherStatusCode, weatherStatusFromOwmId, weatherStatusFromOwmMain } from '../src/index.js';

// Every group name OpenWeatherMap documents for weather[0].main.
const OWM_GROUPS: Array<[string, number]> = [
  ['Thunderstorm', 1],
  ['Drizzle', 2],
  ['Rain', 3],
  ['Snow', 4],
  ['Smoke', 5],
  ['Dust', 5],
  ['Fog', 5],
  ['Sand', 5],
  ['Ash', 5],
  ['Squall', 5],
  ['Tornado', 5],
  ['Clear', 6],
  ['Clouds', 7],
  ['Mist', 8],
  ['Haze', 9],
];

describe('weather-status codes', () => {
  it.each(OWM_GROUPS)('%s -> %i', (main, code) => {
    expect(weatherStatusFromOwmMain(main)).toBe(code);
    expect(weatherStatusFromOwmMain(main.toUpperCase())).toBe(code);
  });

  it('returns undefined for a group OWM does not define', () => {
    expect(weatherStatusFromOwmMain('Meteor')).toBeUndefined();
  });

  it('maps condition ids', () => {
    expect([211, 301, 500, 601, 701, 711, 721, 781, 800, 804].map(weatherStatusFromOwmId)).toEqual([
      1, 2, 3, 4, 8, 5, 9, 5, 6, 7,
    ]);
    expect(weatherStatusFromOwmId(100)).toBeUndefined();
  });

  it('knows the valid range', () => {
    expect(isWeatherStatusCode(1)).toBe(true);
    expect(isWeatherStatusCode(9)).toBe(true);
    expect(isWeatherStatusCode(0)).toBe(false);
    expect(isWeatherStatusCode(5.5)).toBe(false);
  });
});

describe('uuidv7', () => {
  it('is a valid version-7 UUID that sorts by time', async () => {
    const { uuidv7, validateEvent } = await import('../src/index.js');
    const a = uuidv7(1_700_000_000_000);
    const b = uuidv7(1_700_000_000_001);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a < b).toBe(true);
    const r = validateEvent({ id: a }, 'event');
    expect(r.ok ? [] : r.errors.filter((e) => e.startsWith('event.id'))).toEqual([]);
  });
});
