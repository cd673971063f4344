import type { Component, Logger } from '@hvac-edge/shared';
import type { GatewayConfig } from '../config.js';
import type { IngestService } from '../ingest.js';
import { EmbeddedBroker, INGEST_USER } from './embedded-broker.js';
import { MqttIngest } from './mqtt-ingest.js';

export interface MqttFeature extends Component {
  /** Every ingest session connected and subscribed (for /readyz). */
  readonly connected: boolean;
  /** The embedded broker's URL once started, when it runs. */
  readonly brokerUrl: string | undefined;
}

/**
 * MQTT ingest, and the embedded broker when it is on (then ingest uses it, on one connection: aedes has no shared
 * subscriptions). The ingest sessions are made at start, once the broker's port is known. Undefined when
 * `mqtt.enabled` is off.
 */
export function createMqtt(
  config: Readonly<GatewayConfig>,
  ingest: IngestService,
  log: Logger,
): MqttFeature | undefined {
  const m = config.mqtt;
  if (!m.enabled) return undefined;
  const broker = m.embeddedBroker.enabled
    ? new EmbeddedBroker({ ...m.embeddedBroker, topicPrefix: m.topicPrefix }, log.child({ module: 'mqtt-broker' }))
    : undefined;
  let sessions: MqttIngest | undefined;
  return {
    name: 'mqtt',
    get connected() {
      return sessions?.connected ?? false;
    },
    get brokerUrl() {
      return broker?.port ? `mqtt://127.0.0.1:${broker.port}` : undefined;
    },
    async start() {
      if (broker) await broker.start();
      sessions = new MqttIngest(
        {
          ...m,
          ...(broker
            ? {
                url: `mqtt://127.0.0.1:${broker.port}`,
                connections: 1,
                username: INGEST_USER,
                password: broker.ingestPassword,
              }
            : {}),
        },
        ingest,
        log.child({ module: 'mqtt-ingest' }),
      );
      sessions.start();
    },
    async stop() {
      await sessions?.stop();
      await broker?.stop();
    },
  };
}
