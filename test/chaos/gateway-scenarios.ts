import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { stringifyEdgex } from '@hvac-edge/shared';
import mqtt from 'mqtt';
import { type GatewayProcess, openSqliteStore, spawnGateway } from '../../gateway/test/helpers.js';
import { freePort, makeAddEventRequest, makeTempDir, startShippedMosquitto, waitFor } from '../support/index.js';
import { breathe, postEvent, type Scenario, sequenceGaps } from './scenario.js';

const QUIET = { GATEWAY_MONITORING_ENABLED: 'false', GATEWAY_RATE_LIMIT_PER_DEVICE_PER_MINUTE: '0' };

async function ready(port: number): Promise<void> {
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).ok, 'gateway ready', 30_000);
}

/** Every event of the store at `dbPath`, as device, sequence and id. */
async function stored(dbPath: string) {
  const store = await openSqliteStore(dbPath);
  try {
    return (await store.pending(10_000_000)).map((s) => ({
      id: s.event.id,
      device: s.event.deviceName,
      seq: s.deviceSeq,
    }));
  } finally {
    await store.close();
  }
}

/** 1. The gateway SIGKILLed three times under HTTP load (four clients): every acknowledged id stored once. */
export const gatewayKills: Scenario = {
  name: 'gateway SIGKILL x3 under HTTP load',
  async run(scale) {
    const dir = await makeTempDir('chaos-kill');
    const port = await freePort();
    const db = join(dir, 'gateway.db');
    const start = () => spawnGateway(port, db, QUIET);
    let gw: GatewayProcess = start();
    try {
      await ready(port);
      const acked: string[] = [];
      let running = true;
      const base = `http://127.0.0.1:${port}`;
      const clients = Array.from({ length: 4 }, async (_, c) => {
        while (running) {
          const id = await postEvent(base, `kill-${c}`);
          if (id) acked.push(id);
          else await breathe(20);
        }
      });
      for (let k = 1; k <= 3; k++) {
        await waitFor(async () => acked.length >= k * scale.events, `load phase ${k}`, 120_000);
        gw.proc.kill('SIGKILL');
        await gw.exited;
        gw = start();
        await ready(port);
      }
      await waitFor(async () => acked.length >= 4 * scale.events, 'last load phase', 120_000);
      running = false;
      await Promise.all(clients);
      gw.proc.kill('SIGTERM');
      await gw.exited;
      const rows = await stored(db);
      const ids = new Set(rows.map((r) => r.id));
      const lost = acked.filter((id) => !ids.has(id)).length;
      const gaps = sequenceGaps(rows);
      return {
        lost,
        duplicatedPoints: rows.length - ids.size,
        passed: lost === 0 && gaps.length === 0 && rows.length === ids.size,
        detail: `${acked.length} acknowledged, ${rows.length} stored, sequence problems: ${gaps.join('; ') || 'none'}`,
      };
    } finally {
      if (gw.proc.exitCode === null) gw.proc.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  },
};

/**
 * 2. The gateway SIGKILLed while a device publishes QoS 1 through the shipped Mosquitto configuration: every message
 * the broker acknowledged is stored once (the gateway's persistent session gets the rest after its restart).
 */
export const gatewayKillMqtt: Scenario = {
  name: 'gateway SIGKILL during MQTT QoS 1 (shipped Mosquitto)',
  async run(scale) {
    const broker = await startShippedMosquitto(['chaos-1']);
    const dir = await makeTempDir('chaos-mqtt');
    const port = await freePort();
    const db = join(dir, 'gateway.db');
    const start = () =>
      spawnGateway(port, db, {
        ...QUIET,
        GATEWAY_MQTT_ENABLED: 'true',
        GATEWAY_MQTT_URL: broker.plain,
        GATEWAY_MQTT_CONNECTIONS: '2',
        GATEWAY_MQTT_USERNAME: 'hvac-edge-gateway',
        GATEWAY_MQTT_PASSWORD: broker.passwords['hvac-edge-gateway'] as string,
      });
    let gw = start();
    const device = await mqtt.connectAsync(broker.tls, {
      username: 'chaos-1',
      password: broker.passwords['chaos-1'] as string,
      ca: readFileSync(broker.certs.ca),
      clientId: 'chaos-device-1',
    });
    try {
      await ready(port);
      const acked: string[] = [];
      const topic = 'edgex/events/device/hvac-edge-agent/dht22/chaos-1/climate';
      for (let i = 0; i < 2 * scale.events; i++) {
        if (i === scale.events) {
          gw.proc.kill('SIGKILL');
          await gw.exited;
        }
        const req = makeAddEventRequest({ deviceName: 'chaos-1' });
        await device.publishAsync(topic, stringifyEdgex(req), { qos: 1 });
        acked.push(req.event.id);
      }
      gw = start();
      await ready(port);
      const count = async () => {
        const res = await fetch(`http://127.0.0.1:${port}/api/v3/event/count/device/name/chaos-1`);
        return ((await res.json()) as { count: number }).count;
      };
      await waitFor(async () => (await count()) >= acked.length, 'every acknowledged message stored', 60_000);
      gw.proc.kill('SIGTERM');
      await gw.exited;
      const rows = await stored(db);
      const ids = new Set(rows.map((r) => r.id));
      const lost = acked.filter((id) => !ids.has(id)).length;
      return {
        lost,
        duplicatedPoints: rows.length - ids.size,
        passed: lost === 0 && rows.length === acked.length,
        detail: `${acked.length} acknowledged by Mosquitto, ${rows.length} stored`,
      };
    } finally {
      await device.endAsync();
      if (gw.proc.exitCode === null) gw.proc.kill('SIGKILL');
      await broker.stop();
      await rm(dir, { recursive: true, force: true });
    }
  },
};

/**
 * 8. The buffer at its high-water mark for the outage time under a flood: 503 with Retry-After, nothing stored past
 * the mark, and the log stays small.
 */
export const bufferFull: Scenario = {
  name: 'buffer at its high-water mark under a flood',
  async run(scale) {
    const dir = await makeTempDir('chaos-full');
    const port = await freePort();
    const mark = 200;
    const gw = spawnGateway(
      port,
      join(dir, 'gateway.db'),
      { ...QUIET, GATEWAY_STORE_HIGH_WATER_MARK: String(mark), GATEWAY_LOG_LEVEL: 'info' },
      'pipe',
    );
    let logBytes = 0;
    gw.proc.stdout?.on('data', (d: Buffer) => {
      logBytes += d.length;
    });
    gw.proc.stderr?.on('data', (d: Buffer) => {
      logBytes += d.length;
    });
    try {
      await ready(port);
      const base = `http://127.0.0.1:${port}`;
      const acked: string[] = [];
      let refused = 0;
      let withRetryAfter = 0;
      const until = Date.now() + scale.outageSeconds * 1000;
      await Promise.all(
        Array.from({ length: 8 }, async (_, c) => {
          while (Date.now() < until || acked.length < mark) {
            const req = makeAddEventRequest({ deviceName: `full-${c}` });
            const res = await fetch(`${base}/api/v3/event/svc/dht22/full-${c}/climate`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: stringifyEdgex(req),
            });
            await res.arrayBuffer();
            if (res.status === 201) acked.push(req.event.id);
            if (res.status === 503) {
              refused += 1;
              if (res.headers.get('retry-after')) withRetryAfter += 1;
            }
          }
        }),
      );
      gw.proc.kill('SIGTERM');
      await gw.exited;
      const rows = await stored(join(dir, 'gateway.db'));
      const ids = new Set(rows.map((r) => r.id));
      const lost = acked.filter((id) => !ids.has(id)).length;
      const logOk = logBytes < 20_000;
      return {
        lost,
        duplicatedPoints: rows.length - ids.size,
        passed: lost === 0 && rows.length === mark && refused > 0 && withRetryAfter === refused && logOk,
        detail: `${rows.length} stored (mark ${mark}), ${refused} refused with 503 (${withRetryAfter} with Retry-After), ${logBytes} bytes of log`,
      };
    } finally {
      if (gw.proc.exitCode === null) gw.proc.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  },
};
