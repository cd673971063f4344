import { randomUUID } from 'node:crypto';
import { stringifyEdgex } from '@hvac-edge/shared';
import { encode as encodeCbor } from 'cborg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AS_ADMIN, startTestGateway, type TestGateway } from '../gateway/test/helpers.js';
import { EdgexContract, type EdgexService, loadEdgexDoc, makeEvent } from './support/index.js';

/**
 * Drives the gateway through EdgeX v3's core-data and core-metadata routes (successes and errors) and validates every
 * response body against the response schema EdgeX's own OpenAPI document (v3.1.1) gives for that route and status.
 */
interface Call {
  service: EdgexService;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The route as EdgeX's document writes it. */
  route: string;
  url: string;
  status: number;
  body?: unknown;
  cbor?: boolean;
}

const BIG = 1_796_035_551_629_090_001n; // above 2^53: exact or not at all
const service = { name: 'ds-virtual', baseAddress: 'http://device-virtual:59900', adminState: 'UNLOCKED' };
const profile = {
  name: 'Random-Float-Device',
  manufacturer: 'IOTech',
  model: 'Device-Virtual-01',
  deviceResources: [{ name: 'Float64', properties: { valueType: 'Float64', readWrite: 'RW' } }],
  deviceCommands: [{ name: 'Read', readWrite: 'R', resourceOperations: [{ deviceResource: 'Float64' }] }],
};
const device = {
  name: 'Random-Float-Device-1',
  serviceName: 'ds-virtual',
  profileName: 'Random-Float-Device',
  adminState: 'UNLOCKED',
  operatingState: 'UP',
  protocols: { other: { Address: 'simple01', Port: '300' } },
  autoEvents: [{ interval: '15s', onChange: false, sourceName: 'Float64' }],
};
const watcher = {
  name: 'pw-1',
  serviceName: 'ds-virtual',
  identifiers: { Address: '10.0.0.*' },
  adminState: 'UNLOCKED',
  discoveredDevice: { profileName: 'Random-Float-Device', adminState: 'UNLOCKED' },
};
const add = (key: string, item: object) => [{ apiVersion: 'v3', requestId: randomUUID(), [key]: item }];

