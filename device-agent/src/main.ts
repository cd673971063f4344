#!/usr/bin/env -S node --max-semi-space-size=1 --lite-mode --no-expose-wasm
import { createRequire } from 'node:module';
import { ExitError, handleSignals, runCli, startService } from '@hvac-edge/shared';
import { createAgent } from './app.js';
import { AGENT_ENV_PREFIX, AgentConfigSchema, loadAgentConfig } from './config.js';
import { formatFindings, runDoctor } from './doctor.js';
import { createSensor, detectPlatform, NoGpioError } from './hardware.js';
import { QualityFilter } from './quality.js';
import { HttpTransport } from './transport/http-transport.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };
const USAGE = `usage: hvac-agent [run | read-once | check | doctor] [--help] [--version]
  run        read the sensor and send readings to the gateway (default)
  read-once  take one reading and print it (wiring check)
  check      validate the configuration and reach the gateway
  doctor     what the agent finds of the board (model, kernel, GPIO chips and numbering, libgpiod, the DHT
             backend built, permissions, clock, gateway): each line OK, WARN or FAIL with the fix
Configuration: AGENT_CONFIG=<file.yaml> and AGENT_* variables (docs/configuration.md). Exit codes: 0 done,
1 unexpected error, 2 usage or configuration, 3 the board cannot do what the configuration asks (doctor: a check
failed), 4 the gateway refused.`;

runCli({ program: 'hvac-agent', version, usage: USAGE, positionals: true }, async ({ positionals }) => {
  const command = positionals[0] ?? 'run';
  if (!['run', 'read-once', 'check', 'doctor'].includes(command) || positionals.length > 1) {
    throw new ExitError(2, `hvac-agent: unknown command "${positionals.join(' ')}"; see hvac-agent --help`);
  }
  const { config, log, sd } = startService({
    program: 'hvac-agent',
    service: 'device-agent',
    load: () => loadAgentConfig(),
    schema: AgentConfigSchema,
    envPrefix: AGENT_ENV_PREFIX,
  });
  try {
    if (command === 'read-once') {
      const sensor = createSensor(config, log);
      const r = await sensor.read();
      const quality = new QualityFilter(config.quality).assess(r);
      process.stdout.write(`${JSON.stringify({ sensor: sensor.kind, simulated: sensor.simulated, ...r, quality })}\n`);
      return 0;
    }
    const pingGateway = async () => {
      const t = new HttpTransport({
        baseUrl: config.gateway.url,
        token: config.gateway.token,
        timeoutMs: config.gateway.timeoutMs,
      });
      const res = await t.request('GET', '/api/v3/ping').catch((err: Error) => err);
      t.close();
      if (res instanceof Error) return res.message;
      return res.ok ? undefined : `HTTP ${res.status}`;
    };
    if (command === 'doctor') {
      const findings = await runDoctor(config, detectPlatform(), { gatewayReachable: pingGateway });
      process.stdout.write(`${formatFindings(findings)}\n`);
      return findings.some((f) => f.status === 'fail') ? 3 : 0;
    }
    if (command === 'check') {
      const problem = await pingGateway();
      if (problem) {
        throw new ExitError(
          4,
          `hvac-agent: gateway ${config.gateway.url}: ${problem}; check gateway.url (AGENT_GATEWAY_URL)`,
        );
      }
      process.stdout.write(`configuration valid; gateway ${config.gateway.url} answers\n`);
      return 0;
    }
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
    return undefined;
  } catch (err) {
    if (err instanceof NoGpioError) throw new ExitError(3, `hvac-agent: ${err.message}`);
    throw err;
  }
});
