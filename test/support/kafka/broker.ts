// A Kafka wire-protocol broker for tests: kafkajs talks to it over TCP exactly as to Kafka. One node, several
// partitions per topic, idempotent-producer de-duplication, consumer groups, long-poll fetch, and fault injection.
// Test infrastructure only: never a production path.
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { ApiKey, ErrorCode, Reader, Writer } from './codec.js';
import { GroupCoordinator } from './group.js';
import { PartitionLog, splitBatches } from './log.js';

/** Apache Kafka 4.x's default log.message.timestamp.after.max.ms. */
const MAX_TIMESTAMP_AHEAD_MS = 3_600_000;

const SUPPORTED: Record<number, [number, number]> = {
  [ApiKey.Produce]: [3, 3],
  [ApiKey.Fetch]: [4, 4],
  [ApiKey.ListOffsets]: [1, 1],
  [ApiKey.Metadata]: [1, 1],
  [ApiKey.OffsetCommit]: [2, 2],
  [ApiKey.OffsetFetch]: [1, 1],
  [ApiKey.FindCoordinator]: [0, 0],
  [ApiKey.JoinGroup]: [1, 1],
  [ApiKey.Heartbeat]: [0, 0],
  [ApiKey.LeaveGroup]: [0, 0],
  [ApiKey.SyncGroup]: [0, 0],
  [ApiKey.ApiVersions]: [0, 2],
  [ApiKey.CreateTopics]: [0, 0],
  [ApiKey.InitProducerId]: [0, 0],
  [ApiKey.SaslHandshake]: [1, 1],
  [ApiKey.SaslAuthenticate]: [0, 1],
};

/** What a client may send before it authenticated, when the broker asks for SASL. */
const BEFORE_AUTH = new Set<number>([ApiKey.ApiVersions, ApiKey.SaslHandshake, ApiKey.SaslAuthenticate]);

export interface KafkaTestBrokerOptions {
  /** Partitions of auto-created topics. */
  defaultPartitions?: number;
  autoCreateTopics?: boolean;
  port?: number;
  /** Listen with TLS (PEM certificate and key) instead of plain TCP. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Require SASL/PLAIN with this user before any other request. */
  sasl?: { username: string; password: string };
}

interface Ctx {
  clientId: string;
  apiVersion: number;
  socket: Socket;
}

type Handler = (r: Reader, ctx: Ctx) => Promise<Buffer | null> | Buffer | null;

export class KafkaTestBroker {
  readonly topics = new Map<string, PartitionLog[]>();
  private readonly groups = new GroupCoordinator();
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private port = 0;
  private nextProducerId = 1000n;
  private readonly waiters = new Set<() => void>();
  private refusing = false;
  private readonly drops = new Map<number, number>();
  private readonly responseDrops = new Map<number, number>();
  private readonly failures = new Map<number, { code: number; count: number }>();
  private readonly maxMessageBytes = new Map<string, number>();
  private readonly authenticated = new WeakSet<Socket>();
  private delayMs = 0;
  readonly requestCounts = new Map<number, number>();
  private readonly handlers: Record<number, Handler>;

  constructor(private readonly options: KafkaTestBrokerOptions = {}) {
    this.handlers = {
      [ApiKey.ApiVersions]: (_r, ctx) => this.apiVersions(ctx),
      [ApiKey.Metadata]: (r) => this.metadata(r),
      [ApiKey.CreateTopics]: (r) => this.createTopics(r),
      [ApiKey.InitProducerId]: () => this.initProducerId(),
      [ApiKey.Produce]: (r) => this.produce(r),
      [ApiKey.Fetch]: (r) => this.fetch(r),
      [ApiKey.ListOffsets]: (r) => this.listOffsets(r),
      [ApiKey.FindCoordinator]: () => this.findCoordinator(),
      [ApiKey.JoinGroup]: (r, ctx) => this.joinGroup(r, ctx),
      [ApiKey.SyncGroup]: (r) => this.syncGroup(r),
      [ApiKey.Heartbeat]: (r) => this.heartbeat(r),
      [ApiKey.LeaveGroup]: (r) => this.leaveGroup(r),
      [ApiKey.OffsetCommit]: (r) => this.offsetCommit(r),
      [ApiKey.OffsetFetch]: (r) => this.offsetFetch(r),
      [ApiKey.SaslHandshake]: (r) => this.saslHandshake(r),
      [ApiKey.SaslAuthenticate]: (r, ctx) => this.saslAuthenticate(r, ctx),
    };
  }

