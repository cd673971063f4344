import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { stringifyEdgex } from '@hvac-edge/shared';
import fc from 'fast-check';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, spawnGateway } from '../../gateway/test/helpers.js';
import { freePort, makeAddEventRequest, makeTempDir, waitFor } from '../support/index.js';
import { type FuzzRequest, httpRequests, mqttMessages } from './arbitraries.js';
import { startHealthProbe } from './health-probe.js';

/**
 * A running gateway (its own process, default limits, embedded MQTT broker, monitoring on) fed thousands of
 * generated and damaged requests on every entry point. Throughout: no 5xx but the documented 503, no hang, /healthz
 * within 100 ms, RSS under RSS_BOUND_MB; afterwards: every event accepted before and during the run still readable,
 * and the process stops cleanly on SIGTERM. A failing case is shrunk and printed by fast-check with its seed.
 */
const HTTP_CASES = Number(process.env.FUZZ_HTTP_CASES ?? 4000);
const MQTT_CASES = Number(process.env.FUZZ_MQTT_CASES ?? 800);
const RSS_BOUND_MB = 400;
const HEALTH_BOUND_MS = 100;
const CREDENTIAL = 'fuzz-monitoring-credential';
const PREFIX = 'edgex/events/device';

describe('fuzzing a running gateway', () => {
  let dir: string;
  let gateway: GatewayProcess;
  let base: string;
  let brokerUrl: string;
  let logBytes = 0;
  const logMessages = new Map<string, number>();
  const accepted: string[] = [];
  const statuses = new Map<number, number>();

  beforeAll(async () => {
    dir = await makeTempDir('fuzz');
    const [port, mqttPort] = await Promise.all([freePort(), freePort()]);
    base = `http://127.0.0.1:${port}`;
    brokerUrl = `mqtt://127.0.0.1:${mqttPort}`;
    gateway = spawnGateway(
      port,
      join(dir, 'gateway.db'),
      {
        GATEWAY_LOG_LEVEL: 'warn',
        GATEWAY_MQTT_ENABLED: 'true',
        GATEWAY_MQTT_EMBEDDED_BROKER_ENABLED: 'true',
        GATEWAY_MQTT_EMBEDDED_BROKER_PORT: String(mqttPort),
        GATEWAY_MONITORING_CREDENTIALS: CREDENTIAL,
      },
      'pipe',
    );
    gateway.proc.stderr?.on('data', (d: Buffer) => {
      logBytes += d.length;
    });
    gateway.proc.stdout?.on('data', (d: Buffer) => {
      logBytes += d.length;
      for (const line of d.toString().split('\n')) {
        const msg = /"msg":"([^"]{0,80})/.exec(line)?.[1];
        if (msg) logMessages.set(msg, (logMessages.get(msg) ?? 0) + 1);
      }
    });
    await waitFor(async () => (await fetch(`${base}/readyz`)).status === 200, 'gateway ready', 30_000);
  });
  afterAll(async () => {
    if (gateway.proc.exitCode === null) gateway.proc.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  async function send(r: FuzzRequest): Promise<number> {
    const res = await fetch(`${base}${r.path}`, {
      method: r.method,
      headers: r.headers,
      ...(r.body !== undefined ? { body: r.body } : {}),
      signal: AbortSignal.timeout(5000),
    });
    const text = await res.text();
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    if (res.status === 201 && r.path.startsWith('/api/v3/event/')) {
      const id = (JSON.parse(text) as { id?: string }).id;
      if (id) accepted.push(id);
    }
    return res.status;
  }

  it('answers every generated request without a 5xx (503 aside), stays healthy and small, loses nothing', async () => {
    // Accepted before the run.
    for (let i = 0; i < 30; i++) {
      const req = makeAddEventRequest({ deviceName: `before-${i % 3}` });
      const res = await fetch(`${base}/api/v3/event/hvac-edge-agent/dht22/${req.event.deviceName}/climate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: stringifyEdgex(req),
      });
      expect(res.status).toBe(201);
      accepted.push(req.event.id);
    }
    const probe = await startHealthProbe(`${base}/healthz`, gateway.proc.pid as number);
    const t0 = performance.now();

    await fc.assert(
      fc.asyncProperty(httpRequests(CREDENTIAL, Date.now), async (r) => {
        const status = await send(r);
        expect(status >= 500 && status !== 503, `${r.method} ${r.path} -> ${status}`).toBe(false);
      }),
      { numRuns: HTTP_CASES, endOnFailure: true },
    );

    const device = await mqtt.connectAsync(brokerUrl, { clientId: `fuzz-${process.pid}`, reconnectPeriod: 0 });
    const mqttValid: string[] = [];
    await fc.assert(
      fc.asyncProperty(mqttMessages(PREFIX), async (m) => {
        await device.publishAsync(m.topic, m.payload, { qos: 1 });
        if (m.validEventId) mqttValid.push(m.validEventId);
      }),
      { numRuns: MQTT_CASES, endOnFailure: true },
    );
    await device.endAsync();

    const elapsedS = (performance.now() - t0) / 1000;
    const health = await probe.stop();
    const summary = {
      elapsedS: Math.round(elapsedS),
      accepted: accepted.length,
      mqttValid: mqttValid.length,
      health,
      logBytes,
      logMessages: Object.fromEntries(logMessages),
      statuses: Object.fromEntries(statuses),
    };
    console.log(`fuzz summary ${JSON.stringify(summary)}`);

    expect(health.failures).toEqual([]);
    expect(health.maxLatencyMs).toBeLessThan(HEALTH_BOUND_MS);
    expect(health.maxRssMb).toBeLessThan(RSS_BOUND_MB);
    expect(gateway.proc.exitCode).toBeNull();
    // Logs stay small: lines a client can cause are sampled (ten a minute), not written per bad request.
    expect(logBytes).toBeLessThan(512 * 1024);

    // Everything accepted is readable: over HTTP (201), and over MQTT (every valid message, once stored).
    for (const id of accepted) {
      const res = await fetch(`${base}/api/v3/event/id/${id}`);
      expect(res.status, id).toBe(200);
    }
    for (const id of mqttValid) {
      await waitFor(
        async () => (await fetch(`${base}/api/v3/event/id/${id}`)).status === 200,
        `MQTT event ${id}`,
        10_000,
      );
    }

    gateway.proc.kill('SIGTERM');
    expect(await gateway.exited).toBe(0);
  }, 600_000);
});
