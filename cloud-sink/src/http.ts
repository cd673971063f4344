import Fastify, { type FastifyInstance } from 'fastify';
import type { SinkMetrics } from './metrics.js';

/** Probes and metrics for Kubernetes: /healthz (alive), /readyz (group joined and InfluxDB reachable), /metrics. */
export async function buildSinkHttp(deps: {
  metrics: SinkMetrics;
  joined: () => boolean;
  influxReachable: () => Promise<boolean>;
}): Promise<FastifyInstance> {
  const app = Fastify();
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const checks = { group: deps.joined(), influx: await deps.influxReachable() };
    const ready = checks.group && checks.influx;
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
  });
  app.get('/metrics', async (_req, reply) =>
    reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics()),
  );
  return app;
}
