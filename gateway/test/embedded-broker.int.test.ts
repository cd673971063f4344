import { stringifyEdgex } from '@hvac-edge/shared';
import { makeAddEventRequest, waitFor } from '@hvac-edge/test/support';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './helpers.js';

const topicOf = (device: string) => `edgex/events/device/hvac-edge-agent/dht22/${device}/climate`;

/** The embedded aedes broker with users: who may connect, publish where, and subscribe. */
describe('embedded MQTT broker with users', () => {
  let gw: TestGateway;
  let url: string;
  const password = 'room-1-password-0001';
  beforeAll(async () => {
    gw = await startTestGateway({
      'mqtt.enabled': true,
      'mqtt.embeddedBroker.enabled': true,
      'mqtt.embeddedBroker.port': 0,
      'mqtt.embeddedBroker.users': [{ username: 'room-1', password }],
    });
    await gw.start();
    await waitFor(async () => gw.mqtt?.connected === true, 'MQTT ingest subscribed', 15_000);
    url = gw.mqtt?.brokerUrl as string;
  });
  afterAll(async () => gw?.dispose());

  const connect = (options: mqtt.IClientOptions) =>
    mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 5000, ...options });

  it('refuses clients without a user or with a wrong password', async () => {
    await expect(connect({})).rejects.toThrow(/Bad username or password|Not authorized/i);
    await expect(connect({ username: 'room-1', password: 'wrong-password-000' })).rejects.toThrow(
      /Bad username or password|Not authorized/i,
    );
    await expect(connect({ username: 'hvac-edge-gateway-ingest', password: 'guess' })).rejects.toThrow(
      /Bad username or password|Not authorized/i,
    );
  });

  it('lets a device publish its own events only, and nobody but the gateway subscribe', async () => {
    const client = await connect({ username: 'room-1', password });
    const own = makeAddEventRequest({ deviceName: 'room-1' });
    await client.publishAsync(topicOf('room-1'), stringifyEdgex(own), { qos: 1 });
    await waitFor(async () => (await gw.store.getById(own.event.id)) !== undefined, 'own event stored', 10_000);
    // SUBACK 0x80: refused (the client stays connected).
    await expect(client.subscribeAsync('#', { qos: 1 })).rejects.toThrow(/Subscribe error/);
    expect(client.connected).toBe(true);
    // Publishing as another device: aedes refuses by closing the connection; nothing is stored.
    const forged = makeAddEventRequest({ deviceName: 'room-2' });
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.publish(topicOf('room-2'), stringifyEdgex(forged), { qos: 1 });
    await closed;
    await client.endAsync(true);
    const after = makeAddEventRequest({ deviceName: 'room-1' });
    const again = await connect({ username: 'room-1', password });
    await again.publishAsync(topicOf('room-1'), stringifyEdgex(after), { qos: 1 });
    await waitFor(async () => (await gw.store.getById(after.event.id)) !== undefined, 'later event stored', 10_000);
    expect(await gw.store.getById(forged.event.id)).toBeUndefined();
    await again.endAsync();
  });

  it('refuses to listen off loopback without users', async () => {
    await expect(
      startTestGateway({
        'mqtt.enabled': true,
        'mqtt.embeddedBroker.enabled': true,
        'mqtt.embeddedBroker.host': '0.0.0.0',
      }),
    ).rejects.toThrow(
      /mqtt\.embeddedBroker\.host 0\.0\.0\.0 is reachable from the network and no mqtt\.embeddedBroker\.users are set/,
    );
  });
});