function calls(): Call[] {
  const e1 = makeEvent({ deviceName: 'Random-Float-Device-1', originNs: BIG });
  const e2 = makeEvent({ deviceName: 'Random-Float-Device-1', originNs: BIG + 1n });
  const binary = makeEvent({ deviceName: 'cam-1', originNs: BIG + 2n });
  binary.readings = [{ ...(binary.readings[0] as (typeof binary.readings)[0]), valueType: 'Binary', value: undefined }];
  const binaryReading = binary.readings[0] as Record<string, unknown>;
  delete binaryReading.value;
  Object.assign(binaryReading, { binaryValue: 'AQID', mediaType: 'image/png', resourceName: 'frame' });
  const object = makeEvent({ deviceName: 'cam-1', originNs: BIG + 3n });
  object.readings = [
    { ...(object.readings[0] as (typeof object.readings)[0]), valueType: 'Object', objectValue: { a: [1, 2] } },
  ];
  delete (object.readings[0] as Record<string, unknown>).value;
  const evPath = (e: ReturnType<typeof makeEvent>) =>
    `/api/v3/event/svc/${e.profileName}/${e.deviceName}/${e.sourceName}`;
  const post = (e: ReturnType<typeof makeEvent>, status: number, cbor = false): Call => ({
    service: 'core-data',
    method: 'POST',
    route: '/event/{serviceName}/{profileName}/{deviceName}/{sourceName}',
    url: evPath(e),
    status,
    body: { apiVersion: 'v3', requestId: randomUUID(), event: e },
    cbor,
  });
  const d = (route: string, url: string, status = 200, method: Call['method'] = 'GET'): Call => ({
    service: 'core-data',
    method,
    route,
    url: `/api/v3${url}`,
    status,
  });
  const m = (route: string, url: string, status = 200, method: Call['method'] = 'GET', body?: unknown): Call => ({
    service: 'core-metadata',
    method,
    route,
    url: `/api/v3${url}`,
    status,
    ...(body === undefined ? {} : { body }),
  });
  const range = `${BIG}/end/${BIG + 1n}`;
  return [
    post(e1, 201),
    post(e2, 201),
    post(binary, 201, true),
    post(object, 201),
    post(e1, 409),
    { ...post({ ...e2, id: randomUUID(), readings: [] }, 400) },
    d('/event/all', '/event/all'),
    d('/event/all', '/event/all?limit=100000', 400),
    d('/event/all', '/event/all?offset=99', 416),
    d('/event/id/{id}', `/event/id/${e1.id}`),
    d('/event/id/{id}', `/event/id/${randomUUID()}`, 404),
    d('/event/count', '/event/count'),
    d('/event/count/device/name/{name}', '/event/count/device/name/cam-1'),
    d('/event/device/name/{name}', '/event/device/name/cam-1'),
    d('/event/start/{start}/end/{end}', `/event/start/${range}`),
    d('/event/start/{start}/end/{end}', `/event/start/${BIG + 1n}/end/${BIG}`, 400),
    d('/reading/all', '/reading/all'),
    d('/reading/all', '/reading/all?offset=99', 416),
    d('/reading/count', '/reading/count'),
    d('/reading/count/device/name/{name}', '/reading/count/device/name/cam-1'),
    d('/reading/device/name/{name}', '/reading/device/name/cam-1'),
    d('/reading/resourceName/{resourceName}', '/reading/resourceName/frame'),
    d(
      '/reading/device/name/{deviceName}/resourceName/{resourceName}',
      '/reading/device/name/Random-Float-Device-1/resourceName/temperature',
    ),
    d('/reading/start/{start}/end/{end}', `/reading/start/${range}`),
    d('/reading/start/{start}/end/{end}', `/reading/start/${BIG + 1n}/end/${BIG}`, 400),
    d('/reading/resourceName/{resourceName}/start/{start}/end/{end}', `/reading/resourceName/humidity/start/${range}`),
    d(
      '/reading/device/name/{deviceName}/resourceName/{resourceName}/start/{start}/end/{end}',
      `/reading/device/name/Random-Float-Device-1/resourceName/humidity/start/${range}`,
    ),
    d(
      '/reading/device/name/{deviceName}/start/{start}/end/{end}',
      `/reading/device/name/cam-1/start/${BIG}/end/${BIG + 9n}`,
    ),
    d('/event/id/{id}', `/event/id/${e2.id}?includePending=true`, 200, 'DELETE'),
    d('/event/id/{id}', `/event/id/${e2.id}`, 404, 'DELETE'),
    d('/event/device/name/{name}', '/event/device/name/cam-1?includePending=true', 202, 'DELETE'),
    d('/event/age/{age}', '/event/age/0', 202, 'DELETE'),
    d('/config', '/config'),
    d('/ping', '/ping'),
    d('/version', '/version'),
    m('/deviceservice', '/deviceservice', 207, 'POST', add('service', service)),
    m('/deviceservice', '/deviceservice', 207, 'POST', add('service', { ...service, adminState: 'ON' })),
    m('/deviceprofile', '/deviceprofile', 207, 'POST', add('profile', profile)),
    m('/device', '/device', 207, 'POST', add('device', device)),
    m('/device', '/device', 207, 'POST', add('device', device)),
    m('/provisionwatcher', '/provisionwatcher', 207, 'POST', add('provisionWatcher', watcher)),
    m('/deviceservice', '/deviceservice', 207, 'PATCH', add('service', { name: 'ds-virtual', labels: ['virtual'] })),
    m('/device', '/device', 207, 'PATCH', add('device', { name: device.name, operatingState: 'DOWN' })),
    m(
      '/provisionwatcher',
      '/provisionwatcher',
      207,
      'PATCH',
      add('provisionWatcher', { name: 'pw-1', adminState: 'LOCKED' }),
    ),
    m('/deviceprofile', '/deviceprofile', 207, 'PUT', add('profile', { ...profile, description: 'v2' })),
    m('/deviceservice/all', '/deviceservice/all'),
    m('/deviceprofile/all', '/deviceprofile/all'),
    m('/device/all', '/device/all'),
    m('/provisionwatcher/all', '/provisionwatcher/all'),
    m('/deviceservice/name/{name}', '/deviceservice/name/ds-virtual'),
    m('/deviceservice/name/{name}', '/deviceservice/name/nobody', 404),
    m('/deviceprofile/name/{name}', '/deviceprofile/name/Random-Float-Device'),
    m('/deviceprofile/name/{name}', '/deviceprofile/name/nobody', 404),
    m('/device/name/{name}', `/device/name/${device.name}`),
    m('/device/name/{name}', '/device/name/nobody', 404),
    m('/provisionwatcher/name/{name}', '/provisionwatcher/name/pw-1'),
    m('/device/service/name/{name}', '/device/service/name/ds-virtual?offset=0&limit=-1'),
    m('/device/profile/name/{name}', '/device/profile/name/Random-Float-Device'),
    m('/provisionwatcher/service/name/{name}', '/provisionwatcher/service/name/ds-virtual?offset=0&limit=-1'),
    m('/provisionwatcher/profile/name/{name}', '/provisionwatcher/profile/name/Random-Float-Device'),
    m('/deviceprofile/manufacturer/{manufacturer}', '/deviceprofile/manufacturer/IOTech'),
    m('/deviceprofile/model/{model}', '/deviceprofile/model/Device-Virtual-01'),
    m(
      '/deviceprofile/manufacturer/{manufacturer}/model/{model}',
      '/deviceprofile/manufacturer/IOTech/model/Device-Virtual-01',
    ),
    m(
      '/deviceresource/profile/{profileName}/resource/{resourceName}',
      '/deviceresource/profile/Random-Float-Device/resource/Float64',
    ),
    m(
      '/deviceresource/profile/{profileName}/resource/{resourceName}',
      '/deviceresource/profile/Random-Float-Device/resource/x',
      404,
    ),
    m('/device/check/name/{name}', `/device/check/name/${device.name}`),
    m('/device/check/name/{name}', '/device/check/name/nobody', 404),
    m('/uom', '/uom'),
    m('/deviceservice/name/{name}', '/deviceservice/name/ds-virtual', 409, 'DELETE'),
    m('/deviceprofile/name/{name}', '/deviceprofile/name/Random-Float-Device', 409, 'DELETE'),
    m('/device/name/{name}', `/device/name/${device.name}`, 200, 'DELETE'),
    m('/device/name/{name}', `/device/name/${device.name}`, 404, 'DELETE'),
    m('/provisionwatcher/name/{name}', '/provisionwatcher/name/pw-1', 200, 'DELETE'),
    m('/deviceprofile/name/{name}', '/deviceprofile/name/Random-Float-Device', 200, 'DELETE'),
    m('/deviceservice/name/{name}', '/deviceservice/name/ds-virtual', 200, 'DELETE'),
  ];
}

