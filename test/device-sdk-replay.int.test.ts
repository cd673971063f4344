import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../gateway/test/helpers.js';

/**
 * The requests EdgeX's device-sdk-go v3.1.1 sends to core-metadata, in its order, with bodies as its Go DTOs marshal
 * them (go-mod-core-contracts v3.1: omitempty where the struct tags say so; update DTOs are pointer structs, so
 * every field is sent and absent ones are null). Sources: pkg/service/init.go (BootstrapHandler), internal/cache/
 * init.go (InitCache), pkg/service/service.go (selfRegister), internal/provision/{profiles,devices,
 * provisionwatchers}.go, and the operating-state update of pkg/service/manageddevices.go.
 */
const SERVICE = 'device-virtual';
const PROFILE = 'Random-Float-Device';
const DEVICE = 'Random-Float-Device';

const base = () => ({ apiVersion: 'v3', requestId: randomUUID() });
const addService = () => [
  { ...base(), service: { name: SERVICE, baseAddress: 'http://device-virtual:59900', adminState: 'UNLOCKED' } },
];
// FromDeviceServiceModelToUpdateDTO with Id set to nil (service.go): every pointer field is sent.
const updateService = () => [
  {
    ...base(),
    service: {
      id: null,
      name: SERVICE,
      description: '',
      baseAddress: 'http://device-virtual:59900',
      labels: null,
      adminState: 'UNLOCKED',
    },
  },
];
const addProfile = () => [
  {
    ...base(),
    profile: {
      id: '',
      name: PROFILE,
      manufacturer: 'IOTech',
      description: 'Example of Device-Virtual',
      model: 'Device-Virtual-01',
      labels: ['device-virtual-example'],
      deviceResources: [
        {
          description: 'used to decide whether to re-generate a random value',
          name: 'EnableRandomization_Float64',
          isHidden: true,
          properties: { valueType: 'Bool', readWrite: 'W', defaultValue: 'true' },
          attributes: null,
        },
        {
          description: 'Generate random float64 value',
          name: 'Float64',
          isHidden: false,
          properties: { valueType: 'Float64', readWrite: 'RW', defaultValue: '0' },
          attributes: null,
        },
      ],
      deviceCommands: [
        {
          name: 'WriteFloat64Value',
          isHidden: false,
          readWrite: 'W',
          resourceOperations: [
            { deviceResource: 'Float64', defaultValue: '', mappings: null },
            { deviceResource: 'EnableRandomization_Float64', defaultValue: 'false', mappings: null },
          ],
        },
      ],
    },
  },
];
const addDevice = () => [
  {
    ...base(),
    device: {
      name: DEVICE,
      description: 'Example of Device Virtual',
      adminState: 'UNLOCKED',
      operatingState: 'UP',
      labels: ['device-virtual-example'],
      serviceName: SERVICE,
      profileName: PROFILE,
      autoEvents: [{ interval: '15s', onChange: false, sourceName: 'Float64' }],
      protocols: { other: { Address: 'device-virtual-float-01', Port: '300' } },
    },
  },
];
const addWatcher = () => [
  {
    ...base(),
    provisionWatcher: {
      name: 'Simple-Provision-Watcher',
      serviceName: SERVICE,
      labels: ['simple'],
      identifiers: { Address: 'simple[0-9]+', Port: '3[0-9]{2}' },
      blockingIdentifiers: { Port: ['399', '398'] },
      adminState: 'UNLOCKED',
      discoveredDevice: {
        profileName: PROFILE,
        adminState: 'UNLOCKED',
        autoEvents: [{ interval: '30s', onChange: false, sourceName: 'Float64' }],
      },
    },
  },
];
// UpdateDeviceOperatingState: an UpdateDevice with only Name and OperatingState set.
const operatingState = (state: string) => [
  {
    ...base(),
    device: {
      id: null,
      name: DEVICE,
      description: null,
      adminState: null,
      operatingState: state,
      serviceName: null,
      profileName: null,
      labels: null,
      location: null,
      autoEvents: null,
      protocols: null,
      tags: null,
      properties: null,
    },
  },
];

