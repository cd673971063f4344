#!/usr/bin/env -S node --max-semi-space-size=1 --lite-mode --no-expose-wasm
import { createLogger, handleSignals, loadConfigOrExit, SdNotify } from '@hvac-edge/shared';
import { createAgent, createSensor, NoGpioError } from './app.js';
import { loadAgentConfig } from './config.js';
import { QualityFilter } from './quality.js';
import { HttpTransport } from './transport/http-transport.js';

const USAGE = `usage: hvac-agent <command>
  run        read the sensor and send readings to the gateway (default)
  read-once  take one reading and print it (wiring check)
  check      validate the configuration and reach the gateway`;

async function main(): Promise<number> {
  const command = process.argv[2] ?? 'run';
  if (!['run', 'read-once', 'check'].includes(command)) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const config = loadConfigOrExit('hvac-agent', () => loadAgentConfig());
  const log = createLogger('device-agent', { level: config.log.level });
  try {
    if (command === 'read-once') {
      const sensor = createSensor(config, log);
      const r = await sensor.read();
      const quality = new QualityFilter(config.quality).assess(r);
      process.stdout.write(`${JSON.stringify({ sensor: sensor.kind, simulated: sensor.simulated, ...r, quality })}\n`);
      return 0;
    }
    if (command === 'check') {
      const t = new HttpTransport({
        baseUrl: config.gateway.url,
        token: config.gateway.token,
        timeoutMs: config.gateway.timeoutMs,
      });
      const res = await t.request('GET', '/api/v3/ping').catch((err: Error) => err);
      if (res instanceof Error || !res.ok) {
        process.stderr.write(
          `gateway ${config.gateway.url}: ${res instanceof Error ? res.message : `HTTP ${res.status}`}\n`,
        );
        return 1;
      }
      process.stdout.write(`configuration valid; gateway ${config.gateway.url} answers\n`);
      return 0;
    }
    const sd = new SdNotify({ onError: (err) => log.warn({ err }, 'sd_notify failed') });
    const { start, stop } = createAgent(config, log);
    handleSignals(log, async () => {
      await sd.stopping();
      await stop();
    });
    start();
    log.info(
      { device: config.deviceName, gateway: config.gateway.url, periodSeconds: config.sensor.periodSeconds },
      'agent running',
    );
    await sd.ready('reading');
    return -1;
  } catch (err) {
    if (err instanceof NoGpioError) {
      process.stderr.write(`hvac-agent: ${err.message}\n`);
      return 3;
    }
    throw err;
  }
}

main().then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    process.stderr.write(`hvac-agent: fatal: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  },
);
