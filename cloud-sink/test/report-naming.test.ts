import type { EnrichedEvent } from '@hvac-edge/shared';
import { describe, expect, it } from 'vitest';
import { type PointWriter, toInfluxPoint } from '../src/influx/point-writer.js';
import { withNaming } from '../src/influx/report-naming.js';
import { climatePoint, type PointRecord } from '../src/points.js';

const origin = 1_795_421_981_781_000_001n;
const reading = (resourceName: string, value: string) => ({
  origin,
  deviceName: 'dev1',
  resourceName,
  profileName: 'dht22',
  valueType: 'Float64' as const,
  value,
});
const enriched: EnrichedEvent = {
  schemaVersion: 1,
  gatewayId: 'gw-1',
  receivedAt: 0,
  sequence: 1,
  event: {
    id: '7d1e8b0e-1f5c-4b7e-9d4a-2f1a3c5e6b7d',
    deviceName: 'dev1',
    profileName: 'dht22',
    sourceName: 'climate',
    origin,
    readings: [reading('temperature', '24.5'), reading('humidity', '41'), reading('setpoint', '18')],
    tags: { location: 'Gwangju' },
  },
  weather: {
    provider: 'fixed',
    observedAt: 0,
    ageSeconds: 0,
    stale: false,
    temperatureC: 30.25,
    humidityPct: 70,
    weatherStatus: 6,
  },
};
const recommendation: PointRecord = {
  measurement: 'hvac_recommendation',
  tags: { device: 'dev1', model: 'hvac-setpoint@1', location: 'Gwangju' },
  fields: { recommended_setpoint: 24, current_setpoint: 18 },
  time: origin.toString(),
};

describe("the source report's naming preset (influx.naming: report)", () => {
  it('writes exactly the report’s measurement, tag, field names and types (every field a float)', async () => {
    const written: string[] = [];
    const recorder: PointWriter = {
      write: async (points) => {
        written.push(...points.map((p) => toInfluxPoint(p).toLineProtocol() ?? ''));
      },
      ping: async () => true,
      close: async () => {},
    };
    await withNaming(recorder, 'report').write([climatePoint(enriched) as PointRecord, recommendation]);
    // The report's consumer: 'dev1,location=Gwangju temperature=%s,humidity=%s,Aircon_temp=%s,ext_temperature=%s,
    // ext_humidity=%s,weather_stat=%s' and 'dev1,location=Gwangju recommend_temperature=%s' (no `i`: floats).
    expect(written).toEqual([
      'dev1,location=Gwangju Aircon_temp=18,ext_humidity=70,ext_temperature=30.25,humidity=41,temperature=24.5,weather_stat=6 1795421981781000001',
      'dev1,location=Gwangju recommend_temperature=24 1795421981781000001',
    ]);
  });

  it('leaves the default naming and other measurements as they are', async () => {
    const seen: PointRecord[] = [];
    const recorder: PointWriter = {
      write: async (p) => void seen.push(...p),
      ping: async () => true,
      close: async () => {},
    };
    const other: PointRecord = {
      measurement: 'hvac_anomaly',
      tags: { device: 'dev1' },
      fields: { score: 1 },
      time: '1',
    };
    await withNaming(recorder, 'hvac-edge').write([recommendation]);
    await withNaming(recorder, 'report').write([other]);
    expect(seen).toEqual([recommendation, other]);
  });
});
