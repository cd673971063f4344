import { createServer, type Server, type Socket } from 'node:net';
import { MemoryData, runCommand } from './commands.js';
import { encodeReply, MORE_TO_COME, parseMessage } from './wire.js';

/**
 * A MongoDB wire-protocol server for tests: OP_MSG (and the legacy OP_QUERY handshake) over TCP, BSON through the
 * driver's own `bson` package, query, update and aggregation semantics through mingo, data in memory. It speaks
 * enough for the gateway's MongoDB adapter, so the official `mongodb` driver runs against it unmodified. It can go
 * away and come back on the same port with its data, for outage tests. Test infrastructure only.
 */
export class MongoTestServer {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  readonly data = new MemoryData();
  port = 0;
  commands = 0;

  get url(): string {
    return `mongodb://127.0.0.1:${this.port}/?directConnection=true`;
  }

  async start(): Promise<void> {
    const server = createServer((socket) => this.serve(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    const a = server.address();
    this.port = typeof a === 'object' && a ? a.port : this.port;
    this.server = server;
  }

  /** Closes the listener and every connection (the data stays, for a later `start`). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    let buffered: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
      while (buffered.length >= 4) {
        const len = buffered.readInt32LE(0);
        if (buffered.length < len) break;
        const msg = buffered.subarray(0, len);
        buffered = buffered.subarray(len);
        let reply: Buffer | undefined;
        try {
          const incoming = parseMessage(msg);
          this.commands += 1;
          const result = runCommand(this.data, incoming.command);
          if (!(incoming.flags & MORE_TO_COME)) reply = encodeReply(incoming, result);
        } catch {
          socket.destroy();
          return;
        }
        if (reply) socket.write(reply);
      }
    });
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  }
}

/**
 * The MongoDB the tests talk to: the real-mongo project's FerretDB, a real server when MONGO_URL is set, otherwise
 * the wire-protocol test server on a random port. `outage` is only available on the test server.
 */
export async function startMongoForTests(): Promise<{
  url: string;
  testServer: MongoTestServer | undefined;
  stop(): Promise<void>;
}> {
  // The real-server project's FerretDB (vitest provide/inject), else MONGO_URL, else the test server.
  const { providedServer } = await import('../real-servers/inject.js');
  const real = providedServer('realMongoUrl') ?? process.env.MONGO_URL;
  if (real) return { url: real, testServer: undefined, stop: async () => {} };
  const server = new MongoTestServer();
  await server.start();
  return { url: server.url, testServer: server, stop: () => server.stop() };
}
