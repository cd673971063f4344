import { connect, type Socket } from 'node:net';
import { metricValue, waitFor } from '@hvac-edge/test/support';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers.js';

/** Clients that hold connections open: slow bodies, slow headers, idle sockets, too many sockets. */
describe('HTTP timeouts and the connection cap', () => {
  let gw: TestGateway;
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await gw?.dispose();
  });

  async function open(n: number, first: string): Promise<Array<{ socket: Socket; closed: Promise<string> }>> {
    const a = gw.server.server.address();
    const port = typeof a === 'object' && a ? a.port : 0;
    return Promise.all(
      Array.from({ length: n }, async () => {
        const socket = connect(port, '127.0.0.1');
        sockets.push(socket);
        let received = '';
        socket.on('data', (d) => {
          received += d.toString();
        });
        socket.on('error', () => {});
        const closed = new Promise<string>((resolve) => socket.once('close', () => resolve(received)));
        await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
        socket.write(first);
        return { socket, closed };
      }),
    );
  }

  it('cuts slow-body and slow-header clients after http.requestTimeoutMs, and the API keeps answering', async () => {
    gw = await startTestGateway({ 'http.requestTimeoutMs': 1000 });
    await gw.start();
    const slowBody = await open(
      20,
      'POST /api/v3/event/svc/dht22/room-1/climate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"a',
    );
    const slowHeaders = await open(20, 'GET /api/v3/ping HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    const t0 = performance.now();
    const answers = await Promise.all([...slowBody, ...slowHeaders].map((c) => c.closed));
    // Node checks the deadlines every second: cut between the timeout and the timeout plus two checks.
    expect(performance.now() - t0).toBeLessThan(5000);
    for (const a of answers) expect(a === '' || a.startsWith('HTTP/1.1 408')).toBe(true);
    const res = await fetch(`http://127.0.0.1:${(gw.server.server.address() as { port: number }).port}/api/v3/ping`);
    expect(res.status).toBe(200);
  });

  it('closes idle keep-alive connections after http.keepAliveTimeoutMs', async () => {
    gw = await startTestGateway({ 'http.keepAliveTimeoutMs': 500 });
    await gw.start();
    const t0 = performance.now();
    const [c] = await open(1, 'GET /api/v3/ping HTTP/1.1\r\nHost: x\r\n\r\n');
    const answer = await c?.closed;
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    // Node's own default would keep it 5 s.
    expect(performance.now() - t0).toBeLessThan(4000);
  });

  it('refuses connections beyond http.maxConnections and takes new ones once others close', async () => {
    gw = await startTestGateway({ 'http.maxConnections': 5 });
    await gw.start();
    const held = await open(5, 'GET /api/v3/ping HTTP/1.1\r\nHost: x\r\n');
    const [extra] = await open(1, 'GET /api/v3/ping HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await extra?.closed).toBe('');
    for (const h of held) h.socket.destroy();
    await Promise.all(held.map((h) => h.closed));
    const port = (gw.server.server.address() as { port: number }).port;
    expect((await fetch(`http://127.0.0.1:${port}/api/v3/ping`)).status).toBe(200);
  });

  it('counts the connections it holds, over the main and legacy ports, on hvac_gateway_http_connections', async () => {
    gw = await startTestGateway({ 'http.legacyPorts': [0] });
    await gw.start();
    const connections = () => metricValue(gw.metrics.registry, 'hvac_gateway_http_connections');
    expect(await connections()).toBe(0);
    const ping = 'GET /api/v3/ping HTTP/1.1\r\nHost: x\r\n\r\n';
    const main = await open(12, ping);
    const [legacyServer] = gw.http.legacy;
    if (!legacyServer) throw new Error('no legacy listener');
    const legacyPort = (legacyServer.server.address() as { port: number }).port;
    const legacy = await Promise.all(
      Array.from({ length: 3 }, async () => {
        const socket = connect(legacyPort, '127.0.0.1');
        sockets.push(socket);
        await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
        return socket;
      }),
    );
    await waitFor(async () => (await connections()) === 15, '15 connections counted');
    for (const c of main.slice(0, 10)) c.socket.destroy();
    legacy[0]?.destroy();
    await waitFor(async () => (await connections()) === 4, '4 connections left');
  });
});
