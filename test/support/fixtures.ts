import { randomUUID } from 'node:crypto';
import type { AddEventRequest, EdgexEvent, Reading } from '@hvac-edge/shared';

export interface EventOptions {
  /** Event id; a random UUID by default. */
  id?: string;
  deviceName?: string;
  profileName?: string;
  sourceName?: string;
  originNs?: number;
  temperature?: number;
  humidity?: number;
}

/** A valid DHT22-style EdgeX v3 event, as the device agent sends it. */
export function makeEvent(o: EventOptions = {}): EdgexEvent {
  const deviceName = o.deviceName ?? 'room-1';
  const profileName = o.profileName ?? 'dht22';
  const origin = o.originNs ?? Date.now() * 1_000_000;
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
