// Child process of bench:mqtt: publishes N EdgeX events with QoS 1 from DEVICES connections, each keeping a window
// of 100 unacknowledged publishes (as a device with a small outbox would), and prints "done <ms>" when every
// PUBACK is in. Ids are UUIDv7, as the device agent sends (BENCH_UUID=v4: random ones, which cost the store's id
// index more). PUBLISHER=mqttjs (default) publishes with the MQTT.js client; PUBLISHER=lean writes pre-encoded
// packets with MQTT.js's codec (mqtt-packet), about a quarter of the CPU per message, for when the load generator
// should take less of the CPUs it shares with the gateway and the broker.
import { connect } from 'node:net';
import { uuidv7 } from '@hvac-edge/shared';
import { makeAddEventRequest } from '@hvac-edge/test/support';
import mqtt from 'mqtt';
import * as mqttPacket from 'mqtt-packet';

const url = process.env.BROKER_URL as string;
const n = Number(process.env.N);
const devices = Number(process.env.DEVICES ?? 8);
const WINDOW = 100;
const mine = (k: number) =>
  Array.from({ length: Math.ceil((n - k) / devices) }, (_, j) => {
    const device = `bench-${k}`;
    const i = k + j * devices;
    return {
      topic: `edgex/events/device/bench/dht22/${device}/climate`,
      body: JSON.stringify(
        makeAddEventRequest({
          deviceName: device,
          temperature: 20 + (i % 100) / 10,
          id: process.env.BENCH_UUID === 'v4' ? crypto.randomUUID() : uuidv7(),
        }),
      ),
    };
  });

/** MQTT.js: one publishAsync per message. */
async function viaMqttJs(): Promise<() => Promise<void>> {
  const clients = await Promise.all(
    Array.from({ length: devices }, (_, i) => mqtt.connectAsync(url, { clientId: `bench-dev-${i}-${process.pid}` })),
  );
  const payloads = clients.map((_, k) => mine(k));
  return async () => {
    await Promise.all(
      clients.map(async (c, k) => {
        const list = payloads[k] ?? [];
        let next = 0;
        await Promise.all(
          Array.from({ length: WINDOW }, async () => {
            while (next < list.length) {
              const p = list[next++] as (typeof list)[0];
              await c.publishAsync(p.topic, p.body, { qos: 1 });
            }
          }),
        );
      }),
    );
    await Promise.all(clients.map((c) => c.endAsync()));
  };
}

/** Pre-encoded PUBLISH packets on a plain socket; the next ones go out in one write per chunk of PUBACKs. */
async function lean(): Promise<() => Promise<void>> {
  const { hostname, port } = new URL(url);
  const sessions = await Promise.all(
    Array.from({ length: devices }, async (_, k) => {
      const packets = mine(k).map((p, j) =>
        mqttPacket.generate({
          cmd: 'publish',
          topic: p.topic,
          payload: p.body,
          qos: 1,
          messageId: (j % 65000) + 1,
          retain: false,
          dup: false,
        }),
      );
      const socket = connect({ host: hostname, port: Number(port) });
      socket.setNoDelay(true);
      const parser = mqttPacket.parser({ protocolVersion: 4 });
      socket.on('data', (chunk) => parser.parse(chunk));
      await new Promise<void>((resolve, reject) => {
        parser.once('packet', (p: mqttPacket.Packet) =>
          p.cmd === 'connack' && p.returnCode === 0 ? resolve() : reject(new Error(`no CONNACK: ${p.cmd}`)),
        );
        socket.once('error', reject);
        socket.write(
          mqttPacket.generate({
            cmd: 'connect',
            protocolId: 'MQTT',
            protocolVersion: 4,
            clientId: `bench-dev-${k}-${process.pid}`,
            clean: true,
            keepalive: 60,
          }),
        );
      });
      return { socket, parser, packets };
    }),
  );
  return () =>
    Promise.all(
      sessions.map(
        ({ socket, parser, packets }) =>
          new Promise<void>((resolve, reject) => {
            let sent = Math.min(WINDOW, packets.length);
            let acked = 0;
            let due = 0;
            socket.write(Buffer.concat(packets.slice(0, sent)));
            parser.on('packet', (p: mqttPacket.Packet) => {
              if (p.cmd !== 'puback') return reject(new Error(`unexpected ${p.cmd}`));
              acked += 1;
              due += 1;
            });
            // After each chunk is parsed: refill the window with one write.
            socket.on('data', () => {
              const more = Math.min(due, packets.length - sent);
              due = 0;
              if (more > 0) socket.write(Buffer.concat(packets.slice(sent, sent + more)));
              sent += more;
              if (acked === packets.length) socket.end(mqttPacket.generate({ cmd: 'disconnect' }), () => resolve());
            });
          }),
      ),
    ).then(() => undefined);
}

const run = await (process.env.PUBLISHER === 'lean' ? lean() : viaMqttJs());
process.stdout.write('ready\n');
const t0 = performance.now();
await run();
process.stdout.write(`done ${performance.now() - t0}\n`);
