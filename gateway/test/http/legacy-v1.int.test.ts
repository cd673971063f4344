import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers.js';

// The source report's Raspberry Pi client (figures 7-9), replayed byte for byte over real sockets: value
// descriptors and the event go to core-data (48080), addressables and the device service to metadata (48081).
describe('EdgeX v1 client flow of the source report', () => {
  let gw: TestGateway;
  let coreData: string;
  let metadata: string;
  const headers = {
    'Content-Type': 'application/json',
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Allow-Headers': '*',
    'Access-Control-Allow-Methods': 'POST, GET, OPTIONS',
  };

  beforeAll(async () => {
    gw = await startTestGateway({ 'http.legacyPorts': [0, 0] });
    await gw.start();
    const port = (i: number) => {
      const addr = gw.http.legacy[i]?.server.address();
      return typeof addr === 'object' && addr ? addr.port : 0;
    };
    coreData = `http://127.0.0.1:${port(0)}`;
    metadata = `http://127.0.0.1:${port(1)}`;
  });
  afterAll(async () => gw.dispose());

  const postRaw = async (url: string, data: string, h: Record<string, string> = headers) => {
    const res = await fetch(url, { method: 'POST', body: data, headers: h });
    return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
  };

  it('registers value descriptors, addressables and the device service', async () => {
    const templates = [
      '{"name":"device","formatting":"%s"}',
      '{"name":"temperature","min":"-40","max":"140","type":"F","uomLabel":"degree cel", "defaultValue": "0", "formatting": "%s", "labels": ["temp", "hvac"] }',
      '{"name":"humidity","min":"0","max":"100","type":"F","uomLabel":"per","defaultValue":"0","formatting":"%s","labels":["humidity","hvac"]}',
      '{"name":"time","formatting":"%s","labels":["time","YYYYMMDD HHMMSS"]}',
    ];
    for (const t of templates) {
      const res = await postRaw(`${coreData}/api/v1/valuedescriptor`, t);
      expect(res.status).toBe(200);
      expect(res.text).toMatch(/^[0-9a-f-]{36}$/);
    }
    const deviceName = 'Device1';
    const addressable = `{"origin":1471806386919, "name": "${deviceName}", "protocol": "HTTP", "address": "","port":"161","path":"","publisher":"none","user":"none","password":"none","topic":"none"}`;
    expect((await postRaw(`${metadata}/api/v1/addressable`, addressable)).status).toBe(200);
    const serviceAddressable = `{"origin":1471806386919,"name":"${deviceName}-address","protocol":"HTTP","address":"","port":"49989","path":"","publisher":"none","user":"none","password":"none", "topic": "none" }`;
    expect((await postRaw(`${metadata}/api/v1/addressable`, serviceAddressable)).status).toBe(200);
    const service = `{"origin":1471806386919,"name":"edgex-${deviceName}","description":"temperature service for rooms", "lastConnected":0, "lastReported":0, "labels": ["snmp", "rtu", "io"], "adminState":"unlocked","operatingState":"enabled","addressable":{"name":"${deviceName}-address"}}`;
    expect((await postRaw(`${metadata}/api/v1/deviceservice`, service)).status).toBe(200);
    // The client runs this at every start: the second time, EdgeX v1 said 409 and the client carried on.
    expect((await postRaw(`${metadata}/api/v1/deviceservice`, service)).status).toBe(409);
    const descriptors = (await (await fetch(`${coreData}/api/v1/valuedescriptor`)).json()) as any[];
    expect(descriptors.map((d: { name: string }) => d.name)).toEqual(['device', 'temperature', 'humidity', 'time']);
  });

  it('accepts events posted every few seconds and stores them as v3 events', async () => {
    const ids: string[] = [];
    for (const [t, h] of [
      [24.3, 55.1],
      [24.4, 55.0],
      [24.6, 54.8],
    ]) {
      const payload = {
        origin: 1471806386919,
        device: 'Device1',
        readings: [
          { origin: 1471806386919, name: 'device', value: 'Device1' },
          { origin: 1471806386919, name: 'time', value: '26.11.22-11:00:00' },
          { origin: 1471806386919, name: 'temperature', value: t },
          { origin: 1471806386919, name: 'humidity', value: h },
        ],
      };
      const res = await postRaw(`${coreData}/api/v1/event`, JSON.stringify(payload), {
        Accept: 'application/json',
        'Content-Type': 'application/json',
      });
      expect(res.status).toBe(200);
      expect(res.type).toMatch(/text\/plain/);
      ids.push(res.text);
    }
    expect(new Set(ids).size).toBe(3);
    const stored = await gw.store.getById(ids[2] as string);
    expect(stored?.state).toBe('pending');
    expect(stored?.event).toMatchObject({
      deviceName: 'Device1',
      profileName: 'legacy-v1',
      origin: 1471806386919_000_000n,
      tags: { 'edgex-api': 'v1' },
    });
    const temp = stored?.event.readings.find((r) => r.resourceName === 'temperature');
    expect(temp).toMatchObject({ valueType: 'Float64', value: '24.6' });
    // The v3 API on the main port sees the same events.
    const main = gw.server.server.address();
    const port = typeof main === 'object' && main ? main.port : 0;
    const count: any = await (await fetch(`http://127.0.0.1:${port}/api/v3/event/count/device/name/Device1`)).json();
    expect(count.count).toBe(3);
  });

  it('accepts a single v1 reading, and answers bad input with a plain-text 400', async () => {
    const ok = await postRaw(`${coreData}/api/v1/reading`, '{"device":"Device1","name":"temperature","value":25.0}');
    expect(ok.status).toBe(200);
    const bad = await postRaw(
      `${coreData}/api/v1/event`,
      '{"device":"Device1","readings":[{"name":"temperature","value":"hot"}]}',
    );
    expect(bad.status).toBe(400);
    expect(bad.type).toMatch(/text\/plain/);
    expect(bad.text).toMatch(/value "hot" does not parse as Float64/);
  });
});
