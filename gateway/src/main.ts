#!/usr/bin/env node
import { createLogger, handleSignals, Lifecycle, loadConfigOrExit, SdNotify } from '@hvac-edge/shared';
import { createGateway } from './app.js';
import { loadGatewayConfig } from './config.js';

/** The gateway process: config, logger, signals, systemd notification. Everything else is wired in app.ts. */
async function main(): Promise<void> {
  const config = loadConfigOrExit('hvac-gateway', () => loadGatewayConfig());
  const log = createLogger('gateway', { level: config.log.level });
  const sd = new SdNotify({ onError: (err) => log.warn({ err }, 'sd_notify failed') });
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
}

main().catch((err: unknown) => {
  process.stderr.write(`hvac-gateway: fatal: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
