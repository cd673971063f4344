import {
  convertV1Event,
  DEFAULT_EVENT_LIMITS,
  parseEdgexJson,
  parsesAsValue,
  SIMPLE_VALUE_TYPES,
  scanOriginTokens,
  validateAddEventRequest,
} from '@hvac-edge/shared';
import { describe, expect, it } from 'vitest';
import { isGoDuration, isRequestUri } from '../gateway/src/metadata/dto-rules.js';
import { parseLineProtocol } from '../gateway/src/monitoring/line-protocol.js';
import { parseMqttMessage } from '../gateway/src/mqtt/mqtt-ingest.js';

/**
 * Every parser that reads untrusted text, fed 1 MB inputs shaped to hurt it (long digit runs with a bad last
 * character, deep nesting, escapes, separators): each returns, or throws its own error, in well under a second.
 * A quadratic regex or parser takes tens of seconds on these (the value regex took 36 s on 250 KB).
 */
const MB = 1 << 20;
const BOUND_MS = 1000;

function timed(run: () => unknown): { ms: number; threw: unknown } {
  const t0 = performance.now();
  let threw: unknown;
  try {
    run();
  } catch (err) {
    threw = err;
  }
  return { ms: performance.now() - t0, threw };
}

const digits = '1'.repeat(MB);
const hostile: Record<string, string> = {
  'digits then a letter': `${digits}x`,
  'digits, a point, digits, an exponent sign': `1.${digits}e+`,
  'signs and zeros': `-${'0'.repeat(MB)}e`,
  'an array of a million commas': `[${','.repeat(MB)}]`,
  'array elements then garbage': `[${'1,'.repeat(MB / 2)}x]`,
  'open brackets': '['.repeat(MB),
  backslashes: '\\'.repeat(MB),
  quotes: '"'.repeat(MB),
};

describe('parsers on 1 MB hostile inputs', () => {
  it.each(Object.entries(hostile))('EdgeX value parsing (every value type): %s', (_name, value) => {
    for (const t of [...SIMPLE_VALUE_TYPES, ...SIMPLE_VALUE_TYPES.map((x) => `${x}Array`)]) {
      const { ms } = timed(() => parsesAsValue(t, value));
      expect(ms, t).toBeLessThan(BOUND_MS);
    }
  });

  it.each(Object.entries(hostile))('EdgeX JSON (origins kept exact) and MQTT payloads: %s', (_name, value) => {
    for (const text of [value, `{"origin":${value}}`, `{"event":{"origin":${digits},"readings":[${value}]}}`]) {
      expect(timed(() => parseEdgexJson(text)).ms).toBeLessThan(BOUND_MS);
      expect(timed(() => scanOriginTokens(text)).ms).toBeLessThan(BOUND_MS);
      const payload = Buffer.from(text);
      expect(
        timed(() => parseMqttMessage('edgex/events/device', 'edgex/events/device/s/p/d/r', payload)).ms,
      ).toBeLessThan(BOUND_MS);
    }
  });

  it('the event validator with its limits raised to let a 1 MB value through to the value parser', () => {
    const limits = { ...DEFAULT_EVENT_LIMITS, maxStringLength: 2 * MB, maxEventBytes: 4 * MB };
    for (const [name, value] of Object.entries(hostile)) {
      for (const valueType of ['Float64', 'Int64', 'Uint64', 'Float32Array', 'Bool']) {
        const request = {
          apiVersion: 'v3',
          event: {
            apiVersion: 'v3',
            id: '6e6a1a1e-1d0a-4a8e-9d6e-1f1b6b1c2d3e',
            deviceName: 'd',
            profileName: 'p',
            sourceName: 's',
            origin: 1_700_000_000_000_000_000,
            readings: [
              {
                id: '7e6a1a1e-1d0a-4a8e-9d6e-1f1b6b1c2d3e',
                origin: 1_700_000_000_000_000_000,
                deviceName: 'd',
                resourceName: 'r',
                profileName: 'p',
                valueType,
                value,
              },
            ],
          },
        };
        const { ms, threw } = timed(() => validateAddEventRequest(request, { limits }));
        expect(threw, `${name} ${valueType}`).toBeUndefined();
        expect(ms, `${name} ${valueType}`).toBeLessThan(BOUND_MS);
      }
    }
  });

  it('EdgeX v1 events', () => {
    for (const value of Object.values(hostile)) {
      const body = { device: 'd', origin: 1_700_000_000_000, readings: [{ name: 'temperature', value }] };
      const { ms } = timed(() =>
        convertV1Event(body, { profileName: 'legacy', nowNs: () => 1_700_000_000_000_000_000n }),
      );
      expect(ms).toBeLessThan(BOUND_MS);
    }
  });

  it('InfluxDB line protocol (the /infra/write body)', () => {
    const bodies = [
      `m,${'a=b,'.repeat(MB / 4)} f=1`,
      `m f=${digits}x`,
      `m f=1 ${digits}`,
      `m f="${'\\'.repeat(MB)}`,
      `m ${'f=1,'.repeat(MB / 4)}g=2`,
      `${'m\\ '.repeat(MB / 3)} f=1`,
      `${'m f=1\n'.repeat(MB / 6)}`,
      `m,t=${'='.repeat(MB)} f=1`,
      ...Object.values(hostile).map((v) => `m f=${v}`),
    ];
    for (const body of bodies) {
      const { ms } = timed(() => parseLineProtocol(body));
      expect(ms, body.slice(0, 30)).toBeLessThan(BOUND_MS);
    }
  });

  it('metadata DTO rules (Go durations, request URIs)', () => {
    for (const value of [...Object.values(hostile), `${'1h'.repeat(MB / 2)}x`, `/${'a/'.repeat(MB / 2)} `]) {
      expect(timed(() => isGoDuration(value)).ms).toBeLessThan(BOUND_MS);
      expect(timed(() => isRequestUri(value)).ms).toBeLessThan(BOUND_MS);
    }
  });
});
