import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { LogSampler, secretMatcher } from '@hvac-edge/shared';
import { Aedes } from 'aedes';
import type { Logger } from 'pino';

export interface EmbeddedBrokerOptions {
  host: string;
  port: number;
  /** Devices that may connect; each may publish only events of the device named like its user. */
  users: ReadonlyArray<{ username: string; password: string }>;
  /** EdgeX event topics: <prefix>/{service}/{profile}/{device}/{source}. */
  topicPrefix: string;
}

/** The gateway's own ingest session on the embedded broker: a user made at start, never configured. */
export const INGEST_USER = 'hvac-edge-gateway-ingest';

/**
 * An MQTT broker inside the gateway (aedes, in-memory persistence) for single-box installs without Mosquitto.
 * Sessions and queued QoS 1 messages live in memory: they survive a device reconnecting, not a gateway restart.
 * Clients authenticate with a configured user (anonymous ones only when the broker listens on loopback and no users
 * are configured); a device publishes only on its own topics (the device segment equals its user name); only the
 * gateway's own ingest session subscribes. Production fleets should run Mosquitto (deploy/mosquitto/).
 */
export class EmbeddedBroker {
  private broker: Aedes | undefined;
  private server: Server | undefined;
  port = 0;
  /** The password of the gateway's own ingest session, new at every start. */
  readonly ingestPassword = randomBytes(24).toString('base64url');

  constructor(
    private readonly options: EmbeddedBrokerOptions,
    private readonly log: Logger,
  ) {}

  private checks() {
    const users = new Map(this.options.users.map((u) => [u.username, secretMatcher([u.password])]));
    const ingest = secretMatcher([this.ingestPassword]);
    const anonymous = users.size === 0;
    const prefix = this.options.topicPrefix.split('/');
    return {
      authenticate: (_c: unknown, username: string | undefined, password: Buffer | undefined) => {
        const given = password?.toString('utf8') ?? '';
        if (username === INGEST_USER) return ingest(given);
        if (username !== undefined && users.has(username)) return users.get(username)?.(given) === true;
        return anonymous;
      },
      /** A device's user may publish only to <prefix>/{service}/{profile}/{its name}/{source}. */
      mayPublish: (username: string | undefined, topic: string) => {
        if (anonymous || username === INGEST_USER) return true;
        const parts = topic.split('/');
        return (
          parts.length === prefix.length + 4 &&
          prefix.every((p, i) => parts[i] === p) &&
          parts[prefix.length + 2] === username
        );
      },
    };
  }

  async start(): Promise<number> {
    const checks = this.checks();
    const refusals = new LogSampler();
    const broker = await Aedes.createBroker({
      // aedes does not keep the user name on the client: remember it here for authorizePublish.
      preConnect: (client, packet, callback) => {
        (client as { user?: string }).user = packet.username;
        callback(null, true);
      },
      authenticate: (client, username, password, done) => {
        const ok = checks.authenticate(client, username, password);
        const sampled = ok ? undefined : refusals.take();
        if (sampled?.log) {
          this.log.warn(
            { clientId: client.id.slice(0, 100), username: username?.slice(0, 100), suppressed: sampled.suppressed },
            'MQTT client refused: bad user name or password',
          );
        }
        done(ok ? null : Object.assign(new Error('bad user name or password'), { returnCode: 4 }), ok);
      },
      authorizePublish: (client, packet, callback) => {
        const ok = checks.mayPublish((client as { user?: string } | null)?.user, packet.topic);
        callback(ok ? null : new Error(`publishing to ${packet.topic} is not allowed for this client`));
      },
      authorizeSubscribe: (client, sub, callback) => {
        // A null subscription is a refused one (SUBACK 0x80): only the gateway's ingest session subscribes.
        callback(null, (client as { user?: string }).user === INGEST_USER ? sub : null);
      },
    });
    const server = createServer(broker.handle);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => resolve());
    });
    const a = server.address();
    this.port = typeof a === 'object' && a ? a.port : this.options.port;
    this.broker = broker;
    this.server = server;
    this.log.info(
      { host: this.options.host, port: this.port, users: this.options.users.length },
      'embedded MQTT broker (aedes) listening',
    );
    return this.port;
  }

  async stop(): Promise<void> {
    const { server, broker } = this;
    // The broker first: it disconnects its clients, so the listener can close.
    if (broker) await new Promise<void>((r) => broker.close(() => r()));
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }
}