describe("device-sdk-go v3's core-metadata conversation, replayed against the gateway", () => {
  let gw: TestGateway;
  let url = '';
  beforeAll(async () => {
    gw = await startTestGateway();
    [url = ''] = await gw.start();
  });
  afterAll(async () => gw?.dispose());

  const call = async (method: string, path: string, body?: unknown) => {
    const correlation = randomUUID();
    const res = await fetch(`${url}/api/v3/${path}`, {
      method,
      headers: { 'content-type': 'application/json', 'X-Correlation-ID': correlation },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    expect(res.headers.get('x-correlation-id')).toBe(correlation);
    return { status: res.status, body: (await res.json()) as any };
  };
  /** As the Go client reads a 207: every item must have the status the SDK treats as success. */
  const itemsOk = (r: { status: number; body: Array<{ statusCode: number; message?: string }> }, status: number) => {
    expect(r.status).toBe(207);
    expect(r.body.map((x) => [x.statusCode, x.message])).toEqual(r.body.map(() => [status, undefined]));
  };

  it('first start: cache from metadata, self-registration, profiles, devices, watchers; then operating state', async () => {
    // InitCache
    const devices = await call('GET', `device/service/name/${SERVICE}?offset=0&limit=-1`);
    expect(devices).toMatchObject({ status: 200, body: { statusCode: 200, totalCount: 0, devices: [] } });
    const watchers = await call('GET', `provisionwatcher/service/name/${SERVICE}?offset=0&limit=-1`);
    expect(watchers).toMatchObject({ status: 200, body: { totalCount: 0, provisionWatchers: [] } });
    // selfRegister: not found (KindEntityDoesNotExist = 404), so add
    expect((await call('GET', `deviceservice/name/${SERVICE}`)).status).toBe(404);
    itemsOk(await call('POST', 'deviceservice', addService()), 201);
    // LoadProfiles: checkDeviceProfile, then add what is missing
    expect((await call('GET', `deviceprofile/name/${PROFILE}`)).status).toBe(404);
    itemsOk(await call('POST', 'deviceprofile', addProfile()), 201);
    // LoadDevices, LoadProvisionWatchers
    itemsOk(await call('POST', 'device', addDevice()), 201);
    itemsOk(await call('POST', 'provisionwatcher', addWatcher()), 201);
    // The driver reports the device unreachable, then back
    itemsOk(await call('PATCH', 'device', operatingState('DOWN')), 200);
    expect((await call('GET', `device/name/${DEVICE}`)).body.device).toMatchObject({
      operatingState: 'DOWN',
      adminState: 'UNLOCKED',
      protocols: { other: { Address: 'device-virtual-float-01' } },
    });
    itemsOk(await call('PATCH', 'device', operatingState('UP')), 200);
  });

  it('restart: the cache finds its device, profile and watcher; the service is updated, not added', async () => {
    const devices = await call('GET', `device/service/name/${SERVICE}?offset=0&limit=-1`);
    expect(devices.body).toMatchObject({ totalCount: 1, devices: [{ name: DEVICE, profileName: PROFILE }] });
    const profile = await call('GET', `deviceprofile/name/${PROFILE}`);
    expect(profile.body.profile.deviceResources.map((r: { name: string }) => r.name)).toEqual([
      'EnableRandomization_Float64',
      'Float64',
    ]);
    const watchers = await call('GET', `provisionwatcher/service/name/${SERVICE}?offset=0&limit=-1`);
    expect(watchers.body.provisionWatchers).toHaveLength(1);
    expect((await call('GET', `deviceservice/name/${SERVICE}`)).status).toBe(200);
    itemsOk(await call('PATCH', 'deviceservice', updateService()), 200);
    // A device added again by another instance is a 409 the SDK logs and skips.
    const again = await call('POST', 'device', addDevice());
    expect(again.body[0]).toMatchObject({ statusCode: 409 });
  });
});
