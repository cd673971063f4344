import { createLogger } from '@hvac-edge/shared';
import { describe, expect, it } from 'vitest';
import { providedServer } from '../../test/support/real-servers/inject.js';
import { InfluxPointWriter } from '../src/influx/point-writer.js';
import { withNaming } from '../src/influx/report-naming.js';
import { SinkMetrics } from '../src/metrics.js';
import { climatePoint, type PointRecord } from '../src/points.js';
import { reportEvent, reportRecommendation } from './report-fixture.js';

// Runs in the real-kafka project only (vitest.config.ts), against its InfluxDB 1.x: the report's own kind of server.
const url = providedServer('realInfluxUrl') as string;

async function influxql(query: string, db?: string) {
  const params = new URLSearchParams({ q: query, ...(db ? { db } : {}) });
  const res = await fetch(`${url}/query?${params}`, { method: 'POST' });
  return (await res.json()) as { results: Array<{ series?: Array<{ columns: string[]; values: unknown[][] }> }> };
}

describe("the source report's naming preset against InfluxDB 1.x", () => {
  it("lands in a 1.x database as the report's measurement, tag and float fields, through the v2 write API", async () => {
    const database = `Sensordata_${process.pid}_${Date.now().toString(36)}`;
    await influxql(`CREATE DATABASE "${database}"`);
    const writer = withNaming(
      new InfluxPointWriter(
        {
          url,
          token: '',
          org: '-',
          bucket: `${database}/autogen`,
          timeoutMs: 5000,
          retryMinDelayMs: 50,
          retryMaxDelayMs: 200,
        },
        new SinkMetrics({ defaultMetrics: false }),
        createLogger('t', { level: 'silent' }),
      ),
      'report',
    );
    const origin = BigInt(Date.now()) * 1_000_000n;
    await writer.write([climatePoint(reportEvent(origin)) as PointRecord, reportRecommendation(origin)]);
    await writer.close();

    const fields = (await influxql('SHOW FIELD KEYS FROM "dev1"', database)).results[0]?.series?.[0]?.values;
    expect(Object.fromEntries(fields ?? [])).toEqual({
      Aircon_temp: 'float',
      ext_humidity: 'float',
      ext_temperature: 'float',
      humidity: 'float',
      recommend_temperature: 'float',
      temperature: 'float',
      weather_stat: 'float',
    });
    const tags = (await influxql('SHOW TAG KEYS FROM "dev1"', database)).results[0]?.series?.[0]?.values;
    expect(tags).toEqual([['location']]);
    // The report's Chronograf queries: the recommendation and the room temperature, by location.
    const rows = await influxql(
      `SELECT "temperature", "recommend_temperature" FROM "dev1" WHERE "location" = 'Gwangju'`,
      database,
    );
    expect(rows.results[0]?.series?.[0]?.values.map((v) => v.slice(1))).toEqual([[24.5, 24]]);
    await influxql(`DROP DATABASE "${database}"`);
  });
});
