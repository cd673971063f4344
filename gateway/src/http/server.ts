import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import { createAjv, formatAjvErrors, ValidationError } from '@hvac-edge/shared';
import { decode as decodeCbor } from 'cbor-x';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config.js';
import type { IngestService } from '../ingest.js';
import type { MetadataStore } from '../metadata/metadata-store.js';
import type { GatewayMetrics } from '../metrics.js';
import { monitoringRoutes } from '../monitoring/routes.js';
import type { EventStore } from '../store/event-store.js';
import { installBearerAuth } from './auth.js';
import { installErrorHandling } from './errors.js';
import { type CommandDeps, commandRoutes } from './routes/command.js';
import { coreDataRoutes } from './routes/core-data.js';
import { legacyV1Routes } from './routes/legacy-v1.js';
import { metadataRoutes } from './routes/metadata.js';
import { systemRoutes } from './routes/system.js';

export const SERVICE_NAME = 'hvac-edge-gateway';
export const VERSION = '0.1.0';

export interface GatewayDeps {
  config: Readonly<GatewayConfig>;
  store: EventStore;
  metadata: MetadataStore;
  ingest: IngestService;
  metrics: GatewayMetrics;
  log: Logger;
  /** The resolved config with secrets masked, for /api/v3/config. */
  maskedConfig: unknown;
  /** The downlink: command queue and its limits. */
  commands?: CommandDeps;
  /** The monitoring API, when monitoring is enabled. */
  monitoringApi?: Parameters<typeof monitoringRoutes>[1];
  /** The embedded cloud sink's summary, when it runs in this process (GET /api/v3/sink/summary). */
  sinkSummary?: () => unknown;
  /** Extra readiness checks (e.g. MQTT connected); all must pass for /readyz. */
  readiness?: Array<{ name: string; check: () => Promise<boolean> | boolean }>;
}

/** CBOR bodies carry binaryValue as bytes; the shared validator expects base64 as in JSON. */
function cborToJsonShape(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(cborToJsonShape);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cborToJsonShape(v)]));
  }
  return value;
}

export async function buildServer(deps: GatewayDeps): Promise<FastifyInstance> {
  const { config } = deps;
  const tls = config.http.tls.certFile
    ? { https: { cert: readFileSync(config.http.tls.certFile), key: readFileSync(config.http.tls.keyFile) } }
    : {};
  const app = Fastify({
    loggerInstance: deps.log.child({ module: 'http' }),
    // Per-request lines would cost more than the ingest itself; latency goes to the metrics histogram instead.
    logController: new LogController({ disableRequestLogging: true }),
    // A pino child per request (with redaction) costs more than the durable append; request logs carry reqId
    // explicitly where they are written.
    childLoggerFactory: (logger) => logger,
    bodyLimit: config.http.bodyLimitBytes,
    // EdgeX propagates X-Correlation-ID; we adopt the caller's or make one, and echo it on every response.
    requestIdHeader: 'x-correlation-id',
    genReqId: () => randomUUID(),
    return503OnClosing: true,
    ...tls,
  }) as unknown as FastifyInstance;

  // Bodies are checked in handlers with the shared contract validators, so HTTP, v1 and MQTT give the same
  // messages; route body schemas are there for the OpenAPI document. Params and query strings are coerced here.
  const paramsAjv = createAjv({ coerceTypes: true, useDefaults: true });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? () => true : paramsAjv.compile(schema)));
  app.setSchemaErrorFormatter(
    (errors, dataVar) =>
      new ValidationError('REQUEST_INVALID', formatAjvErrors(errors as never, dataVar), 'invalid request'),
  );
  app.addContentTypeParser('application/cbor', { parseAs: 'buffer' }, (_req, body, done) => {
    try {
      done(null, cborToJsonShape(decodeCbor(body as Buffer)));
    } catch (err) {
      done(new ValidationError('CBOR_INVALID', [`body is not valid CBOR: ${(err as Error).message}`]), undefined);
    }
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('X-Correlation-ID', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    deps.metrics.requestDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  installErrorHandling(app);
  installBearerAuth(app, config.auth.tokens);
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'hvac-edge gateway',
        version: VERSION,
        description: 'EdgeX v3 core-data and core-metadata compatible ingest, EdgeX v1 legacy endpoints, operations.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          credential: { type: 'apiKey', in: 'header', name: 'credential' },
        },
      },
    },
  });
  await app.register(rateLimit, { global: false });

  await app.register(async (scope) => coreDataRoutes(scope, deps));
  await app.register(async (scope) => metadataRoutes(scope, deps));
  await app.register(async (scope) => legacyV1Routes(scope, deps));
  await app.register(async (scope) => systemRoutes(scope, deps));
  const commands = deps.commands;
  if (commands) await app.register(async (scope) => commandRoutes(scope, { ...deps, commands }));
  const monitoringApi = deps.monitoringApi;
  if (monitoringApi) await app.register(async (scope) => monitoringRoutes(scope, monitoringApi));
  return app;
}
