import { HvacError } from '@hvac-edge/shared';
import type { AgentConfig } from './config.js';
import type { HttpTransport } from './transport/http-transport.js';

/**
 * Registers the device service, the DHT22 profile and this device with the gateway's EdgeX core-metadata API.
 * Idempotent: 409 (already registered) counts as success, so it runs at every start.
 */
export async function registerDevice(transport: HttpTransport, c: Readonly<AgentConfig>): Promise<void> {
  const steps: Array<[string, string, Record<string, unknown>]> = [
    [
      'deviceservice',
      'service',
      { name: c.serviceName, baseAddress: `agent://${c.deviceName}`, adminState: 'UNLOCKED' },
    ],
    [
      'deviceprofile',
      'profile',
      {
        name: c.profileName,
        manufacturer: 'Aosong',
        model: 'DHT22/AM2302',
        deviceResources: [
          { name: 'temperature', properties: { valueType: 'Float64', readWrite: 'R', units: '°C' } },
          { name: 'humidity', properties: { valueType: 'Float64', readWrite: 'R', units: '%RH' } },
          { name: 'setpoint', properties: { valueType: 'Float64', readWrite: 'RW', units: '°C' } },
        ],
      },
    ],
    [
      'device',
      'device',
      {
        name: c.deviceName,
        serviceName: c.serviceName,
        profileName: c.profileName,
        adminState: 'UNLOCKED',
        operatingState: 'UP',
        // EdgeX requires at least one protocol: how the agent reaches its sensor and relay.
        protocols: {
          gpio: { sensorPin: String(c.sensor.pin), sensorKind: c.sensor.kind, relayPin: String(c.actuator.pin) },
        },
        ...(c.location ? { labels: [c.location] } : {}),
      },
    ],
  ];
  for (const [path, key, item] of steps) {
    const res = await transport.request('POST', `/api/v3/${path}`, JSON.stringify([{ apiVersion: 'v3', [key]: item }]));
    let body: Array<{ statusCode: number; message?: string }> | null = null;
    try {
      body = res.json() as Array<{ statusCode: number; message?: string }>;
    } catch {
      body = null;
    }
    const status = Array.isArray(body) ? body[0]?.statusCode : res.status;
    if (status !== 201 && status !== 409) {
      const message = Array.isArray(body) ? body[0]?.message : `HTTP ${res.status}`;
      throw new HvacError('REGISTRATION_FAILED', `registering ${key} ${String(item.name)}: ${message}`, {
        retriable: res.status >= 500 || res.status === 429,
      });
    }
  }
}