  get brokers(): string[] {
    return [`127.0.0.1:${this.port}`];
  }

  async start(): Promise<void> {
    this.port = await this.listen(this.options.port ?? 0);
  }

  private listen(port: number): Promise<number> {
    const tls = this.options.tls;
    const server = tls
      ? createTlsServer({ cert: tls.cert, key: tls.key }, (socket) => this.onConnection(socket))
      : createServer((socket) => this.onConnection(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const a = server.address();
        resolve(typeof a === 'object' && a ? a.port : 0);
      });
    });
  }

  async stop(): Promise<void> {
    this.groups.close();
    for (const s of this.sockets) s.destroy();
    for (const w of this.waiters) w();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    this.server = undefined;
  }

  // ---- fault injection -------------------------------------------------------------------------------------

  /** While on, the port is closed (clients get ECONNREFUSED) and open connections are cut. */
  async refuseConnections(on: boolean): Promise<void> {
    if (on === this.refusing) return;
    this.refusing = on;
    if (on) {
      for (const s of this.sockets) s.destroy();
      await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
    } else {
      await this.listen(this.port);
    }
  }

  /**
   * Forgets every topic, record and producer state, as a broker that comes back with an empty log directory: an
   * idempotent producer's next batch is then out of sequence for it.
   */
  loseData(): void {
    this.topics.clear();
    this.maxMessageBytes.clear();
  }

  /** Cuts the connection when the next `count` requests of `apiKey` arrive (no response). */
  dropNext(apiKey: number, count = 1): void {
    this.drops.set(apiKey, count);
  }

  /** Handles the next `count` requests of `apiKey`, then cuts the connection instead of answering (lost reply). */
  dropResponseNext(apiKey: number, count = 1): void {
    this.responseDrops.set(apiKey, count);
  }

  /** Answers the next `count` requests of `apiKey` with `errorCode` (Produce: per partition). */
  failNext(apiKey: number, errorCode: number, count = 1): void {
    this.failures.set(apiKey, { code: errorCode, count });
  }

  /** Delays every response by `ms`. */
  delayResponses(ms: number): void {
    this.delayMs = ms;
  }

  // ---- framing ---------------------------------------------------------------------------------------------

  private onConnection(socket: Socket): void {
    if (this.refusing) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {});
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      while (buf.length >= 4) {
        const size = buf.readInt32BE(0);
        if (buf.length < 4 + size) break;
        const frame = buf.subarray(4, 4 + size);
        buf = buf.subarray(4 + size);
        void this.onRequest(socket, frame);
      }
    });
  }

  private takeCount(map: Map<number, number>, key: number): boolean {
    const n = map.get(key);
    if (!n) return false;
    if (n <= 1) map.delete(key);
    else map.set(key, n - 1);
    return true;
  }

  /** Consumes one injected failure for `apiKey`, if any. */
  private failure(apiKey: number): number | undefined {
    const f = this.failures.get(apiKey);
    if (!f) return undefined;
    f.count -= 1;
    if (f.count <= 0) this.failures.delete(apiKey);
    return f.code;
  }

  private async onRequest(socket: Socket, frame: Buffer): Promise<void> {
    const r = new Reader(frame);
    const apiKey = r.int16();
    const apiVersion = r.int16();
    const correlationId = r.int32();
    const clientId = r.nullableString() ?? '';
    this.requestCounts.set(apiKey, (this.requestCounts.get(apiKey) ?? 0) + 1);
    if (this.takeCount(this.drops, apiKey)) {
      socket.destroy();
      return;
    }
    // As Kafka does: a connection that has not authenticated gets nothing but the handshake.
    if (this.options.sasl && !this.authenticated.has(socket) && !BEFORE_AUTH.has(apiKey)) {
      socket.destroy();
      return;
    }
    const [min, max] = SUPPORTED[apiKey] ?? [-1, -2];
    let body: Buffer | null;
    if (apiVersion < min || apiVersion > max) {
      // kafkajs probes ApiVersions from its newest version down and needs UNSUPPORTED_VERSION to step down.
      body = new Writer().int16(ErrorCode.UNSUPPORTED_VERSION).int32(0).toBuffer();
    } else {
      body = await (this.handlers[apiKey] as Handler)(r, { clientId, apiVersion, socket });
    }
    if (body === null || socket.destroyed) return;
    if (this.takeCount(this.responseDrops, apiKey)) {
      socket.destroy();
      return;
    }
    if (this.delayMs > 0) await new Promise((res) => setTimeout(res, this.delayMs));
    const header = Buffer.alloc(8);
    header.writeInt32BE(body.length + 4, 0);
    header.writeInt32BE(correlationId, 4);
    socket.write(Buffer.concat([header, body]));
  }

  // ---- topics ----------------------------------------------------------------------------------------------

  /** A topic; `max.message.bytes` (from CreateTopics configs) bounds each record batch as Kafka's does. */
  createTopic(
    name: string,
    partitions = this.options.defaultPartitions ?? 3,
    config: { maxMessageBytes?: number } = {},
  ): boolean {
    if (this.topics.has(name)) return false;
    if (config.maxMessageBytes !== undefined) this.maxMessageBytes.set(name, config.maxMessageBytes);
    this.topics.set(
      name,
      Array.from({ length: partitions }, () => new PartitionLog()),
    );
    return true;
  }

  private partition(topic: string, p: number): PartitionLog | undefined {
    return this.topics.get(topic)?.[p];
  }

  // ---- handlers --------------------------------------------------------------------------------------------

  private apiVersions(ctx: Ctx): Buffer {
    const w = new Writer().int16(ErrorCode.NONE);
    w.array(Object.entries(SUPPORTED), (x, [key, [min, max]]) => x.int16(Number(key)).int16(min).int16(max));
    if (ctx.apiVersion >= 1) w.int32(0);
    return w.toBuffer();
  }

  private metadata(r: Reader): Buffer {
    const requested = r.array((x) => x.string());
    const names = requested ?? [...this.topics.keys()];
    // As Apache Kafka (KRaft) does: a metadata request creates a missing topic, but answers
    // UNKNOWN_TOPIC_OR_PARTITION for it this once; the client must ask again (a consumer subscribing to a new topic
    // fails its first attempt).
    const created = new Set<string>();
    if (this.options.autoCreateTopics ?? true) {
      for (const n of names) {
        if (!this.topics.has(n)) created.add(n);
        this.createTopic(n);
      }
    }
    return this.metadataBody(names, created);
  }

  private metadataBody(names: string[], justCreated: ReadonlySet<string> = new Set()): Buffer {
    const w = new Writer()
      .array([0], (x) => x.int32(0).string('127.0.0.1').int32(this.port).string(null))
      .int32(0)
      .int32(names.length);
    for (const name of names) {
      const parts = this.topics.get(name);
      if (!parts || justCreated.has(name)) {
        w.int16(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION).string(name).int8(0).int32(0);
        continue;
      }
      w.int16(ErrorCode.NONE).string(name).int8(0).int32(parts.length);
      for (let i = 0; i < parts.length; i++) {
        w.int16(ErrorCode.NONE)
          .int32(i)
          .int32(0)
          .array([0], (x, n) => x.int32(n))
          .array([0], (x, n) => x.int32(n));
      }
    }
    return w.toBuffer();
  }

  private createTopics(r: Reader): Buffer {
    const topics =
      r.array((x) => {
        const name = x.string();
        const partitions = x.int32();
        x.int16();
        x.array((y) => {
          y.int32();
          y.array((z) => z.int32());
        });
        const configs =
          x.array((y) => {
            const key = y.string();
            return [key, y.nullableString()] as const;
          }) ?? [];
        return { name, partitions, configs: new Map(configs) };
      }) ?? [];
    r.int32();
    return new Writer()
      .array(topics, (w, t) =>
        w.string(t.name).int16(
          this.createTopic(t.name, t.partitions > 0 ? t.partitions : undefined, {
            maxMessageBytes: Number(t.configs.get('max.message.bytes') ?? Number.POSITIVE_INFINITY),
          })
            ? 0
            : ErrorCode.TOPIC_ALREADY_EXISTS,
        ),
      )
      .toBuffer();
  }

  private saslHandshake(r: Reader): Buffer {
    const mechanism = r.string();
    const code = mechanism === 'PLAIN' ? ErrorCode.NONE : ErrorCode.UNSUPPORTED_SASL_MECHANISM;
    return new Writer()
      .int16(code)
      .array(['PLAIN'], (w, m) => w.string(m))
      .toBuffer();
  }

  /** SASL/PLAIN: "authzid NUL user NUL password". */
  private saslAuthenticate(r: Reader, ctx: Ctx): Buffer {
    const [, user, password] = (r.bytes() ?? Buffer.alloc(0)).toString('utf8').split('\0');
    const ok = user === this.options.sasl?.username && password === this.options.sasl?.password;
    if (ok) this.authenticated.add(ctx.socket);
    const w = new Writer()
      .int16(ok ? ErrorCode.NONE : ErrorCode.SASL_AUTHENTICATION_FAILED)
      .string(ok ? null : 'Authentication failed: invalid credentials')
      .bytes(Buffer.alloc(0));
    if (ctx.apiVersion >= 1) w.int64(0n);
    return w.toBuffer();
  }

  private initProducerId(): Buffer {
    const id = this.nextProducerId;
    this.nextProducerId += 1n;
    return new Writer().int32(0).int16(ErrorCode.NONE).int64(id).int16(0).toBuffer();
  }

  private produce(r: Reader): Buffer | null {
    r.nullableString();
    const acks = r.int16();
    r.int32();
    const injected = this.failure(ApiKey.Produce);
    const topics =
      r.array((x) => ({
        topic: x.string(),
        partitions: x.array((y) => ({ partition: y.int32(), records: y.bytes() ?? Buffer.alloc(0) })) ?? [],
      })) ?? [];
    const results = topics.map((t) => ({
      topic: t.topic,
      partitions: t.partitions.map((p) => {
        if (injected !== undefined) return { partition: p.partition, error: injected, baseOffset: -1n };
        if (!this.topics.has(t.topic) && (this.options.autoCreateTopics ?? true)) this.createTopic(t.topic);
        const log = this.partition(t.topic, p.partition);
        if (!log) return { partition: p.partition, error: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, baseOffset: -1n };
        let first: bigint | undefined;
        const max = this.maxMessageBytes.get(t.topic) ?? Number.POSITIVE_INFINITY;
        if (splitBatches(p.records).some((b) => b.length > max)) {
          return { partition: p.partition, error: ErrorCode.MESSAGE_TOO_LARGE, baseOffset: -1n };
        }
        // Apache Kafka 4's log.message.timestamp.after.max.ms (1 h): records stamped further ahead are refused.
        // The batch header's maxTimestamp is at byte 35.
        const latest = BigInt(Date.now() + MAX_TIMESTAMP_AHEAD_MS);
        if (splitBatches(p.records).some((b) => b.length >= 43 && b.readBigInt64BE(35) > latest)) {
          return { partition: p.partition, error: ErrorCode.INVALID_TIMESTAMP, baseOffset: -1n };
        }
        for (const batch of splitBatches(p.records)) {
          const res = log.append(batch);
          if ('error' in res)
            return { partition: p.partition, error: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, baseOffset: -1n };
          first ??= res.baseOffset;
        }
        return { partition: p.partition, error: ErrorCode.NONE, baseOffset: first ?? log.highWatermark };
      }),
    }));
    for (const wake of [...this.waiters]) wake();
    if (acks === 0) return null;
    return new Writer()
      .array(results, (w, t) =>
        w
          .string(t.topic)
          .array(t.partitions, (x, p) => x.int32(p.partition).int16(p.error).int64(p.baseOffset).int64(-1)),
      )
      .int32(0)
      .toBuffer();
  }

  private async fetch(r: Reader): Promise<Buffer> {
    r.int32();
    const maxWait = r.int32();
    const minBytes = r.int32();
    r.int32();
    r.int8();
    const topics =
      r.array((x) => ({
        topic: x.string(),
        partitions: x.array((y) => ({ partition: y.int32(), offset: y.int64(), maxBytes: y.int32() })) ?? [],
      })) ?? [];
    const build = () => {
      let bytes = 0;
      const out = topics.map((t) => ({
        topic: t.topic,
        partitions: t.partitions.map((p) => {
          const log = this.partition(t.topic, p.partition);
          if (!log)
            return {
              partition: p.partition,
              error: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
              hw: -1n,
              records: Buffer.alloc(0),
            };
          if (p.offset > log.highWatermark || p.offset < 0n) {
            return {
              partition: p.partition,
              error: ErrorCode.OFFSET_OUT_OF_RANGE,
              hw: log.highWatermark,
              records: Buffer.alloc(0),
            };
          }
          const records = p.offset < log.highWatermark ? log.read(p.offset, p.maxBytes) : Buffer.alloc(0);
          bytes += records.length;
          return { partition: p.partition, error: ErrorCode.NONE, hw: log.highWatermark, records };
        }),
      }));
      return { bytes, out };
    };
    let result = build();
    if (result.bytes < Math.max(1, minBytes) && maxWait > 0) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, maxWait);
        this.waiters.add(done);
      });
      result = build();
    }
    return new Writer()
      .int32(0)
      .array(result.out, (w, t) =>
        w
          .string(t.topic)
          .array(t.partitions, (x, p) =>
            x.int32(p.partition).int16(p.error).int64(p.hw).int64(p.hw).int32(0).bytes(p.records),
          ),
      )
      .toBuffer();
  }

  private listOffsets(r: Reader): Buffer {
    r.int32();
    const topics =
      r.array((x) => ({
        topic: x.string(),
        partitions: x.array((y) => ({ partition: y.int32(), timestamp: y.int64() })) ?? [],
      })) ?? [];
    return new Writer()
      .array(topics, (w, t) =>
        w.string(t.topic).array(t.partitions, (x, p) => {
          const log = this.partition(t.topic, p.partition);
          if (!log) return void x.int32(p.partition).int16(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION).int64(-1).int64(-1);
          const offset = p.timestamp === -2n ? 0n : log.highWatermark;
          x.int32(p.partition).int16(ErrorCode.NONE).int64(-1).int64(offset);
        }),
      )
      .toBuffer();
  }

  private findCoordinator(): Buffer {
    const injected = this.failure(ApiKey.FindCoordinator);
    return new Writer()
      .int16(injected ?? ErrorCode.NONE)
      .int32(0)
      .string('127.0.0.1')
      .int32(this.port)
      .toBuffer();
  }

  private async joinGroup(r: Reader, ctx: Ctx): Promise<Buffer> {
    const groupId = r.string();
    const sessionTimeoutMs = r.int32();
    const rebalanceTimeoutMs = r.int32();
    const memberId = r.string();
    const protocolType = r.string();
    const protocols = r.array((x) => ({ name: x.string(), metadata: x.bytes() ?? Buffer.alloc(0) })) ?? [];
    const res = await this.groups.join(groupId, {
      memberId,
      clientId: ctx.clientId,
      sessionTimeoutMs,
      rebalanceTimeoutMs,
      protocolType,
      protocols,
    });
    return new Writer()
      .int16(res.errorCode)
      .int32(res.generationId)
      .string(res.protocol)
      .string(res.leaderId)
      .string(res.memberId)
      .array(res.members, (w, m) => w.string(m.memberId).bytes(m.metadata))
      .toBuffer();
  }

  private async syncGroup(r: Reader): Promise<Buffer> {
    const groupId = r.string();
    const generationId = r.int32();
    const memberId = r.string();
    const assignments = r.array((x) => ({ memberId: x.string(), assignment: x.bytes() ?? Buffer.alloc(0) })) ?? [];
    const res = await this.groups.sync(groupId, generationId, memberId, assignments);
    return new Writer().int16(res.errorCode).bytes(res.assignment).toBuffer();
  }

  private heartbeat(r: Reader): Buffer {
    const groupId = r.string();
    const generationId = r.int32();
    const memberId = r.string();
    return new Writer().int16(this.groups.heartbeat(groupId, generationId, memberId)).toBuffer();
  }

  private leaveGroup(r: Reader): Buffer {
    const groupId = r.string();
    const memberId = r.string();
    return new Writer().int16(this.groups.leave(groupId, memberId)).toBuffer();
  }

  private offsetCommit(r: Reader): Buffer {
    const groupId = r.string();
    const generationId = r.int32();
    const memberId = r.string();
    r.int64();
    const injected = this.failure(ApiKey.OffsetCommit);
    const topics =
      r.array((x) => ({
        topic: x.string(),
        partitions: x.array((y) => ({ partition: y.int32(), offset: y.int64(), metadata: y.nullableString() })) ?? [],
      })) ?? [];
    return new Writer()
      .array(topics, (w, t) =>
        w
          .string(t.topic)
          .array(t.partitions, (x, p) =>
            x
              .int32(p.partition)
              .int16(
                injected ??
                  this.groups.commit(groupId, generationId, memberId, t.topic, p.partition, p.offset, p.metadata),
              ),
          ),
      )
      .toBuffer();
  }

  private offsetFetch(r: Reader): Buffer {
    const groupId = r.string();
    const topics = r.array((x) => ({ topic: x.string(), partitions: x.array((y) => y.int32()) ?? [] })) ?? [];
    return new Writer()
      .array(topics, (w, t) =>
        w.string(t.topic).array(t.partitions, (x, p) => {
          const o = this.groups.fetchOffset(groupId, t.topic, p);
          x.int32(p).int64(o.offset).string(o.metadata).int16(ErrorCode.NONE);
        }),
      )
      .toBuffer();
  }
}
