import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isGoDuration, isRequestUri } from '../../src/metadata/dto-rules.js';
import { AS_ADMIN, startTestGateway, type TestGateway } from '../helpers.js';

describe('EdgeX v3 core-metadata', () => {
  let gw: TestGateway;
  beforeEach(async () => {
    gw = await startTestGateway();
  });
  afterEach(async () => gw.dispose());

  const send = (method: 'POST' | 'PATCH' | 'PUT', path: string, key: string, items: object[]) =>
    gw.server.inject({
      method,
      url: `/api/v3/${path}`,
      payload: items.map((item) => ({ apiVersion: 'v3', [key]: item })),
    });
  const add = (path: string, key: string, items: object[]) => send('POST', path, key, items);
  const get = (url: string) => gw.server.inject({ method: 'GET', url: `/api/v3/${url}` });
  const del = (url: string) => gw.server.inject({ method: 'DELETE', url: `/api/v3/${url}`, headers: AS_ADMIN });

  const service = { name: 'hvac-agent', baseAddress: 'http://pi:59999', adminState: 'UNLOCKED' };
  const profile = {
    name: 'dht22',
    deviceResources: [
      { name: 'temperature', properties: { valueType: 'Float64', readWrite: 'R' } },
      { name: 'humidity', properties: { valueType: 'float64', readWrite: 'R' } },
    ],
    deviceCommands: [{ name: 'climate', readWrite: 'R', resourceOperations: [{ deviceResource: 'temperature' }] }],
  };
  const device = {
    name: 'room-1',
    serviceName: 'hvac-agent',
    profileName: 'dht22',
    adminState: 'UNLOCKED',
    operatingState: 'UP',
    protocols: { gpio: { pin: '4' } },
    autoEvents: [{ interval: '10s', sourceName: 'climate' }],
  };
  const watcher = {
    name: 'w1',
    serviceName: 'hvac-agent',
    identifiers: { address: '10.0.0.*' },
    adminState: 'UNLOCKED',
    discoveredDevice: { profileName: 'dht22', adminState: 'UNLOCKED' },
  };
  const registerAll = async () => {
    for (const [path, key, item] of [
      ['deviceservice', 'service', service],
      ['deviceprofile', 'profile', profile],
      ['device', 'device', device],
      ['provisionwatcher', 'provisionWatcher', watcher],
    ] as const) {
      expect((await add(path, key, [item])).json()[0], path).toMatchObject({ statusCode: 201 });
    }
  };

  it('registers service, profile, device and watcher idempotently (201, then 409 per item)', async () => {
    await registerAll();
    const again = await add('device', 'device', [device]);
    expect(again.statusCode).toBe(207);
    expect(again.json()[0]).toMatchObject({ statusCode: 409, message: 'device room-1 already exists' });
    const got = (await get('device/name/room-1')).json();
    expect(got).toMatchObject({ statusCode: 200, device: { ...device, id: expect.any(String) } });
    // EdgeX normalises value types: "float64" is stored as Float64.
    const p = (await get('deviceprofile/name/dht22')).json().profile;
    expect(p.deviceResources[1].properties.valueType).toBe('Float64');
  });

  it('answers the lookups a device service makes at start-up', async () => {
    await registerAll();
    expect((await get('device/service/name/hvac-agent?offset=0&limit=-1')).json()).toMatchObject({
      totalCount: 1,
      devices: [{ name: 'room-1' }],
    });
    expect((await get('device/profile/name/dht22')).json()).toMatchObject({ totalCount: 1 });
    expect((await get('provisionwatcher/service/name/hvac-agent?offset=0&limit=-1')).json()).toMatchObject({
      totalCount: 1,
      provisionWatchers: [{ name: 'w1' }],
    });
    expect((await get('provisionwatcher/profile/name/dht22')).json().totalCount).toBe(1);
    expect((await get('device/service/name/nobody')).json()).toMatchObject({ statusCode: 200, totalCount: 0 });
    expect((await get('deviceresource/profile/dht22/resource/humidity')).json().resource.name).toBe('humidity');
    expect((await get('deviceresource/profile/dht22/resource/nothing')).statusCode).toBe(404);
    expect((await get('device/check/name/room-1')).statusCode).toBe(200);
    expect((await get('device/check/name/room-2')).statusCode).toBe(404);
  });

  it('updates with PATCH (services, devices, watchers) and PUT (profiles), 404 for unknown items', async () => {
    await registerAll();
    const patched = await send('PATCH', 'deviceservice', 'service', [
      { name: 'hvac-agent', baseAddress: 'http://pi:60000' },
      { name: 'ghost', adminState: 'LOCKED' },
    ]);
    expect(patched.statusCode).toBe(207);
    expect(patched.json().map((r: { statusCode: number }) => r.statusCode)).toEqual([200, 404]);
    expect((await get('deviceservice/name/hvac-agent')).json().service).toMatchObject({
      baseAddress: 'http://pi:60000',
      adminState: 'UNLOCKED',
    });
    const id = (await get('device/name/room-1')).json().device.id;
    const state = await send('PATCH', 'device', 'device', [{ id, operatingState: 'DOWN' }]);
    expect(state.json()[0].statusCode).toBe(200);
    expect((await get('device/name/room-1')).json().device.operatingState).toBe('DOWN');
    const moved = await send('PATCH', 'device', 'device', [{ name: 'room-1', profileName: 'nope' }]);
    expect(moved.json()[0]).toMatchObject({ statusCode: 404, message: 'device profile nope not found' });
    const put = await send('PUT', 'deviceprofile', 'profile', [{ ...profile, model: 'AM2302' }]);
    expect(put.json()[0].statusCode).toBe(200);
    expect((await get('deviceprofile/model/AM2302')).json().totalCount).toBe(1);
  });

  it.each([
    [
      'a service without baseAddress',
      'deviceservice',
      'service',
      { name: 's', adminState: 'UNLOCKED' },
      /baseAddress is required/,
    ],
    ['an invalid baseAddress', 'deviceservice', 'service', { ...service, baseAddress: 'not a uri' }, /is not a URI/],
    [
      'adminState ON',
      'deviceservice',
      'service',
      { ...service, adminState: 'ON' },
      /adminState must be one of LOCKED, UNLOCKED/,
    ],
    [
      'operatingState ENABLED',
      'device',
      'device',
      { ...device, operatingState: 'ENABLED' },
      /operatingState must be one of UP, DOWN, UNKNOWN/,
    ],
    ['a device without protocols', 'device', 'device', { ...device, protocols: undefined }, /protocols is required/],
    ['empty protocols', 'device', 'device', { ...device, protocols: {} }, /protocols must NOT have fewer than 1/],
    [
      'autoEvent interval "10 sec"',
      'device',
      'device',
      { ...device, autoEvents: [{ interval: '10 sec', sourceName: 'x' }] },
      /is not a Go duration/,
    ],
    [
      'valueType Float128',
      'deviceprofile',
      'profile',
      { name: 'p', deviceResources: [{ name: 'r', properties: { valueType: 'Float128', readWrite: 'R' } }] },
      /"Float128" is not an EdgeX value type/,
    ],
    [
      'command readWrite X',
      'deviceprofile',
      'profile',
      {
        ...profile,
        name: 'p2',
        deviceCommands: [{ name: 'c', readWrite: 'X', resourceOperations: [{ deviceResource: 'temperature' }] }],
      },
      /readWrite must be one of R, W, RW, WR/,
    ],
    [
      'a command on a missing resource',
      'deviceprofile',
      'profile',
      {
        ...profile,
        name: 'p3',
        deviceCommands: [{ name: 'c', readWrite: 'R', resourceOperations: [{ deviceResource: 'x' }] }],
      },
      /resource x doesn't match any device resource/,
    ],
    [
      'a watcher without identifiers',
      'provisionwatcher',
      'provisionWatcher',
      { ...watcher, identifiers: {} },
      /identifiers must NOT have fewer than 1/,
    ],
  ])('refuses %s with 400 naming the field', async (_name, path, key, item, message) => {
    const res = await add(path, key, [item]);
    expect(res.statusCode).toBe(207);
    expect(res.json()[0]).toMatchObject({ statusCode: 400, message: expect.stringMatching(message) });
  });

  it('answers 404 for a device whose service or profile is unknown, and one bad item does not stop the rest', async () => {
    await add('deviceservice', 'service', [service]);
    const res = await add('device', 'device', [
      { ...device, profileName: 'missing' },
      { serviceName: 'x' },
      { ...device, profileName: 'dht22', name: 'r2' },
    ]);
    const [missing, invalid, third] = res.json();
    expect(missing).toMatchObject({ statusCode: 404, message: 'device profile missing not found' });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.message).toMatch(/\[1\]\.device\.name is required/);
    expect(third).toMatchObject({ statusCode: 404, message: 'device profile dht22 not found' });
  });

  it('refuses to delete a service or profile that devices or watchers still use (409), then deletes', async () => {
    await registerAll();
    const svc = await del('deviceservice/name/hvac-agent');
    expect(svc.statusCode).toBe(409);
    expect(svc.json().message).toMatch(/still in use by 1 device\(s\): room-1, 1 provision watcher\(s\): w1/);
    expect((await del('deviceprofile/name/dht22')).statusCode).toBe(409);
    expect((await del('device/name/room-1')).statusCode).toBe(200);
    expect((await del('provisionwatcher/name/w1')).statusCode).toBe(200);
    expect((await del('deviceprofile/name/dht22')).statusCode).toBe(200);
    expect((await del('deviceservice/name/hvac-agent')).statusCode).toBe(200);
    expect((await get('deviceservice/name/hvac-agent')).statusCode).toBe(404);
    expect((await del('deviceservice/name/hvac-agent')).statusCode).toBe(404);
  });

  it('rejects a body that is not a non-empty array', async () => {
    const res = await gw.server.inject({ method: 'POST', url: '/api/v3/deviceservice', payload: { service } });
    expect(res.statusCode).toBe(400);
  });
});

describe('Go semantics the metadata checks follow', () => {
  it('durations as time.ParseDuration takes them', () => {
    for (const ok of ['10s', '1h30m', '1.5h', '100ms', '-1s', '0', '2us', '.5s'])
      expect(isGoDuration(ok), ok).toBe(true);
    for (const bad of ['10 sec', '', '10', 's', '1d', '1.2.3s', '+']) expect(isGoDuration(bad), bad).toBe(false);
  });

  it('request URIs as url.ParseRequestURI takes them', () => {
    for (const ok of ['http://pi:59999', '/api', 'agent://pi-1', 'tcp://10.0.0.2:502'])
      expect(isRequestUri(ok), ok).toBe(true);
    for (const bad of ['not a uri', '', 'http://a b', 'host']) expect(isRequestUri(bad), bad).toBe(false);
  });
});
