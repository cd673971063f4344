import type { PointRecord } from '../points.js';
import type { PointWriter } from './point-writer.js';

/** How the sink names what it writes to InfluxDB: its own schema, or the source report's (for its dashboards). */
export type PointNaming = 'hvac-edge' | 'report';

/** Our field → the report's field, per measurement. */
const CLIMATE_FIELDS: Record<string, string> = {
  temperature: 'temperature',
  humidity: 'humidity',
  aircon_setpoint: 'Aircon_temp',
  ext_temperature: 'ext_temperature',
  ext_humidity: 'ext_humidity',
  weather_stat: 'weather_stat',
};
const RECOMMENDATION_FIELDS: Record<string, string> = { recommended_setpoint: 'recommend_temperature' };

/**
 * The source report's naming: its consumer wrote line protocol `dev1,location=Gwangju temperature=…,humidity=…,
 * Aircon_temp=…,ext_temperature=…,ext_humidity=…,weather_stat=…` and `dev1,location=Gwangju recommend_temperature=…`
 * to the InfluxDB 1.x database `Sensordata` — one measurement named after the device, one tag, every field a float
 * (no `i` suffix anywhere, so InfluxDB typed them all float; an integer now would be a field type conflict). Points of
 * other measurements pass unchanged.
 */
export function toReportNaming(p: PointRecord): PointRecord {
  const fields =
    p.measurement === 'climate'
      ? CLIMATE_FIELDS
      : p.measurement === 'hvac_recommendation'
        ? RECOMMENDATION_FIELDS
        : undefined;
  const device = p.tags.device;
  if (!fields || !device) return p;
  const renamed: Record<string, number> = {};
  for (const [ours, theirs] of Object.entries(fields)) {
    const v = p.fields[ours];
    if (v !== undefined) renamed[theirs] = v;
  }
  return {
    measurement: device,
    tags: p.tags.location ? { location: p.tags.location } : {},
    fields: renamed,
    time: p.time,
  };
}

/** A PointWriter that renames each point to `naming` before the inner writer sees it. */
export function withNaming(writer: PointWriter, naming: PointNaming): PointWriter {
  if (naming === 'hvac-edge') return writer;
  return {
    write: (points) => writer.write(points.map(toReportNaming)),
    ping: () => writer.ping(),
    close: () => writer.close(),
  };
}
