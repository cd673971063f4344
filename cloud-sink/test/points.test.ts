import { originMs } from '@hvac-edge/shared';
import { describe, expect, it } from 'vitest';
import { toInfluxPoint } from '../src/influx/point-writer.js';
import { climatePoint } from '../src/points.js';

describe('originMs', () => {
  it('is the millisecond of an exact origin, where dividing a double could land one early', () => {
    const origin = 1_795_421_981_786_000_000n; // as a double: 1795421981785999872
    expect(Math.floor(Number(origin) / 1_000_000)).toBe(1_795_421_981_785);
    expect(originMs(origin)).toBe(1_795_421_981_786);
    expect(originMs(1_700_000_000_123_456_789n)).toBe(1_700_000_000_123);
  });
});

describe('climatePoint', () => {
  it('is the line protocol the sink has always written (integer weather status, sorted tags and fields)', () => {
    const origin = 1_795_421_981_781_000_001n;
    const reading = (resourceName: string, value: string) => ({
      origin,
      deviceName: 'room 1',
      resourceName,
      profileName: 'dht22',
      valueType: 'Float64' as const,
      value,
    });
    const p = climatePoint({
      schemaVersion: 1,
      gatewayId: 'gw-1',
      receivedAt: 0,
      sequence: 1,
      event: {
        id: '7d1e8b0e-1f5c-4b7e-9d4a-2f1a3c5e6b7d',
        deviceName: 'room 1',
        profileName: 'dht22',
        sourceName: 'climate',
        origin,
        readings: [reading('temperature', '24.5'), reading('humidity', '41'), reading('setpoint', '22')],
        tags: { location: 'server,room' },
      },
      weather: {
        provider: 'fixed',
        observedAt: 0,
        ageSeconds: 0,
        stale: false,
        temperatureC: 30,
        humidityPct: 70,
        weatherStatus: 6,
      },
    });
    expect(p && toInfluxPoint(p).toLineProtocol()).toBe(
      'climate,device=room\\ 1,gateway=gw-1,location=server\\,room aircon_setpoint=22,ext_humidity=70,ext_temperature=30,humidity=41,temperature=24.5,weather_stat=6i 1795421981781000001',
    );
  });

  it("carries the commanded set-point while the agent's local guard holds a lower one, and only then", () => {
    const event = (tags: Record<string, unknown>) => ({
      schemaVersion: 1 as const,
      gatewayId: 'gw-1',
      receivedAt: 0,
      sequence: 1,
      event: {
        id: '7d1e8b0e-1f5c-4b7e-9d4a-2f1a3c5e6b7e',
        deviceName: 'pi',
        profileName: 'dht22',
        sourceName: 'climate',
        origin: 1n,
        readings: [
          {
            origin: 1n,
            deviceName: 'pi',
            resourceName: 'temperature',
            profileName: 'dht22',
            valueType: 'Float64' as const,
            value: '26.8',
          },
          {
            origin: 1n,
            deviceName: 'pi',
            resourceName: 'setpoint',
            profileName: 'dht22',
            valueType: 'Float64' as const,
            value: '24.1',
          },
        ],
        tags,
      },
      weather: null,
    });
    expect(climatePoint(event({ guard: 'holding', commandedSetpoint: 27 }))?.fields).toMatchObject({
      aircon_setpoint: 24.1,
      commanded_setpoint: 27,
    });
    expect(climatePoint(event({}))?.fields.commanded_setpoint).toBeUndefined();
    expect(
      climatePoint(event({ guard: 'holding', commandedSetpoint: 'x' }))?.fields.commanded_setpoint,
    ).toBeUndefined();
  });
});
