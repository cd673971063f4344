import { describe, expect, it } from 'vitest';
import { parseEdgexJson, stringifyEdgex } from '../src/edgex/json.js';

// Past 2^53: a double would round these.
const O1 = 1_767_225_600_123_456_789n;
const O2 = 1_767_225_600_123_456_791n;
const request = () => ({
  apiVersion: 'v3',
  requestId: 'r-1',
  event: {
    apiVersion: 'v3',
    id: 'e-1',
    deviceName: 'room-1',
    origin: O1,
    readings: [{ origin: O2, resourceName: 'temperature', valueType: 'Float64', value: '21.5' }],
  },
});

describe('stringifyEdgex', () => {
  it('writes an event request with its origins as exact integers, the wrapper in its own order', () => {
    expect(stringifyEdgex(request())).toBe(
      '{"apiVersion":"v3","requestId":"r-1","event":{"origin":1767225600123456789,"readings":[{"origin":1767225600123456791,' +
        '"resourceName":"temperature","valueType":"Float64","value":"21.5"}],"apiVersion":"v3","id":"e-1","deviceName":"room-1"}}',
    );
    expect(parseEdgexJson(stringifyEdgex(request()))).toEqual(request());
  });

  it('keeps the key order of a wrapper whose event is not last', () => {
    const text = stringifyEdgex({ event: request().event, statusCode: 200 });
    expect(
      text.startsWith('{"event":{"apiVersion":"v3","id":"e-1","deviceName":"room-1","origin":1767225600123456789'),
    ).toBe(true);
    expect(text.endsWith(',"statusCode":200}')).toBe(true);
  });

  it('writes bigints elsewhere too, and values without bigints as JSON.stringify does', () => {
    const odd = request();
    (odd.event as Record<string, unknown>).tags = { count: 12_345_678_901_234_567_890n };
    expect(stringifyEdgex(odd)).toContain('"tags":{"count":12345678901234567890}');
    expect(parseEdgexJson(stringifyEdgex(odd))).toMatchObject({ event: { origin: O1 } });
    const plain = { apiVersion: 'v3', statusCode: 201, id: 'e-1' };
    expect(stringifyEdgex(plain)).toBe(JSON.stringify(plain));
    const noOrigins = { apiVersion: 'v3', event: { id: 'e-1', readings: [] } };
    expect(stringifyEdgex(noOrigins)).toBe(JSON.stringify(noOrigins));
  });
});
