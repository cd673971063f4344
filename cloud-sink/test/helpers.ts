import { createServer } from 'node:http';
import { gunzipSync } from 'node:zlib';

export interface TsdbProxy {
  url: string;
  /** While down, every write is answered 503. */
  down: boolean;
  /** Added before each forwarded write. */
  delayMs: number;
  refused: number;
  /** A write whose body this matches is answered 400 as InfluxDB answers a point it cannot take. */
  refuse?: (body: string) => boolean;
  /** Called with the (inflated) line protocol of every write the TSDB acknowledged, right after its answer. */
  onWritten?: (lines: string) => void;
  close(): Promise<void>;
}

/** A switchable HTTP proxy in front of the TSDB, standing for outages and slow writes. */
export async function startTsdbProxy(
  target: string,
  init: {
    down?: boolean;
    delayMs?: number;
    refuse?: (body: string) => boolean;
    onWritten?: (lines: string) => void;
  } = {},
): Promise<TsdbProxy> {
  const state = {
    down: init.down ?? false,
    delayMs: init.delayMs ?? 0,
    refused: 0,
    refuse: init.refuse,
    onWritten: init.onWritten,
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      if (state.down) {
        state.refused += 1;
        res.writeHead(503).end('down for the test');
        return;
      }
      const body = Buffer.concat(chunks);
      const text = () => (req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString();
      if (state.refuse?.(text())) {
        state.refused += 1;
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end('{"code":"invalid","message":"unable to parse points: refused for the test"}');
        return;
      }
      if (state.delayMs > 0) await new Promise((r) => setTimeout(r, state.delayMs));
      try {
        const r = await fetch(`${target}${req.url}`, {
          method: req.method ?? 'POST',
          headers: {
            'content-type': String(req.headers['content-type'] ?? 'text/plain'),
            ...(req.headers['content-encoding'] ? { 'content-encoding': String(req.headers['content-encoding']) } : {}),
            ...(req.headers.authorization ? { authorization: String(req.headers.authorization) } : {}),
          },
          ...(req.method === 'GET' || req.method === 'HEAD' ? {} : { body: Buffer.concat(chunks) }),
        });
        const answer = await r.text();
        if (r.ok && req.method === 'POST') state.onWritten?.(text());
        res.writeHead(r.status).end(answer);
      } catch {
        res.writeHead(502).end('upstream failed');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  const url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  return Object.assign(state, {
    url,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  }) as TsdbProxy;
}
