import { makeEvent } from '@hvac-edge/test/support';
import { describe, expect, it } from 'vitest';
import {
  decodeEnrichedEvent,
  type EnrichedEvent,
  encodeEnrichedEvent,
  encodeEnrichedEventJson,
  parseEdgexJson,
  stringifyEdgex,
  stringifyEvent,
} from '../src/index.js';

const message = (): EnrichedEvent => ({
  schemaVersion: 1,
  gatewayId: 'gw-1',
  receivedAt: 1_760_000_000_000,
  sequence: 1,
  event: makeEvent(),
  weather: {
    provider: 'openweathermap',
    observedAt: 1_759_999_900_000,
    ageSeconds: 100,
    stale: false,
    temperatureC: 31.2,
    humidityPct: 70,
    weatherStatus: 7,
    main: 'Clouds',
  },
});

describe('enriched-event message', () => {
  it('round-trips through bytes', () => {
    const m = message();
    const decoded = decodeEnrichedEvent(encodeEnrichedEvent(m));
    expect(decoded).toEqual({ ok: true, value: m });
  });

  it('encodes around an event that is already JSON to the same message', () => {
    const m = message();
    const { event, ...rest } = m;
    const bytes = encodeEnrichedEventJson(rest, stringifyEvent(event));
    expect(decodeEnrichedEvent(bytes)).toEqual({ ok: true, value: m });
    expect(parseEdgexJson(bytes.toString())).toEqual(parseEdgexJson(encodeEnrichedEvent(m).toString()));
  });

  it('accepts a message without weather', () => {
    expect(decodeEnrichedEvent(encodeEnrichedEvent({ ...message(), weather: null })).ok).toBe(true);
  });

  it.each([
    ['not JSON', Buffer.from('{'), /not JSON/],
    ['null value', null, /no value/],
    ['unknown schema version', Buffer.from(stringifyEdgex({ ...message(), schemaVersion: 2 })), /schemaVersion/],
    [
      'weather code outside 1..9',
      Buffer.from(stringifyEdgex({ ...message(), weather: { ...message().weather, weatherStatus: 10 } })),
      /weather\.weatherStatus must be <= 9/,
    ],
    [
      'invalid inner event',
      Buffer.from(stringifyEdgex({ ...message(), event: { ...makeEvent(), readings: [] } })),
      /event\.readings/,
    ],
  ])('rejects %s with the reason', (_n, bytes, reason) => {
    const r = decodeEnrichedEvent(bytes as Buffer | null);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.join('\n')).toMatch(reason);
  });
});
