import { describe, expect, it } from 'vitest';
import { convertV1Event, originToNs, valueTypeFromV1Descriptor } from '../src/index.js';

const NOW_NS = 1_800_000_000_000_000_001n;
const nowNs = () => NOW_NS;

// Exactly the payload of the source report's figure 9 (values as JSON numbers, a constant ms origin).
const reportPayload = {
  origin: 1471806386919,
  device: 'Device1',
  readings: [
    { origin: 1471806386919, name: 'device', value: 'Device1' },
    { origin: 1471806386919, name: 'time', value: '26.11.22-10:00:00' },
    { origin: 1471806386919, name: 'temperature', value: 24.3 },
    { origin: 1471806386919, name: 'humidity', value: 55.1 },
  ],
};

describe('EdgeX v1 -> v3 conversion', () => {
  it("converts the report's client payload", () => {
    const result = convertV1Event(reportPayload, { profileName: 'legacy-v1', nowNs });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const e = result.value;
    expect(e.deviceName).toBe('Device1');
    expect(e.profileName).toBe('legacy-v1');
    expect(e.sourceName).toBe('v1-event');
    expect(e.origin).toBe(1471806386919_000_000n);
    expect(e.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(e.readings.map((r) => [r.resourceName, r.valueType, r.value])).toEqual([
      ['device', 'String', 'Device1'],
      ['time', 'String', '26.11.22-10:00:00'],
      ['temperature', 'Float64', '24.3'],
      ['humidity', 'Float64', '55.1'],
    ]);
    expect(e.readings.every((r) => r.deviceName === 'Device1' && r.profileName === 'legacy-v1')).toBe(true);
  });

  it('uses registered value-descriptor types', () => {
    const result = convertV1Event(
      { device: 'd', readings: [{ name: 'count', value: '7' }] },
      { profileName: 'p', nowNs, valueTypeOf: (n) => (n === 'count' ? 'Int64' : undefined) },
    );
    expect(result.ok && result.value.readings[0]?.valueType).toBe('Int64');
  });

  it('rejects a value that contradicts its descriptor type, naming the field', () => {
    const result = convertV1Event(
      { device: 'd', readings: [{ name: 'temperature', value: 'hot', valueType: 'F' }] },
      { profileName: 'p', nowNs },
    );
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]).toMatch(/event\.readings\[0\]\.value "hot" does not parse as Float64/);
  });

  it('requires device and readings', () => {
    const result = convertV1Event({ readings: [] }, { profileName: 'p', nowNs });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors).toContain('device is required');
      expect(result.errors.join()).toMatch(/readings must NOT have fewer than 1 items/);
    }
  });

  it('takes the receive time for a missing origin', () => {
    const result = convertV1Event({ device: 'd', readings: [{ name: 'x', value: 1 }] }, { profileName: 'p', nowNs });
    expect(result.ok && result.value.origin).toBe(NOW_NS);
  });

  it('maps origin magnitudes to nanoseconds', () => {
    expect(originToNs(1_700_000_000_000, nowNs)).toBe(1_700_000_000_000_000_000n);
    expect(originToNs(1_700_000_000_000_000, nowNs)).toBe(1_700_000_000_000_000_000n);
    expect(originToNs(1_700_000_000_000_000_000, nowNs)).toBe(1_700_000_000_000_000_000n);
    expect(originToNs(0, nowNs)).toBe(NOW_NS);
  });

  it('maps v1 descriptor type letters', () => {
    expect(valueTypeFromV1Descriptor('F')).toBe('Float64');
    expect(valueTypeFromV1Descriptor('I')).toBe('Int64');
    expect(valueTypeFromV1Descriptor('B')).toBe('Bool');
    expect(valueTypeFromV1Descriptor('S')).toBe('String');
    expect(valueTypeFromV1Descriptor('J')).toBe('Object');
    expect(valueTypeFromV1Descriptor('?')).toBeUndefined();
  });
});
