// Child process of bench:mqtt: publishes N EdgeX events with QoS 1 from several device connections, as fast as the
// broker takes them, and prints "done <ms>" when every PUBACK is in.
import { uuidv7 } from '@hvac-edge/shared';
import { makeAddEventRequest } from '@hvac-edge/test/support';
import mqtt from 'mqtt';

const url = process.env.BROKER_URL as string;
const n = Number(process.env.N);
const devices = Number(process.env.DEVICES ?? 8);
const clients = await Promise.all(
  Array.from({ length: devices }, (_, i) => mqtt.connectAsync(url, { clientId: `bench-dev-${i}-${process.pid}` })),
);
const payloads = Array.from({ length: n }, (_, i) => {
  const device = `bench-${i % devices}`;
  return {
    device,
    i,
    body: JSON.stringify(makeAddEventRequest({ deviceName: device, temperature: 20 + (i % 100) / 10 })),
  };
});
process.stdout.write('ready\n');
const t0 = performance.now();
await Promise.all(
  clients.map(async (c, k) => {
    const mine = payloads.filter((p) => p.i % devices === k);
    // A window of unacknowledged publishes per device connection, as a device with a small outbox would keep.
    const WINDOW = 100;
    let next = 0;
    await Promise.all(
      Array.from({ length: WINDOW }, async () => {
        while (next < mine.length) {
          const p = mine[next++] as (typeof mine)[0];
          await c.publishAsync(`edgex/events/device/bench/dht22/${p.device}/climate`, p.body, { qos: 1 });
        }
      }),
    );
  }),
);
process.stdout.write(`done ${performance.now() - t0}\n`);
await Promise.all(clients.map((c) => c.endAsync()));
