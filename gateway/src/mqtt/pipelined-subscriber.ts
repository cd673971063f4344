import { type Socket, connect as tcpConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { backoffDelay } from '@hvac-edge/shared';
import type { Packet } from 'mqtt-packet';
import * as mqttPacket from 'mqtt-packet';
import type { Logger } from 'pino';

export interface PipelinedSubscriberOptions {
  /** mqtt://, tcp://, mqtts://, ssl:// or tls:// */
  url: string;
  clientId: string;
  username: string;
  password: string;
  /** Subscribed with QoS 1 after every CONNACK. */
  filter: string;
  keepaliveSeconds: number;
  /** Reading from the socket pauses while this many messages wait for their handler. */
  maxInFlight: number;
  reconnectMinDelayMs: number;
  reconnectMaxDelayMs: number;
}

/**
 * Resolves once the message may be acknowledged. A rejection leaves it unacknowledged (the broker delivers it again
 * on the next connection); so does a connection that closes first.
 */
export type MessageHandler = (topic: string, payload: Buffer) => Promise<void>;

interface Delivery {
  messageId: number | undefined;
  done: boolean;
}

const PROTOCOL = { protocolVersion: 4 } as const;
const CONNACK_TIMEOUT_MS = 10_000;

/**
 * One persistent MQTT 3.1.1 session that subscribes with QoS 1 and hands every PUBLISH to the handler at once,
 * without waiting for the ones before it: the PUBACKs follow, in arrival order as MQTT 3.1.1 §4.6 asks, as soon as
 * each handler resolves, and those that come due in the same turn share one write. MQTT.js (used everywhere else)
 * handles one QoS 1 message at a time per connection and sends its PUBACK on a socket write of its own; with the
 * acknowledgement held until the event is durable, that capped ingest at one store commit per connection.
 * The packet codec is MQTT.js's own (mqtt-packet); only the session is written here.
 */
export class PipelinedSubscriber {
  private socket: Socket | undefined;
  private deliveries: Delivery[] = [];
  private waiting = 0;
  private ackScheduled = false;
  private sessionUp = false;
  private stopped = false;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private keepaliveTimer: NodeJS.Timeout | undefined;
  private connackTimer: NodeJS.Timeout | undefined;
  private lastReceived = 0;
  private lastSent = 0;
  private nextMessageId = 1;
  private readonly broker: { secure: boolean; host: string; port: number };

  constructor(
    private readonly options: PipelinedSubscriberOptions,
    private readonly onMessage: MessageHandler,
    private readonly log: Logger,
  ) {
    this.broker = parseBrokerUrl(options.url);
  }

  /** Connected, and the broker granted the subscription. */
  get ready(): boolean {
    return this.sessionUp;
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  /** Sends DISCONNECT (the session and its unacknowledged messages stay with the broker) and closes. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    const socket = this.socket;
    if (!socket || socket.destroyed) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      if (this.sessionUp) socket.end(mqttPacket.generate({ cmd: 'disconnect' }, PROTOCOL));
      else socket.destroy();
      // A broker that never closes its side must not hold the gateway's shutdown.
      setTimeout(() => socket.destroy(), 2000).unref();
    });
  }

  private connect(): void {
    const { secure, host, port } = this.broker;
    const socket = secure ? tlsConnect({ host, port, servername: host }) : tcpConnect({ host, port });
    socket.setNoDelay(true);
    this.socket = socket;
    this.deliveries = [];
    this.waiting = 0;
    const parser = mqttPacket.parser(PROTOCOL);
    parser.on('packet', (p: Packet) => this.onPacket(socket, p));
    parser.on('error', (err: Error) => {
      this.log.warn({ err }, 'MQTT protocol error from the broker; reconnecting');
      socket.destroy();
    });
    socket.on('data', (chunk: Buffer) => {
      this.lastReceived = Date.now();
      parser.parse(chunk);
    });
    socket.once(secure ? 'secureConnect' : 'connect', () => {
      this.send(socket, {
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: 4,
        clientId: this.options.clientId,
        clean: false,
        keepalive: this.options.keepaliveSeconds,
        ...(this.options.username
          ? { username: this.options.username, password: Buffer.from(this.options.password) }
          : {}),
      });
    });
    this.connackTimer = setTimeout(() => {
      this.log.warn({ url: this.options.url }, 'no CONNACK from the MQTT broker in time; reconnecting');
      socket.destroy();
    }, CONNACK_TIMEOUT_MS);
    socket.on('error', (err) =>
      this.log.warn({ err, clientId: this.options.clientId }, 'MQTT ingest connection error'),
    );
    socket.once('close', () => {
      clearTimeout(this.connackTimer);
      clearInterval(this.keepaliveTimer);
      // Whatever was not acknowledged comes again on the next session; acknowledging it here would be a PUBACK
      // for a message id the broker may by then have given to another message.
      this.sessionUp = false;
      this.deliveries = [];
      this.waiting = 0;
      if (this.stopped) return;
      const delay = backoffDelay(++this.attempt, this.options.reconnectMinDelayMs, this.options.reconnectMaxDelayMs);
      this.reconnectTimer = setTimeout(() => this.connect(), delay);
    });
  }

  private onPacket(socket: Socket, p: Packet): void {
    switch (p.cmd) {
      case 'connack':
        clearTimeout(this.connackTimer);
        if (p.returnCode !== 0) {
          this.log.error({ returnCode: p.returnCode, url: this.options.url }, connackReason(p.returnCode ?? -1));
          socket.destroy();
          return;
        }
        this.startKeepalive(socket);
        // Subscribing again on every connect is harmless with a persistent session, and needed after a broker
        // that lost its sessions (e.g. the embedded one restarted).
        this.send(socket, {
          cmd: 'subscribe',
          messageId: this.takeMessageId(),
          subscriptions: [{ topic: this.options.filter, qos: 1 }],
        });
        return;
      case 'suback':
        if (p.granted.some((g) => typeof g !== 'number' || g > 2)) {
          this.log.error({ filter: this.options.filter, granted: p.granted }, 'MQTT broker refused the subscription');
          socket.destroy();
          return;
        }
        this.attempt = 0;
        this.sessionUp = true;
        return;
      case 'publish':
        if (p.qos === 2) {
          // Granted QoS 1 only; a QoS 2 delivery would need PUBREC, and a PUBACK would be a protocol error.
          this.log.error({ topic: p.topic }, 'MQTT broker sent QoS 2 on a QoS 1 subscription; reconnecting');
          socket.destroy();
          return;
        }
        this.deliver(socket, p.topic, p.payload as Buffer, p.qos === 0 ? undefined : p.messageId);
        return;
      case 'pingresp':
        return;
      default:
        this.log.warn({ cmd: p.cmd }, 'unexpected MQTT packet from the broker; ignored');
    }
  }

  private deliver(socket: Socket, topic: string, payload: Buffer, messageId: number | undefined): void {
    const d: Delivery = { messageId, done: false };
    const deliveries = this.deliveries;
    deliveries.push(d);
    if (++this.waiting >= this.options.maxInFlight) socket.pause();
    this.onMessage(topic, payload).then(
      () => {
        if (this.deliveries !== deliveries) return; // that connection is gone
        d.done = true;
        if (--this.waiting < this.options.maxInFlight && socket.isPaused()) socket.resume();
        if (!this.ackScheduled) {
          this.ackScheduled = true;
          // After every handler that a store commit resolved has run, not after the first of them.
          setImmediate(() => this.flushAcks());
        }
      },
      () => undefined,
    );
  }

  private flushAcks(): void {
    this.ackScheduled = false;
    const { socket, deliveries } = this;
    if (!socket || socket.destroyed) return;
    let n = 0;
    while (n < deliveries.length && (deliveries[n] as Delivery).done) n++;
    if (n === 0) return;
    const acks: Buffer[] = [];
    for (const d of deliveries.splice(0, n)) {
      if (d.messageId !== undefined) acks.push(mqttPacket.generate({ cmd: 'puback', messageId: d.messageId }));
    }
    if (acks.length) {
      socket.write(acks.length === 1 ? (acks[0] as Buffer) : Buffer.concat(acks));
      this.lastSent = Date.now();
    }
  }

  private startKeepalive(socket: Socket): void {
    const ms = this.options.keepaliveSeconds * 1000;
    if (ms === 0) return;
    this.lastReceived = Date.now();
    this.keepaliveTimer = setInterval(() => {
      const now = Date.now();
      // While reading is paused (the store is behind) the broker's PINGRESPs wait unread: not a silent broker.
      if (socket.isPaused()) this.lastReceived = now;
      else if (now - this.lastReceived > ms * 1.5) {
        this.log.warn({ url: this.options.url }, 'MQTT broker silent past the keepalive; reconnecting');
        socket.destroy();
        return;
      }
      if (now - this.lastSent >= ms / 2) this.send(socket, { cmd: 'pingreq' });
    }, ms / 4);
    this.keepaliveTimer.unref();
  }

  private send(socket: Socket, packet: Packet): void {
    socket.write(mqttPacket.generate(packet, PROTOCOL));
    this.lastSent = Date.now();
  }

  private takeMessageId(): number {
    const id = this.nextMessageId;
    this.nextMessageId = id === 0xffff ? 1 : id + 1;
    return id;
  }
}

const SCHEMES: Record<string, { secure: boolean; port: number }> = {
  'mqtt:': { secure: false, port: 1883 },
  'tcp:': { secure: false, port: 1883 },
  'mqtts:': { secure: true, port: 8883 },
  'ssl:': { secure: true, port: 8883 },
  'tls:': { secure: true, port: 8883 },
};

export function parseBrokerUrl(url: string): { secure: boolean; host: string; port: number } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`MQTT broker URL "${url}" is not a URL`);
  }
  const scheme = SCHEMES[u.protocol];
  if (!scheme) throw new Error(`MQTT broker URL "${url}": the scheme must be one of ${Object.keys(SCHEMES).join(' ')}`);
  return { secure: scheme.secure, host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || scheme.port) };
}

function connackReason(code: number): string {
  const reasons: Record<number, string> = {
    1: 'MQTT broker refused the connection: unacceptable protocol version',
    2: 'MQTT broker refused the connection: client id rejected',
    3: 'MQTT broker refused the connection: server unavailable',
    4: 'MQTT broker refused the connection: bad user name or password',
    5: 'MQTT broker refused the connection: not authorized',
  };
  return reasons[code] ?? `MQTT broker refused the connection (return code ${code})`;
}