/** Routes of EdgeX's v3.1.1 documents this gateway does not serve, and why (README: compatibility table). */
const NOT_SERVED: Record<string, string> = {
  'core-data POST /secret': 'secrets come from config or *_FILE, never through an API (no secret store)',
  'core-metadata POST /secret': 'as above',
  'core-metadata POST /deviceprofile/uploadfile': 'YAML file upload: post the profile as JSON instead',
  'core-metadata PUT /deviceprofile/uploadfile': 'as above',
  'core-metadata PATCH /deviceprofile/basicinfo': 'partial profile edits: PUT the whole profile instead',
  'core-metadata POST /deviceprofile/deviceCommand': 'as above',
  'core-metadata PATCH /deviceprofile/deviceCommand': 'as above',
  'core-metadata DELETE /deviceprofile/name/{name}/deviceCommand/{commandName}': 'as above',
  'core-metadata POST /deviceprofile/resource': 'as above',
  'core-metadata PATCH /deviceprofile/resource': 'as above',
  'core-metadata DELETE /deviceprofile/name/{name}/resource/{resourceName}': 'as above',
};

describe('EdgeX v3 conformance against EdgeX OpenAPI documents v3.1.1', () => {
  let gw: TestGateway;
  const contract = new EdgexContract();
  beforeAll(async () => {
    gw = await startTestGateway({ 'rateLimit.perDevicePerMinute': 0 });
  });
  afterAll(async () => gw?.dispose());

  it('every response the routes give, success and error, matches the documented schema for its status', async () => {
    const failures: string[] = [];
    for (const c of calls()) {
      // With the admin token: deletes and /config need it; every other route accepts it too.
      const type = c.body === undefined ? {} : { 'content-type': c.cbor ? 'application/cbor' : 'application/json' };
      const res = await gw.server.inject({
        method: c.method,
        url: c.url,
        headers: { ...AS_ADMIN, ...type },
        ...(c.body === undefined ? {} : { payload: c.cbor ? Buffer.from(encodeCbor(c.body)) : stringifyEdgex(c.body) }),
      });
      const label = `${c.method} ${c.url}`;
      if (res.statusCode !== c.status) {
        failures.push(`${label}: status ${res.statusCode}, expected ${c.status}: ${res.body.slice(0, 300)}`);
        continue;
      }
      expect(res.headers['x-correlation-id'], label).toMatch(/^[0-9a-f-]{36}$/);
      const problems = contract.check(c.service, c.method, c.route, res.statusCode, JSON.parse(res.body));
      if (problems.length) failures.push(`${label}: ${problems.join('; ')}`);
    }
    expect(failures).toEqual([]);
  });

  it('serves every route of both documents except the ones listed as not served', async () => {
    const doc = (await gw.server.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    const served = new Set(
      Object.entries(doc.paths).flatMap(([p, ops]) =>
        Object.keys(ops).map((m) => `${m.toUpperCase()} ${p.replace(/\{[^}]+\}/g, '{}')}`),
      ),
    );
    const missing: string[] = [];
    for (const s of ['core-data', 'core-metadata'] as const) {
      const { paths } = loadEdgexDoc(s);
      for (const [p, ops] of Object.entries(paths)) {
        for (const m of Object.keys(ops).filter((k) => ['get', 'post', 'put', 'patch', 'delete'].includes(k))) {
          const key = `${m.toUpperCase()} /api/v3${p.replace(/\{[^}]+\}/g, '{}')}`;
          if (!served.has(key) && !NOT_SERVED[`${s} ${m.toUpperCase()} ${p}`])
            missing.push(`${s} ${m.toUpperCase()} ${p}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('a validation failure is caught: the contract check can fail', () => {
    const problems = contract.check('core-data', 'GET', '/event/count', 200, {
      apiVersion: 'v3',
      statusCode: 'x',
      count: -1.5,
    });
    expect(problems.length).toBeGreaterThan(0);
  });
});
