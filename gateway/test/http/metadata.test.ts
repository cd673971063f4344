import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers.js';

describe('EdgeX v3 core-metadata (registration)', () => {
  let gw: TestGateway;
  beforeEach(async () => {
    gw = await startTestGateway();
  });
  afterEach(async () => gw.dispose());

  const add = (path: string, key: string, items: object[]) =>
    gw.server.inject({
      method: 'POST',
      url: `/api/v3/${path}`,
      payload: items.map((item) => ({ apiVersion: 'v3', [key]: item })),
    });

  const service = { name: 'hvac-agent', baseAddress: 'http://pi:59999', adminState: 'UNLOCKED' };
  const profile = { name: 'dht22', deviceResources: [{ name: 'temperature' }, { name: 'humidity' }] };
  const device = { name: 'room-1', serviceName: 'hvac-agent', profileName: 'dht22', adminState: 'UNLOCKED' };

  it('registers service, profile and device idempotently (201, then 409 per item)', async () => {
    for (const [path, key, item] of [
      ['deviceservice', 'service', service],
      ['deviceprofile', 'profile', profile],
      ['device', 'device', device],
    ] as const) {
      const first = await add(path, key, [item]);
      expect(first.statusCode).toBe(207);
      expect(first.json()).toEqual([{ apiVersion: 'v3', statusCode: 201, id: expect.any(String) }]);
      const again = await add(path, key, [item]);
      expect(again.json()[0]).toMatchObject({ statusCode: 409, message: `${key} ${item.name} already exists` });
    }
    const got = (await gw.server.inject({ method: 'GET', url: '/api/v3/device/name/room-1' })).json();
    expect(got).toMatchObject({ statusCode: 200, device: { ...device, id: expect.any(String) } });
    const all = (await gw.server.inject({ method: 'GET', url: '/api/v3/deviceprofile/all' })).json();
    expect(all).toMatchObject({ totalCount: 1, profiles: [{ name: 'dht22' }] });
  });

  it('answers per item: 404 for a device whose service or profile is unknown, 400 for an invalid item', async () => {
    const res = await add('device', 'device', [device, { serviceName: 'x' }]);
    expect(res.statusCode).toBe(207);
    const [missing, invalid] = res.json();
    expect(missing.statusCode).toBe(404);
    expect(missing.message).toMatch(/device service hvac-agent not found; device profile dht22 not found/);
    expect(invalid.statusCode).toBe(400);
    expect(invalid.message).toMatch(/device\.name is required/);
  });

  it('rejects a body that is not a non-empty array', async () => {
    const res = await gw.server.inject({ method: 'POST', url: '/api/v3/deviceservice', payload: { service } });
    expect(res.statusCode).toBe(400);
  });

  it('deletes by name, 404 afterwards', async () => {
    await add('deviceservice', 'service', [service]);
    expect(
      (await gw.server.inject({ method: 'DELETE', url: '/api/v3/deviceservice/name/hvac-agent' })).statusCode,
    ).toBe(200);
    expect((await gw.server.inject({ method: 'GET', url: '/api/v3/deviceservice/name/hvac-agent' })).statusCode).toBe(
      404,
    );
    expect(
      (await gw.server.inject({ method: 'DELETE', url: '/api/v3/deviceservice/name/hvac-agent' })).statusCode,
    ).toBe(404);
  });
});
