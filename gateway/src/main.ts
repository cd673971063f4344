#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';
import { handleSignals, Lifecycle, runCli, startService } from '@hvac-edge/shared';
import { createGateway } from './app.js';
import { ENV_PREFIX, GatewayConfigSchema, loadGatewayConfig } from './config.js';
import { VERSION } from './http/types.js';

const USAGE = `usage: hvac-gateway [--help] [--version]
The hvac-edge gateway: EdgeX v3 ingest (HTTP, MQTT), a durable buffer, forwarding to Kafka or the embedded sink,
set-point commands to devices, the monitoring API. Configuration: GATEWAY_CONFIG=<file.yaml> and GATEWAY_*
variables (docs/configuration.md). Exit codes: 0 stopped, 1 unexpected error, 2 usage or configuration,
3 environment (port in use, missing file), 4 a dependency refused.`;

/** The gateway process: config, logger, signals, systemd notification. Everything else is wired in app.ts. */
runCli({ program: 'hvac-gateway', version: VERSION, usage: USAGE }, async () => {
  const { config, log, sd } = startService({
    program: 'hvac-gateway',
    service: 'gateway',
    load: () => loadGatewayConfig(),
    schema: GatewayConfigSchema,
    envPrefix: ENV_PREFIX,
  });
  // Read by V8 at each collection, so it holds from here on (a gateway on a small board can keep its heap near what
  // is live, for more full collections: see the setting's description).
  if (config.runtime.heapGrowthPercent > 0) {
    setFlagsFromString(`--heap-growing-percent=${config.runtime.heapGrowthPercent}`);
  }
  const gateway = await createGateway(config, log);
  const lifecycle = new Lifecycle(log).add({
    name: 'gateway',
    start: async () => {
      const addresses = await gateway.start();
      log.info({ addresses, store: config.store.path, gatewayId: config.gatewayId }, 'gateway listening');
    },
    stop: () => gateway.stop(),
  });
  handleSignals(
    log,
    async () => {
      await sd.stopping();
      await lifecycle.stop();
    },
    { timeoutMs: config.http.shutdownTimeoutMs },
  );
  await lifecycle.start();
  await sd.ready('accepting events');
  return undefined;
});
