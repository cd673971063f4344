import { describe, expect, it } from 'vitest';
import { type PointWriter, toInfluxPoint } from '../src/influx/point-writer.js';
import { withNaming } from '../src/influx/report-naming.js';
import { climatePoint, type PointRecord } from '../src/points.js';
import { reportEvent, reportRecommendation } from './report-fixture.js';

const origin = 1_795_421_981_781_000_001n;
const enriched = reportEvent(origin);
// current_setpoint is ours alone: the report wrote only the recommendation.
const recommendation: PointRecord = {
  ...reportRecommendation(origin),
  fields: { recommended_setpoint: 24, current_setpoint: 18 },
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
