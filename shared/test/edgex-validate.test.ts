import { makeAddEventRequest } from '@hvac-edge/test/support';
import { describe, expect, it } from 'vitest';
import { type AddEventRequest, parsesAsValue, validateAddEventRequest, validateEvent } from '../src/index.js';

type Mutate = (r: AddEventRequest & Record<string, any>) => void;

const reading0 = (r: any) => r.event.readings[0];

// One row per EdgeX rule: the mutation breaks exactly that rule; the error must name the field.
const invalid: Array<[string, Mutate, RegExp]> = [
  ['apiVersion required', (r) => delete (r as any).apiVersion, /apiVersion is required/],
  ['requestId must be a UUID', (r) => (r.requestId = 'abc'), /requestId/],
  ['event required', (r) => delete (r as any).event, /event is required/],
  ['event id required', (r) => delete (r.event as any).id, /event\.id is required/],
  ['event id is a UUID', (r) => (r.event.id = 'not-a-uuid'), /event\.id must be a valid uuid/],
  ['deviceName required', (r) => delete (r.event as any).deviceName, /event\.deviceName is required/],
  ['deviceName not empty', (r) => (r.event.deviceName = ''), /event\.deviceName must not be empty/],
  ['deviceName not blank', (r) => (r.event.deviceName = '   '), /event\.deviceName must not be blank/],
  ['profileName required', (r) => delete (r.event as any).profileName, /event\.profileName is required/],
  ['sourceName required', (r) => delete (r.event as any).sourceName, /event\.sourceName is required/],
  ['origin required', (r) => delete (r.event as any).origin, /event\.origin is required/],
  ['origin is an integer', (r) => ((r.event as any).origin = 1.5), /event\.origin must be an integer from 1/],
  ['origin is a number', (r) => ((r.event as any).origin = '123'), /event\.origin must be an integer from 1/],
  ['origin is positive', (r) => ((r.event as any).origin = 0n), /event\.origin must be an integer from 1/],
  ['origin fits int64', (r) => ((r.event as any).origin = 2n ** 63n), /event\.origin must be an integer from 1/],
  [
    'origin is exact (not a double past 2^53)',
    // A double past 2^53, as a lossy decoder would hand it over.
    (r) => ((r.event as any).origin = Number('1796035551629090001')),
    /event\.origin must be an exact int64/,
  ],
  ['readings required', (r) => delete (r.event as any).readings, /event\.readings is required/],
  ['at least one reading', (r) => (r.event.readings = []), /event\.readings must NOT have fewer than 1 items/],
  ['reading origin required', (r) => delete reading0(r).origin, /event\.readings\[0\]\.origin is required/],
  ['reading deviceName required', (r) => delete reading0(r).deviceName, /readings\[0\]\.deviceName is required/],
  ['reading resourceName required', (r) => delete reading0(r).resourceName, /readings\[0\]\.resourceName is required/],
  ['reading profileName required', (r) => delete reading0(r).profileName, /readings\[0\]\.profileName is required/],
  ['reading valueType required', (r) => delete reading0(r).valueType, /readings\[0\]\.valueType is required/],
  ['valueType from the enum', (r) => (reading0(r).valueType = 'Float128'), /readings\[0\]\.valueType must be one of/],
  ['value required for simple types', (r) => delete reading0(r).value, /readings\[0\]\.value is required/],
  [
    'Float64 value parses',
    (r) => (reading0(r).value = 'warm'),
    /readings\[0\]\.value "warm" does not parse as Float64/,
  ],
  [
    'Int8 value in range',
    (r) => Object.assign(reading0(r), { valueType: 'Int8', value: '128' }),
    /does not parse as Int8/,
  ],
  [
    'Uint16 value not negative',
    (r) => Object.assign(reading0(r), { valueType: 'Uint16', value: '-1' }),
    /does not parse as Uint16/,
  ],
  ['Bool value parses', (r) => Object.assign(reading0(r), { valueType: 'Bool', value: 'yes' }), /as Bool/],
  [
    'Float32 value in range',
    (r) => Object.assign(reading0(r), { valueType: 'Float32', value: '1e39' }),
    /does not parse as Float32/,
  ],
  [
    'array values parse',
    (r) => Object.assign(reading0(r), { valueType: 'Int32Array', value: '[1, x]' }),
    /does not parse as Int32Array/,
  ],
  [
    'binaryValue required for Binary',
    (r) => Object.assign(reading0(r), { valueType: 'Binary', value: undefined }),
    /binaryValue is required/,
  ],
  [
    'binaryValue needs mediaType',
    (r) => Object.assign(reading0(r), { valueType: 'Binary', binaryValue: 'AQID' }),
    /mediaType is required with binaryValue/,
  ],
  [
    'binaryValue is base64',
    (r) => Object.assign(reading0(r), { valueType: 'Binary', binaryValue: '***', mediaType: 'image/png' }),
    /binaryValue must be base64/,
  ],
  [
    'objectValue required for Object',
    (r) => Object.assign(reading0(r), { valueType: 'Object', value: undefined }),
    /objectValue is required/,
  ],
  ['reading id is a UUID when present', (r) => (reading0(r).id = 'x'), /readings\[0\]\.id must be a valid uuid/],
];

