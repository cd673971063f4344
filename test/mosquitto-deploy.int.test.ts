import { readFileSync } from 'node:fs';
import { stringifyEdgex } from '@hvac-edge/shared';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../gateway/test/helpers.js';
import {
  makeAddEventRequest,
  type ShippedMosquitto,
  startShippedMosquitto,
  type TestCertificates,
  waitFor,
} from './support/index.js';

const topicOf = (device: string) => `edgex/events/device/hvac-edge-agent/dht22/${device}/climate`;
/**
 * The shipped Mosquitto configuration, its users and ACLs as deploy/mosquitto/setup.sh makes them (dynamic-security
 * plugin), on a real Mosquitto with throwaway certificates: only the ports and certificate paths change for the test.
 */
describe('deploy/mosquitto on a real Mosquitto', () => {
  let broker: ShippedMosquitto;
  let certs: TestCertificates;
  let plain: string;
  let tls: string;
  let gw: TestGateway | undefined;

  beforeAll(async () => {
    broker = await startShippedMosquitto(['room-1', 'room-2']);
    ({ certs, plain, tls } = broker);
  });
  afterAll(async () => {
    await gw?.dispose();
    await broker?.stop();
  });

  const connect = (url: string, options: mqtt.IClientOptions = {}) =>
    mqtt.connectAsync(url, {
      reconnectPeriod: 0,
      connectTimeout: 5000,
      ...(url.startsWith('mqtts') ? { ca: readFileSync(certs.ca) } : {}),
      ...options,
    });
  const as = (user: string) => ({ username: user, password: broker.passwords[user] as string });

  it('refuses anonymous clients and wrong passwords on both listeners', async () => {
    for (const url of [plain, tls]) {
      await expect(connect(url)).rejects.toThrow(/Not authorized|Bad username or password/);
      await expect(connect(url, { username: 'room-1', password: 'wrong' })).rejects.toThrow(
        /Not authorized|Bad username or password/,
      );
    }
  });

  it('takes devices over TLS only with a certificate their CA signed', async () => {
    const ok = await connect(tls, as('room-1'));
    await ok.endAsync();
    await expect(connect(tls, { ...as('room-1'), ca: undefined })).rejects.toThrow(/certificate/i);
  });

  it('lets a device publish its own events only; the gateway ingests them through its shared subscription', async () => {
    gw = await startTestGateway({
      'mqtt.enabled': true,
      'mqtt.url': plain,
      'mqtt.connections': 2,
      'mqtt.username': 'hvac-edge-gateway',
      'mqtt.password': broker.passwords['hvac-edge-gateway'],
    });
    await gw.start();
    await waitFor(async () => gw?.mqtt?.connected === true, 'gateway subscribed', 15_000);
    const own = makeAddEventRequest({ deviceName: 'room-1' });
    const forged = makeAddEventRequest({ deviceName: 'room-2' });
    // Mosquitto acknowledges a refused QoS 1 publish, drops it and closes the connection (MQTT 3.1.1 has no way
    // to say no).
    const forger = await connect(tls, as('room-1'));
    const closed = new Promise<void>((resolve) => forger.once('close', () => resolve()));
    await forger.publishAsync(topicOf('room-2'), stringifyEdgex(forged), { qos: 1 });
    await closed;
    await forger.endAsync(true);
    const device = await connect(tls, as('room-1'));
    await device.publishAsync(topicOf('room-1'), stringifyEdgex(own), { qos: 1 });
    await waitFor(async () => (await gw?.store.getById(own.event.id)) !== undefined, 'own event stored', 10_000);
    expect(await gw.store.getById(forged.event.id)).toBeUndefined();
    await device.endAsync();
  });

  it("refuses a device's subscriptions, so no device joins the gateway's shared subscription; nothing is lost", async () => {
    const spy = await connect(tls, as('room-2'));
    const seen: string[] = [];
    spy.on('message', (topic) => seen.push(topic));
    for (const filter of ['edgex/events/device/#', '$share/hvac-edge-gateway/edgex/events/device/#', '#']) {
      await expect(spy.subscribeAsync(filter, { qos: 1 }), filter).rejects.toThrow(/Subscribe error/);
    }
    const device = await connect(tls, as('room-1'));
    const events = Array.from({ length: 20 }, () => makeAddEventRequest({ deviceName: 'room-1' }));
    for (const e of events) await device.publishAsync(topicOf('room-1'), stringifyEdgex(e), { qos: 1 });
    await waitFor(
      async () => (await Promise.all(events.map((e) => gw?.store.getById(e.event.id)))).every(Boolean),
      'every event ingested by the gateway',
      10_000,
    );
    expect(seen).toEqual([]);
    await Promise.all([spy.endAsync(), device.endAsync()]);
  });
});
