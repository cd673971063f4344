import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { stringifyEdgex } from '@hvac-edge/shared';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../gateway/test/helpers.js';
import {
  findSystemBinary,
  freePort,
  makeAddEventRequest,
  makeTempDir,
  makeTestCertificates,
  type ProcessServer,
  startProcessServer,
  type TestCertificates,
  tcpReachable,
  waitFor,
} from './support/index.js';

const SETUP = new URL('../deploy/mosquitto/setup.sh', import.meta.url).pathname;
const topicOf = (device: string) => `edgex/events/device/hvac-edge-agent/dht22/${device}/climate`;
const PASSWORDS = {
  'hvac-edge-gateway': 'gateway-password-0001',
  'room-1': 'room-1-password-0001',
  'room-2': 'room-2-password-0001',
};

/**
 * The shipped Mosquitto configuration, its users and ACLs as deploy/mosquitto/setup.sh makes them (dynamic-security
 * plugin), on a real Mosquitto with throwaway certificates: only the ports and certificate paths change for the test.
 */
describe('deploy/mosquitto on a real Mosquitto', () => {
  let broker: ProcessServer;
  let certs: TestCertificates;
  let plain: string;
  let tls: string;
  let gw: TestGateway | undefined;

  beforeAll(async () => {
    const dir = await makeTempDir('mosquitto-deploy');
    certs = makeTestCertificates(dir);
    const [plainPort, tlsPort] = await Promise.all([freePort(), freePort()]);
    const env = { ...process.env, CONF_DIR: dir, STATE_DIR: dir, MQTT_PORT: String(plainPort) };
    const setup = (...args: string[]) =>
      execFileSync(SETUP, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    setup('init');
    // Only the ports and the certificate paths change for the test.
    const conf = readFileSync(join(dir, 'hvac-edge.conf'), 'utf8')
      .replace(/^listener 1883 127\.0\.0\.1$/m, `listener ${plainPort} 127.0.0.1`)
      .replace(/^listener 8883$/m, `listener ${tlsPort} 127.0.0.1`)
      .replace(/^certfile .*$/m, `certfile ${certs.cert}`)
      .replace(/^keyfile .*$/m, `keyfile ${certs.key}`);
    expect(conf.split('\n').filter((l) => !l.startsWith('#') && /\/etc\/|\/var\/lib/.test(l))).toEqual([]);
    // Run as whoever runs the tests (as root, Mosquitto would switch to its own user, who cannot read the temp dir).
    writeFileSync(join(dir, 'hvac-edge.conf'), `${conf}\nlog_dest stdout\nuser ${userInfo().username}\n`);
    broker = await startProcessServer({
      name: 'mosquitto',
      command: findSystemBinary('mosquitto'),
      args: ['-c', join(dir, 'hvac-edge.conf')],
      port: plainPort,
      dir,
      ready: async () => (await tcpReachable(plainPort)) && tcpReachable(tlsPort),
    });
    for (const [user, password] of Object.entries(PASSWORDS)) {
      writeFileSync(join(dir, `${user}.pw`), `${password}\n`, { mode: 0o600 });
      if (user === 'hvac-edge-gateway') setup('gateway', join(dir, `${user}.pw`));
      else setup('device', user, join(dir, `${user}.pw`));
    }
    plain = `mqtt://127.0.0.1:${plainPort}`;
    tls = `mqtts://127.0.0.1:${tlsPort}`;
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
  const as = (user: keyof typeof PASSWORDS) => ({ username: user, password: PASSWORDS[user] });

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
      'mqtt.password': PASSWORDS['hvac-edge-gateway'],
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
