import type { EnrichedEvent } from '@hvac-edge/shared';
import { Point } from '@influxdata/influxdb-client';

/** The series the sink writes; names are part of the product's contract (README). */
export const CLIMATE = 'climate';

function numberOf(event: EnrichedEvent['event'], resource: string): number | undefined {
  const r = event.readings.find((x) => x.resourceName === resource);
  if (!r || r.value === undefined) return undefined;
  const n = Number(r.value);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * An EdgeX origin (Unix ns, carried as a JS number) as an InfluxDB ns timestamp. Near 2^60 a double is exact only to
 * 256 ns, so a millisecond-aligned origin can arrive as ...780999936 ns and land a millisecond early in a ms-precision
 * TSDB. Rounding to whole microseconds recovers the value the device meant; the same origin always gives the same
 * timestamp, which is what keeps replays idempotent.
 */
export function originTimestamp(originNs: number): string {
  return String(BigInt(Math.round(originNs / 1000)) * 1000n);
}

/**
 * One `climate` point per event: tags device, location, gateway; fields temperature and humidity (from the
 * readings), ext_temperature, ext_humidity and weather_stat (from the weather), aircon_setpoint when the device
 * reported one. Timestamp = the event's origin (ns), so a replayed event overwrites itself instead of duplicating.
 * Returns undefined for an event that carries neither temperature nor humidity.
 */
export function climatePoint(m: EnrichedEvent): Point | undefined {
  const e = m.event;
  const temperature = numberOf(e, 'temperature');
  const humidity = numberOf(e, 'humidity');
  if (temperature === undefined && humidity === undefined) return undefined;
  const location = typeof e.tags?.location === 'string' ? e.tags.location : '';
  const p = new Point(CLIMATE).tag('device', e.deviceName).tag('gateway', m.gatewayId);
  if (location) p.tag('location', location);
  if (temperature !== undefined) p.floatField('temperature', temperature);
  if (humidity !== undefined) p.floatField('humidity', humidity);
  if (m.weather) {
    p.floatField('ext_temperature', m.weather.temperatureC);
    p.floatField('ext_humidity', m.weather.humidityPct);
    p.intField('weather_stat', m.weather.weatherStatus);
  }
  const setpoint = numberOf(e, 'setpoint');
  if (setpoint !== undefined) p.floatField('aircon_setpoint', setpoint);
  p.timestamp(originTimestamp(e.origin));
  return p;
}
