import { createServer, type Server } from 'node:net';
import { startMosquitto, waitFor } from '@hvac-edge/test/support';
import { Aedes } from 'aedes';
import mqtt from 'mqtt';
import * as mqttPacket from 'mqtt-packet';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type MessageHandler,
  PipelinedSubscriber,
  type PipelinedSubscriberOptions,
  parseBrokerUrl,
} from '../src/mqtt/pipelined-subscriber.js';

/** aedes on a port of its own choosing (or the given one), recording the order PUBACKs reach it. */
async function startAedes(port = 0, authenticate?: (user: string) => boolean) {
  const broker = await Aedes.createBroker();
  if (authenticate) {
    broker.authenticate = (_client, username, _password, done) => {
      const ok = authenticate(username ?? '');
      done(ok ? null : Object.assign(new Error('bad credentials'), { returnCode: 4 }), ok);
    };
  }
  const acked: string[] = [];
  broker.on('ack', (packet) => {
    if (packet && 'payload' in packet) acked.push(String(packet.payload));
  });
  const server: Server = createServer(broker.handle);
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  return {
    url: `mqtt://127.0.0.1:${actual}`,
    port: actual,
    acked,
    async stop() {
      await new Promise<void>((r) => broker.close(() => r()));
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function capturingLogger() {
  const lines: Array<{ msg: string; [k: string]: unknown }> = [];
  const log = pino({ level: 'info' }, { write: (s: string) => lines.push(JSON.parse(s)) });
  return { log, lines };
}

async function publish(url: string, payloads: string[], topic = 'edgex/events/device/s/p/d/climate') {
  const client = await mqtt.connectAsync(url, { clientId: `pub-${process.pid}-${Math.random()}` });
  for (const p of payloads) await client.publishAsync(topic, p, { qos: 1 });
  await client.endAsync();
}

interface Held {
  payload: string;
  resolve: () => void;
  reject: (e: Error) => void;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function subscriber(url: string, handler: MessageHandler, o: Partial<PipelinedSubscriberOptions> = {}) {
  const { log, lines } = capturingLogger();
  const s = new PipelinedSubscriber(
    {
      url,
      clientId: `sub-${process.pid}-${Math.random().toString(36).slice(2)}`,
      username: '',
      password: '',
      filter: 'edgex/events/device/#',
      keepaliveSeconds: 30,
      maxInFlight: 1000,
      reconnectMinDelayMs: 20,
      reconnectMaxDelayMs: 200,
      ...o,
    },
    handler,
    log,
  );
  cleanups.push(() => s.stop());
  return { s, lines };
}

/** A handler that holds every message until the test settles it. */
function holdingHandler() {
  const held: Held[] = [];
  const handler: MessageHandler = (_topic, payload) =>
    new Promise<void>((resolve, reject) => held.push({ payload: String(payload), resolve, reject }));
  return { held, handler };
}

describe('PipelinedSubscriber', () => {
  it('hands every message over without waiting for the earlier ones, and acknowledges in arrival order', async () => {
    const broker = await startAedes();
    cleanups.push(() => broker.stop());
    const { held, handler } = holdingHandler();
    const { s } = subscriber(broker.url, handler);
    s.start();
    await waitFor(async () => s.ready, 'subscribed', 10_000);
    const payloads = Array.from({ length: 10 }, (_, i) => `m${i}`);
    await publish(broker.url, payloads);
    // All ten are with the handler at once: none of them has been acknowledged yet.
    await waitFor(async () => held.length === 10, 'ten messages handed over', 10_000);
    expect(held.map((h) => h.payload)).toEqual(payloads);
    expect(broker.acked).toEqual([]);
    // All but the first settle, and the subscriber gets turns to write acknowledgements: it must not, because
    // the first is still open. Then the first settles.
    for (const h of held.slice(1).reverse()) h.resolve();
    for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
    held[0]?.resolve();
    await waitFor(async () => broker.acked.length === 10, 'ten PUBACKs', 10_000);
    expect(broker.acked).toEqual(payloads);
  });

  it('leaves a message unacknowledged when its handler fails, and gets it again on the next session', async () => {
    const broker = await startAedes();
    cleanups.push(() => broker.stop());
    const clientId = `sub-redeliver-${process.pid}`;
    const first = holdingHandler();
    const a = subscriber(broker.url, first.handler, { clientId });
    a.s.start();
    await waitFor(async () => a.s.ready, 'subscribed', 10_000);
    await publish(broker.url, ['x0', 'x1', 'x2']);
    await waitFor(async () => first.held.length === 3, 'three messages handed over', 10_000);
    first.held[0]?.resolve();
    first.held[1]?.reject(new Error('store unavailable'));
    first.held[2]?.resolve();
    await waitFor(async () => broker.acked.length === 1, 'x0 acknowledged', 10_000);
    await a.s.stop();
    // x2 waited behind x1 (acknowledgements keep their order), so both come again.
    const second = holdingHandler();
    const b = subscriber(broker.url, second.handler, { clientId });
    b.s.start();
    await waitFor(async () => second.held.length === 2, 'x1 and x2 delivered again', 10_000);
    expect(second.held.map((h) => h.payload)).toEqual(['x1', 'x2']);
    for (const h of second.held) h.resolve();
    await waitFor(async () => broker.acked.length === 3, 'all acknowledged', 10_000);
    expect(broker.acked).toEqual(['x0', 'x1', 'x2']);
  });

  it('pauses reading at maxInFlight and goes on once the handler catches up', async () => {
    const broker = await startAedes();
    cleanups.push(() => broker.stop());
    const { held, handler } = holdingHandler();
    const { s } = subscriber(broker.url, handler, { maxInFlight: 2 });
    s.start();
    await waitFor(async () => s.ready, 'subscribed', 10_000);
    const payloads = Array.from({ length: 20 }, (_, i) => `f${i}`);
    const publishing = publish(broker.url, payloads);
    let settled = 0;
    for (;;) {
      await waitFor(async () => held.length > settled || broker.acked.length === 20, 'the next message', 10_000);
      if (broker.acked.length === 20) break;
      for (const h of held.slice(settled)) h.resolve();
      settled = held.length;
    }
    await publishing;
    expect(held.map((h) => h.payload)).toEqual(payloads);
  });

  it('reconnects and subscribes again after the broker goes away and comes back', async () => {
    let broker = await startAedes();
    const port = broker.port;
    cleanups.push(() => broker.stop());
    const got: string[] = [];
    const { s } = subscriber(broker.url, async (_t, p) => {
      got.push(String(p));
    });
    s.start();
    await waitFor(async () => s.ready, 'subscribed', 10_000);
    await broker.stop();
    await waitFor(async () => !s.ready, 'not ready while the broker is away', 10_000);
    broker = await startAedes(port);
    await waitFor(async () => s.ready, 'subscribed again', 10_000);
    await publish(broker.url, ['after']);
    await waitFor(async () => broker.acked.length === 1, 'acknowledged', 10_000);
    expect(got).toEqual(['after']);
  });

  it('pings an idle broker, and reconnects when the broker stops answering', async () => {
    // A broker that accepts the session and the subscription, then never answers a PINGREQ.
    const seen: string[] = [];
    let connections = 0;
    const server = createServer((socket) => {
      connections += 1;
      const parser = mqttPacket.parser({ protocolVersion: 4 });
      parser.on('packet', (p: mqttPacket.Packet) => {
        seen.push(p.cmd);
        if (p.cmd === 'connect')
          socket.write(mqttPacket.generate({ cmd: 'connack', returnCode: 0, sessionPresent: false }));
        if (p.cmd === 'subscribe')
          socket.write(mqttPacket.generate({ cmd: 'suback', messageId: p.messageId, granted: [1] }));
      });
      socket.on('data', (c) => parser.parse(c));
      socket.on('error', () => {});
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const { s, lines } = subscriber(`mqtt://127.0.0.1:${port}`, async () => {}, { keepaliveSeconds: 1 });
    s.start();
    await waitFor(async () => connections >= 2, 'a second connection', 10_000);
    expect(seen.slice(0, 3)).toEqual(['connect', 'subscribe', 'pingreq']);
    expect(lines.map((l) => l.msg)).toContain('MQTT broker silent past the keepalive; reconnecting');
  });

  it('says why the broker refused the connection, and keeps trying', async () => {
    let attempts = 0;
    const broker = await startAedes(0, (user) => {
      attempts += 1;
      return user === 'gateway';
    });
    cleanups.push(() => broker.stop());
    const { s, lines } = subscriber(broker.url, async () => {}, { username: 'intruder', password: 'wrong' });
    s.start();
    await waitFor(async () => attempts >= 2, 'a second attempt', 10_000);
    expect(s.ready).toBe(false);
    expect(lines.find((l) => l.returnCode === 4)?.msg).toBe(
      'MQTT broker refused the connection: bad user name or password',
    );
    expect(JSON.stringify(lines)).not.toContain('wrong');
  });

  it('works against a real Mosquitto with a shared subscription over several sessions', async () => {
    const mosquitto = await startMosquitto();
    cleanups.push(() => mosquitto.stop());
    const got = new Map<string, number>();
    const sessions = [0, 1, 2].map((i) =>
      subscriber(
        mosquitto.url,
        async (_t, p) => {
          got.set(String(p), (got.get(String(p)) ?? 0) + 1);
        },
        { clientId: `shared-${process.pid}-${i}`, filter: '$share/g/edgex/events/device/#' },
      ),
    );
    for (const { s } of sessions) s.start();
    await waitFor(async () => sessions.every(({ s }) => s.ready), 'all subscribed', 10_000);
    const payloads = Array.from({ length: 300 }, (_, i) => `p${i}`);
    await publish(mosquitto.url, payloads);
    await waitFor(async () => got.size === 300, 'every message handled', 10_000);
    expect([...got.values()].every((n) => n === 1)).toBe(true);
  });
});

describe('parseBrokerUrl', () => {
  it('knows the MQTT schemes and their default ports, and says what is wrong otherwise', () => {
    expect(parseBrokerUrl('mqtt://broker')).toEqual({ secure: false, host: 'broker', port: 1883 });
    expect(parseBrokerUrl('mqtts://broker')).toEqual({ secure: true, host: 'broker', port: 8883 });
    expect(parseBrokerUrl('tcp://[::1]:1884')).toEqual({ secure: false, host: '::1', port: 1884 });
    expect(() => parseBrokerUrl('ws://broker')).toThrow(/scheme must be one of mqtt: tcp: mqtts: ssl: tls:/);
    expect(() => parseBrokerUrl('broker:1883')).toThrow(/scheme must be one of/);
    expect(() => parseBrokerUrl('')).toThrow(/is not a URL/);
  });
});
