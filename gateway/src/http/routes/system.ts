import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { assessHealth } from '../../health.js';
import { access } from '../auth.js';
import { envelope } from '../envelope.js';
import { type RouteDeps, SERVICE_NAME, VERSION } from '../types.js';

/** EdgeX common endpoints and operations: liveness, readiness, metrics, OpenAPI. */
export const systemRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, deps) => {
  const tags = ['system'];
  const readiness = [{ name: 'store', check: () => deps.store.ping() }, ...deps.readiness];
  const health = () => assessHealth(readiness, deps.degradation, deps.metrics, () => deps.store.stats());
  app.get('/api/v3/ping', { schema: { tags }, config: access('public') }, async () =>
    envelope(200, { timestamp: new Date().toUTCString(), serviceName: SERVICE_NAME }),
  );
  app.get('/api/v3/version', { schema: { tags }, config: access('public') }, async () =>
    envelope(200, { version: VERSION, serviceName: SERVICE_NAME }),
  );
  app.get(
    '/api/v3/config',
    { schema: { tags, summary: 'Resolved configuration, secrets masked (admin token)' }, config: access('admin') },
    async () => envelope(200, { config: deps.maskedConfig, serviceName: SERVICE_NAME }),
  );

  app.get('/healthz', { schema: { tags, summary: 'Process is alive' }, config: access('public') }, async () => ({
    status: 'ok',
  }));
  app.get(
    '/readyz',
    {
      schema: {
        tags,
        summary:
          'ready (200), degraded (200: accepting, not delivering as it should; reasons in `degraded`), not ready (503)',
      },
      config: access('public'),
    },
    async (_r, reply) => {
      const { stats: _stats, ...report } = await health();
      const status = { ok: 'ready', degraded: 'degraded', not_ready: 'not ready' }[report.state];
      return reply.code(report.state === 'not_ready' ? 503 : 200).send({ status, ...report });
    },
  );

  app.get('/metrics', { schema: { tags, summary: 'Prometheus metrics' } }, async (_request, reply) => {
    const stats = (await health()).stats ?? (await deps.store.stats());
    const m = deps.metrics;
    m.bufferPending.set(stats.pending);
    m.bufferTotal.set(stats.total);
    m.bufferBytes.set(stats.bytes);
    m.oldestPendingAge.set(stats.oldestPendingReceivedAt ? (Date.now() - stats.oldestPendingReceivedAt) / 1000 : 0);
    return reply.type(m.registry.contentType).send(await m.registry.metrics());
  });

  app.get('/openapi.json', { schema: { hide: true }, config: access('public') }, async () => app.swagger());
};
