import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  convertV1Event,
  parseEdgexJson,
  SIMPLE_VALUE_TYPES,
  stringifyEdgex,
  validateAddEventRequest,
  validateEnrichedEvent,
} from '../src/index.js';

const name = fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim().length > 0);
// Within the default accepted window: 2000-01-01 to now.
const origin = fc.bigInt({ min: 946_684_800_000_000_000n, max: BigInt(Date.now()) * 1_000_000n });

const valueFor: Record<string, fc.Arbitrary<string>> = {
  Bool: fc.constantFrom('true', 'false', '1', '0', 'T', 'F'),
  String: fc.string(),
  Uint8: fc.integer({ min: 0, max: 255 }).map(String),
  Uint16: fc.integer({ min: 0, max: 65535 }).map(String),
  Uint32: fc.integer({ min: 0, max: 4294967295 }).map(String),
  Uint64: fc.bigInt({ min: 0n, max: 18446744073709551615n }).map(String),
  Int8: fc.integer({ min: -128, max: 127 }).map(String),
  Int16: fc.integer({ min: -32768, max: 32767 }).map(String),
  Int32: fc.integer({ min: -2147483648, max: 2147483647 }).map(String),
  Int64: fc.bigInt({ min: -9223372036854775808n, max: 9223372036854775807n }).map(String),
  Float32: fc.float({ noNaN: true, noDefaultInfinity: true }).map((f) => f.toExponential()),
  Float64: fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
};

const reading = fc
  .record({
    valueType: fc.constantFrom(...SIMPLE_VALUE_TYPES),
    origin,
    deviceName: name,
    resourceName: name,
    profileName: name,
    id: fc.option(fc.uuid({ version: 4 }), { nil: undefined }),
    units: fc.option(fc.string(), { nil: undefined }),
  })
  .chain((r) => valueFor[r.valueType]!.map((value) => ({ ...r, value })))
  .map((r) => parseEdgexJson(stringifyEdgex(r), 'reading'));

const request = fc.record({
  apiVersion: fc.constant('v3'),
  event: fc.record({
    apiVersion: fc.constant('v3'),
    id: fc.uuid({ version: 4 }),
    deviceName: name,
    profileName: name,
    sourceName: name,
    origin,
    readings: fc.array(reading, { minLength: 1, maxLength: 5 }),
    tags: fc.option(fc.dictionary(fc.string(), fc.jsonValue()), { nil: undefined }),
  }),
});

describe('EdgeX validation properties', () => {
  it('generated valid requests are accepted', () => {
    fc.assert(
      fc.property(request, (req) => {
        const r = validateAddEventRequest(req);
        expect(r.ok ? [] : r.errors).toEqual([]);
      }),
    );
  });

  it('any accepted event survives a JSON round trip unchanged, origins exact, and stays valid', () => {
    // Inputs as they arrive: parsed from JSON (so no -0, undefined or NaN, which JSON cannot carry).
    const wire = <T>(a: fc.Arbitrary<T>) => a.map((x) => parseEdgexJson(stringifyEdgex(x)));
    fc.assert(
      fc.property(fc.oneof(wire(request), fc.jsonValue()), (input) => {
        const first = validateAddEventRequest(input);
        if (!first.ok) return;
        const copy = parseEdgexJson(stringifyEdgex(first.value));
        expect(copy).toEqual(first.value);
        expect(validateAddEventRequest(copy).ok).toBe(true);
      }),
    );
  });

  it('no input makes a validator throw', () => {
    const mangled = request.chain((req) =>
      fc
        .tuple(fc.constantFrom('event', 'readings', 'value', 'valueType', 'origin', 'id'), fc.anything())
        .map(([key, junk]) => {
          const copy = structuredClone(req) as any;
          if (key === 'event') copy.event = junk;
          else if (key === 'readings') copy.event.readings = junk;
          else if (key === 'origin' || key === 'id') copy.event[key] = junk;
          else copy.event.readings[0][key] = junk;
          return copy;
        }),
    );
    fc.assert(
      fc.property(fc.oneof(fc.anything({ withObjectString: true, withNullPrototype: true }), mangled), (input) => {
        const results = [
          validateAddEventRequest(input),
          validateEnrichedEvent(input),
          convertV1Event(input, { profileName: 'p' }),
        ];
        for (const r of results) {
          expect(typeof r.ok).toBe('boolean');
          if (!r.ok) expect(r.errors.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });
});
