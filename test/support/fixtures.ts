import { randomUUID } from 'node:crypto';
import {
  type AddEventRequest,
  type EdgexEvent,
  type EnrichedEvent,
  msToOrigin,
  parseEdgexJson,
  type Reading,
} from '@hvac-edge/shared';

export interface EventOptions {
  /** Event id; a random UUID by default. */
  id?: string;
  deviceName?: string;
  profileName?: string;
  sourceName?: string;
  /** Exact Unix ns; now by default. */
  originNs?: bigint;
  temperature?: number;
  humidity?: number;
}

/** A valid DHT22-style EdgeX v3 event, as the device agent sends it. */
export function makeEvent(o: EventOptions = {}): EdgexEvent {
  const deviceName = o.deviceName ?? 'room-1';
  const profileName = o.profileName ?? 'dht22';
  const origin = o.originNs ?? msToOrigin(Date.now());
  const reading = (resourceName: string, value: number, units: string): Reading => ({
    id: randomUUID(),
    origin,
    deviceName,
    resourceName,
    profileName,
    valueType: 'Float64',
    value: value.toString(),
    units,
  });
  return {
    apiVersion: 'v3',
    id: o.id ?? randomUUID(),
    deviceName,
    profileName,
    sourceName: o.sourceName ?? 'climate',
    origin,
    readings: [reading('temperature', o.temperature ?? 24.5, '°C'), reading('humidity', o.humidity ?? 41.2, '%RH')],
  };
}

export interface EnrichedOptions {
  deviceName?: string;
  origin: bigint;
  /** Reading values by resource name (temperature, humidity, setpoint …), as the agent's text. */
  readings: Record<string, string>;
  location?: string;
  /** Fixed weather; null for none. */
  weather?: { temperatureC: number; humidityPct: number; weatherStatus: number } | null;
  sequence?: number;
}

/** An enriched event as the gateway forwards it (the sink's input), with exactly the readings given. */
export function makeEnrichedEvent(o: EnrichedOptions): EnrichedEvent {
  const deviceName = o.deviceName ?? 'room-1';
  const weather = o.weather === undefined ? { temperatureC: 30, humidityPct: 70, weatherStatus: 6 } : o.weather;
  return {
    schemaVersion: 1,
    gatewayId: 'gw-1',
    receivedAt: 0,
    sequence: o.sequence ?? 1,
    event: {
      id: randomUUID(),
      deviceName,
      profileName: 'dht22',
      sourceName: 'climate',
      origin: o.origin,
      readings: Object.entries(o.readings).map(([resourceName, value]) => ({
        origin: o.origin,
        deviceName,
        resourceName,
        profileName: 'dht22',
        valueType: 'Float64' as const,
        value,
      })),
      ...(o.location ? { tags: { location: o.location } } : {}),
    },
    weather: weather && { provider: 'fixed', observedAt: 0, ageSeconds: 0, stale: false, ...weather },
  };
}

export function makeAddEventRequest(o: EventOptions = {}): AddEventRequest {
  return { apiVersion: 'v3', requestId: randomUUID(), event: makeEvent(o) };
}

/** A response body as the gateway wrote it, EdgeX origins exact (inject's `res.json()` would round them). */
export function edgexJson<T = any>(res: { body: string }): T {
  return parseEdgexJson(res.body) as T;
}
