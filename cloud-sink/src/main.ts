#!/usr/bin/env node
import { createRequire } from 'node:module';
import { handleSignals, Lifecycle, runCli, startService } from '@hvac-edge/shared';
import { createSink, loadRecommender } from './app.js';
import { loadSinkConfig, SINK_ENV_PREFIX, SinkConfigSchema } from './config.js';
import { SinkMetrics } from './metrics.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };
const USAGE = `usage: hvac-sink [--help] [--version]
The hvac-edge cloud sink: consumes the events topic, writes InfluxDB, recommends set-points. Waits for Kafka when it
is not there yet (saying so), serving /healthz, /readyz and /metrics meanwhile. Configuration: SINK_CONFIG=<file.yaml>
and SINK_* variables (docs/configuration.md). Exit codes: 0 stopped, 1 unexpected error, 2 usage or configuration,
3 environment (port in use, missing model directory), 4 a dependency refused.`;

/** The sink process: config, logger, signals. SIGTERM stops fetching, lets the batch finish, and disconnects. */
runCli({ program: 'hvac-sink', version, usage: USAGE }, async () => {
  const { config, log, sd } = startService({
    program: 'hvac-sink',
    service: 'cloud-sink',
    load: () => loadSinkConfig(),
    schema: SinkConfigSchema,
    envPrefix: SINK_ENV_PREFIX,
  });
  const metrics = new SinkMetrics({ defaultMetrics: true });
  const recommender = await loadRecommender(config.inference, metrics, log);
  const sink = createSink(config, log, { metrics, ...(recommender ? { recommender } : {}) });
  const lifecycle = new Lifecycle(log).add({
    name: 'sink',
    start: () => sink.start({ host: config.http.host, port: config.http.port }),
    stop: () => sink.stop(),
  });
  handleSignals(log, async () => {
    await sd.stopping();
    await lifecycle.stop();
  });
  await lifecycle.start();
  log.info({ topic: config.kafka.topic, group: config.kafka.groupId, influx: config.influx.url }, 'sink started');
  await sd.ready('consuming');
  return undefined;
});
