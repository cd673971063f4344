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
  // Origins are Unix ns; as JS numbers they are exact to ~256 ns, the same for every delivery of one event.
  p.timestamp(String(BigInt(Math.round(e.origin))));
  return p;
}
