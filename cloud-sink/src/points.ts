import type { EnrichedEvent } from '@hvac-edge/shared';

/** The series the sink writes; names are part of the product's contract (README). */
export const CLIMATE = 'climate';

/**
 * One point as the sink writes it, whichever store takes it (InfluxDB, the embedded point store): its identity is
 * the series (measurement + tags) and the timestamp, so writing the same record again overwrites it.
 */
export interface PointRecord {
  measurement: string;
  tags: Record<string, string>;
  /** Numeric fields; those named in `integers` are integers (InfluxDB `i` fields), the rest floats. */
  fields: Record<string, number>;
  integers?: readonly string[];
  /** Unix ns, decimal. */
  time: string;
}

export function readingNumber(event: EnrichedEvent['event'], resource: string): number | undefined {
  const r = event.readings.find((x) => x.resourceName === resource);
  if (!r || r.value === undefined) return undefined;
  const n = Number(r.value);
  return Number.isFinite(n) ? n : undefined;
}

/** The event's `location` tag, when it carries one as a string. */
export function locationOf(event: EnrichedEvent['event']): string | undefined {
  const location = event.tags?.location;
  return typeof location === 'string' && location !== '' ? location : undefined;
}

/**
 * The set-point a command asked for while the device agent's local guard holds a lower one (the event's tags
 * `guard: holding` and `commandedSetpoint`); undefined otherwise.
 */
function guardHeldCommand(event: EnrichedEvent['event']): number | undefined {
  const t = event.tags;
  if (t?.guard !== 'holding') return undefined;
  const v = Number(t.commandedSetpoint);
  return Number.isFinite(v) ? v : undefined;
}

/**
 * One `climate` point per event: tags device, location, gateway; fields temperature and humidity (from the
 * readings), ext_temperature, ext_humidity and weather_stat (from the weather), aircon_setpoint when the device
 * reported one, commanded_setpoint while the agent's local guard holds the set-point below the commanded one. Timestamp = the event's origin (ns), so a replayed event overwrites itself instead of duplicating.
 * Returns undefined for an event that carries neither temperature nor humidity.
 */
export function climatePoint(m: EnrichedEvent): PointRecord | undefined {
  const e = m.event;
  const temperature = readingNumber(e, 'temperature');
  const humidity = readingNumber(e, 'humidity');
  if (temperature === undefined && humidity === undefined) return undefined;
  const location = locationOf(e);
  const fields: Record<string, number> = {};
  if (temperature !== undefined) fields.temperature = temperature;
  if (humidity !== undefined) fields.humidity = humidity;
  if (m.weather) {
    fields.ext_temperature = m.weather.temperatureC;
    fields.ext_humidity = m.weather.humidityPct;
    fields.weather_stat = m.weather.weatherStatus;
  }
  const setpoint = readingNumber(e, 'setpoint');
  if (setpoint !== undefined) fields.aircon_setpoint = setpoint;
  const commanded = guardHeldCommand(e);
  if (commanded !== undefined) fields.commanded_setpoint = commanded;
  return {
    measurement: CLIMATE,
    tags: { device: e.deviceName, gateway: m.gatewayId, ...(location ? { location } : {}) },
    fields,
    ...(m.weather ? { integers: ['weather_stat'] } : {}),
    time: e.origin.toString(),
  };
}