const valid: Array<[string, Mutate]> = [
  ['the fixture as is', () => {}],
  ['no requestId', (r) => delete r.requestId],
  ['empty requestId', (r) => (r.requestId = '')],
  ['no reading id', (r) => delete reading0(r).id],
  ['Float64 in e-notation', (r) => (reading0(r).value = '2.45e+01')],
  ['Int8 at its limit', (r) => Object.assign(reading0(r), { valueType: 'Int8', value: '-128' })],
  ['Uint64 max', (r) => Object.assign(reading0(r), { valueType: 'Uint64', value: '18446744073709551615' })],
  ['Bool as Go accepts', (r) => Object.assign(reading0(r), { valueType: 'Bool', value: 'TRUE' })],
  ['String anything', (r) => Object.assign(reading0(r), { valueType: 'String', value: '' })],
  ['Float64Array', (r) => Object.assign(reading0(r), { valueType: 'Float64Array', value: '[1.5, 2e3, -4]' })],
  [
    'Binary with media type',
    (r) => Object.assign(reading0(r), { valueType: 'Binary', value: undefined, binaryValue: 'AQID', mediaType: 'x' }),
  ],
  ['Object', (r) => Object.assign(reading0(r), { valueType: 'Object', value: undefined, objectValue: { a: 1 } })],
  ['tags of any JSON', (r) => (r.event.tags = { site: 'gwangju', floor: 3 })],
];

describe('EdgeX v3 AddEventRequest validation', () => {
  it.each(invalid)('rejects: %s', (_name, mutate, message) => {
    const req = structuredClone(makeAddEventRequest()) as any;
    mutate(req);
    const result = validateAddEventRequest(req);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.join('\n')).toMatch(message);
  });

  it.each(valid)('accepts: %s', (_name, mutate) => {
    const req = structuredClone(makeAddEventRequest()) as any;
    mutate(req);
    const result = validateAddEventRequest(req);
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it('lists every problem at once', () => {
    const req = makeAddEventRequest() as any;
    req.event.id = 'x';
    delete req.event.deviceName;
    req.event.readings[1].value = 'y';
    const result = validateAddEventRequest(req);
    expect(result.ok).toBe(false);
    // Shape errors come first; value parsing runs only on a well-formed event.
    if (!result.ok) expect(result.errors.length).toBeGreaterThanOrEqual(2);
  });

  it('validates a bare event under the given root', () => {
    const result = validateEvent({ id: 'x' }, 'event');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toContain('event.deviceName is required');
  });

  it('parses values as Go strconv does', () => {
    expect(parsesAsValue('Float64', '1.')).toBe(true);
    expect(parsesAsValue('Float64', '.5')).toBe(true);
    expect(parsesAsValue('Float64', '')).toBe(false);
    expect(parsesAsValue('Int64', '9223372036854775808')).toBe(false);
    expect(parsesAsValue('BoolArray', '[]')).toBe(true);
    expect(parsesAsValue('StringArray', 'a,b')).toBe(false);
  });
});
