import { randomUUID } from 'node:crypto';
import { type AddEventRequest, type EdgexEvent, msToOrigin, parseEdgexJson, type Reading } from '@hvac-edge/shared';

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

export function makeAddEventRequest(o: EventOptions = {}): AddEventRequest {
  return { apiVersion: 'v3', requestId: randomUUID(), event: makeEvent(o) };
}

/** A response body as the gateway wrote it, EdgeX origins exact (inject's `res.json()` would round them). */
export function edgexJson<T = any>(res: { body: string }): T {
  return parseEdgexJson(res.body) as T;
}
