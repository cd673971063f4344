// Child process of bench/ingest.ts: serves either a no-op Fastify POST route or the real gateway, and prints
// {"port": N} once listening. Separate process so the load generator does not share its event loop.
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@hvac-edge/shared';
import Fastify from 'fastify';
import { createGateway } from '../src/app.js';
import { loadGatewayConfig } from '../src/config.js';

const mode = process.argv[2];
if (mode === 'noop') {
  const app = Fastify();
  app.post('/api/v3/event/:s/:p/:d/:src', async (_req, reply) => reply.code(201).send({ statusCode: 201 }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  console.log(JSON.stringify({ port: typeof addr === 'object' && addr ? addr.port : 0 }));
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
} else {
  const dir = join(tmpdir(), `hvac-bench-${process.pid}`);
  const config = loadGatewayConfig(process.env, {
    'http.host': '127.0.0.1',
    'http.port': 0,
    'store.path': join(dir, 'gateway.db'),
    'rateLimit.perDevicePerMinute': 0,
  });
  const gw = await createGateway(config, createLogger('gateway', { level: 'warn' }), { defaultMetrics: false });
  await gw.start();
  const addr = gw.server.server.address();
  console.log(
    JSON.stringify({ port: typeof addr === 'object' && addr ? addr.port : 0, synchronous: config.store.synchronous }),
  );
  process.on('SIGTERM', () => {
    void gw
      .stop()
      .then(() => rm(dir, { recursive: true, force: true }))
      .then(() => process.exit(0));
  });
}
