import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import { createAjv, formatAjvErrors, stringifyEdgex, ValidationError } from '@hvac-edge/shared';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { monitoringPlugin } from '../monitoring/plugin.js';
import { installBearerAuth } from './auth.js';
import { installBodyParsers } from './body-parsers.js';
import { installErrorHandling } from './errors.js';
import { commandRoutes } from './routes/command.js';
import { VALIDATED_IN_HANDLER } from './routes/common.js';
import { coreDataRoutes } from './routes/core-data.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { legacyV1Routes } from './routes/legacy-v1.js';
import { metadataRoutes } from './routes/metadata.js';
import { metadataQueryRoutes } from './routes/metadata-queries.js';
import { readingRoutes } from './routes/readings.js';
import { sinkRoutes } from './routes/sink.js';
import { systemRoutes } from './routes/system.js';
import { type ServerDeps, VERSION } from './types.js';

/** The gateway's HTTP API: EdgeX v3 core-data and core-metadata, v1 legacy, commands, operations, monitoring. */
export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const { config } = deps;
  const tls = config.http.tls.certFile
    ? { cert: readFileSync(config.http.tls.certFile), key: readFileSync(config.http.tls.keyFile) }
    : undefined;
  // Node checks request and header deadlines every connectionsCheckingInterval (30 s by default): checked every
  // second here, so a slow-body client is cut close to http.requestTimeoutMs.
  const serverOptions = {
    requestTimeout: config.http.requestTimeoutMs,
    headersTimeout: Math.min(config.http.requestTimeoutMs, 60_000),
    connectionsCheckingInterval: 1000,
  };
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
    // Slow or idle clients cannot hold connections: the whole request within requestTimeoutMs (headers too), idle
    // sockets closed after idleTimeoutMs (longer than a command long-poll), keep-alive after keepAliveTimeoutMs.
    connectionTimeout: config.http.idleTimeoutMs,
    keepAliveTimeout: config.http.keepAliveTimeoutMs,
    // Fastify applies connectionTimeout and keepAliveTimeout only to servers it makes itself: set here too.
    serverFactory: (handler) => {
      const server = tls
        ? createHttpsServer({ ...serverOptions, ...tls }, handler)
        : createHttpServer(serverOptions, handler);
      server.keepAliveTimeout = config.http.keepAliveTimeoutMs;
      server.setTimeout(config.http.idleTimeoutMs);
      server.maxConnections = config.http.maxConnections;
      return server;
    },
  }) as unknown as FastifyInstance;

  // Params and query strings are coerced; bodies are not. Bodies marked as checked in their handler (the EdgeX
  // contract validators, shared by HTTP, v1 and MQTT) carry their schema for the OpenAPI document only.
  const coercing = createAjv({ coerceTypes: true, useDefaults: true });
  const strict = createAjv({ useDefaults: true });
  app.setValidatorCompiler(({ schema, httpPart }) => {
    if (httpPart !== 'body') return coercing.compile(schema);
    return (schema as Record<string, unknown>)[VALIDATED_IN_HANDLER] ? () => true : strict.compile(schema);
  });
  app.setSchemaErrorFormatter(
    (errors, dataVar) =>
      new ValidationError('REQUEST_INVALID', formatAjvErrors(errors as never, dataVar), 'invalid request'),
  );
  installBodyParsers(app);
  // Replies carry exact int64 origins (bigints): written as JSON integers.
  app.setReplySerializer((payload) => stringifyEdgex(payload));
  // Callback hooks, not async ones: they run on every request (see auth.ts).
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('X-Correlation-ID', request.id);
    done(null, payload);
  });
  app.addHook('onResponse', (request, reply, done) => {
    deps.metrics.requestDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });

  installErrorHandling(app);
  installBearerAuth(app, config.auth);
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

  await app.register(coreDataRoutes, deps);
  await app.register(readingRoutes, deps);
  await app.register(metadataRoutes, deps);
  await app.register(metadataQueryRoutes, deps);
  await app.register(legacyV1Routes, deps);
  await app.register(systemRoutes, deps);
  await app.register(sinkRoutes, deps);
  await app.register(commandRoutes, deps);
  if (deps.monitoring) await app.register(monitoringPlugin, deps.monitoring);
  if (config.http.dashboard) await app.register(dashboardRoutes);
  return app;
}
