#!/usr/bin/env node
import { createLogger, handleSignals, Lifecycle, loadConfigOrExit, SdNotify } from '@hvac-edge/shared';
import { createSink, loadRecommender } from './app.js';
import { loadSinkConfig } from './config.js';
import { SinkMetrics } from './metrics.js';

/** The sink process: config, logger, signals. SIGTERM stops fetching, lets the batch finish, and disconnects. */
async function main(): Promise<void> {
  const config = loadConfigOrExit('hvac-sink', () => loadSinkConfig());
  const log = createLogger('cloud-sink', { level: config.log.level });
  const sd = new SdNotify({ onError: (err) => log.warn({ err }, 'sd_notify failed') });
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
  log.info({ topic: config.kafka.topic, group: config.kafka.groupId, influx: config.influx.url }, 'sink consuming');
  await sd.ready('consuming');
}

main().catch((err: unknown) => {
  process.stderr.write(`hvac-sink: fatal: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
