import { secretMatcher } from '@hvac-edge/shared';
import Fastify, { type FastifyInstance } from 'fastify';
import type { SinkMetrics } from './metrics.js';

/**
 * Probes and metrics for Kubernetes: /healthz (alive), /readyz (group joined and InfluxDB reachable), /metrics
 * (behind a bearer token when http.metricsTokens are set). Nothing here changes data; the server still bounds slow
 * and idle clients like the gateway's.
 */
export async function buildSinkHttp(deps: {
  metrics: SinkMetrics;
  joined: () => boolean;
  influxReachable: () => Promise<boolean>;
  metricsTokens?: readonly string[];
}): Promise<FastifyInstance> {
  const app = Fastify({
    connectionTimeout: 75_000,
    keepAliveTimeout: 5_000,
    requestTimeout: 10_000,
    bodyLimit: 16_384,
    http: { maxHeaderSize: 16_384 },
  });
  app.server.maxConnections = 256;
  const isToken = secretMatcher(deps.metricsTokens ?? []);
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const checks = { group: deps.joined(), influx: await deps.influxReachable() };
    const ready = checks.group && checks.influx;
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
  });
  app.get('/metrics', async (req, reply) => {
    if (deps.metricsTokens?.length) {
      const token = /^Bearer[ \t]+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
      if (!token || !isToken(token)) {
        return reply
          .code(401)
          .header('WWW-Authenticate', 'Bearer')
          .send({ message: 'bearer token needed (http.metricsTokens)' });
      }
    }
    return reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  return app;
}
