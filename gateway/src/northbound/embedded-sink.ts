import type { EmbeddedSink, EmbeddedSinkSummary, SeriesQuery } from '@hvac-edge/cloud-sink/embedded';
import type { Component, Logger } from '@hvac-edge/shared';
import type { AlertSink } from '@hvac-edge/shared/alerts';
import type { CommandQueue } from '../commands/command-queue.js';
import type { GatewayConfig } from '../config.js';
import type { GatewayMetrics } from '../metrics.js';
import type { EventPublisher } from './event-publisher.js';

export interface EmbeddedSinkFeature {
  /** Loads the model at start, closes its point store at stop. */
  component: Component;
  /** Where the forwarder sends events: straight into the sink's pipeline. */
  publisher: EventPublisher;
  summary(): Promise<EmbeddedSinkSummary>;
  series(q: SeriesQuery): Array<[number, number]>;
  readonly sink: EmbeddedSink;
}

/**
 * The cloud sink in this process (single box, no Kafka): its points go to a local store, its closed-loop commands
 * straight into this gateway's command queue. `@hvac-edge/cloud-sink` (and TensorFlow.js with it) is an optional
 * dependency of the gateway, loaded only here, so a gateway image built without it forwards to Kafka as before.
 */
export async function createEmbeddedSink(
  config: Readonly<GatewayConfig>,
  commands: CommandQueue,
  metrics: GatewayMetrics,
  log: Logger,
  /** The gateway's alert engine: room anomalies are listed and published with its own alerts. */
  alerts?: AlertSink,
): Promise<EmbeddedSinkFeature | undefined> {
  const e = config.embeddedSink;
  if (!e.enabled) return undefined;
  const module = await import('@hvac-edge/cloud-sink/embedded').catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ERR_MODULE_NOT_FOUND') throw err;
    throw new Error(
      'embeddedSink.enabled needs the optional package @hvac-edge/cloud-sink, which this installation lacks ' +
        '(a gateway image built with EMBEDDED_SINK=false); rebuild with it, or forward to Kafka instead',
    );
  });
  const sink = new module.EmbeddedSink(
    e,
    {
      deliver: async (cmds) => {
        // With the embedded event store, the forward mark that follows goes to the same SQLite file.
        await commands.enqueueRecommendations(cmds, 'embedded', {
          syncedByForwardMark: config.store.kind === 'sqlite',
        });
      },
    },
    new module.SinkMetrics({ registry: metrics.registry }),
    log.child({ module: 'embedded-sink' }),
    alerts ? [alerts] : [],
  );
  return {
    sink,
    component: sink,
    publisher: {
      connect: async () => {},
      disconnect: async () => {},
      publish: (events) => sink.process(events.map((o) => ({ ...o.envelope, event: o.event }))),
    },
    summary: () => sink.summary(),
    series: (q) => sink.points.series(q),
  };
}
