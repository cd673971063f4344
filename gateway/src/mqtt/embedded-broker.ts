import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';
import type { Logger } from 'pino';

/**
 * An MQTT broker inside the gateway (aedes, in-memory persistence) for single-box installs without Mosquitto.
 * Sessions and queued QoS 1 messages live in memory: they survive a device reconnecting, not a gateway restart.
 * Production fleets should run Mosquitto (deploy/mosquitto/mosquitto.conf).
 */
export class EmbeddedBroker {
  private broker: Aedes | undefined;
  private server: Server | undefined;
  port = 0;

  constructor(
    private readonly options: { host: string; port: number },
    private readonly log: Logger,
  ) {}

  async start(): Promise<number> {
    const broker = await Aedes.createBroker();
    const server = createServer(broker.handle);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => resolve());
    });
    const a = server.address();
    this.port = typeof a === 'object' && a ? a.port : this.options.port;
    this.broker = broker;
    this.server = server;
    this.log.info({ host: this.options.host, port: this.port }, 'embedded MQTT broker (aedes) listening');
    return this.port;
  }

  async stop(): Promise<void> {
    const { server, broker } = this;
    // The broker first: it disconnects its clients, so the listener can close.
    if (broker) await new Promise<void>((r) => broker.close(() => r()));
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }
}
