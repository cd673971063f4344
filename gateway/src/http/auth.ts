import { HttpError, type Logger, secretMatcher } from '@hvac-edge/shared';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type GatewayConfig, isLoopback } from '../config.js';

/**
 * What a route needs: `public` (probes, ping, the API document), `read`, `write`, `admin` (deletes, commands to
 * devices, the configuration), or `monitoring` (the monitoring API checks its own credential header).
 */
export type Access = 'public' | 'read' | 'write' | 'admin' | 'monitoring';

/** Route config: `config: access('admin')`. Without it, GET is read, DELETE admin, any other method write. */
export const access = (a: Access) => ({ access: a });

function accessOf(request: FastifyRequest): Access {
  const declared = (request.routeOptions.config as { access?: Access } | undefined)?.access;
  if (declared) return declared;
  if (request.url.startsWith('/infra/')) return 'monitoring';
  if (request.method === 'GET' || request.method === 'HEAD') return 'read';
  return request.method === 'DELETE' ? 'admin' : 'write';
}

/**
 * Bearer tokens with two roles. Device tokens (`auth.tokens`) add events, register, poll commands and read; admin
 * tokens (`auth.adminTokens`) also delete, send set-points and read the configuration, and always need to be given
 * for those. With no device tokens, writes and reads are open (allowed only on loopback, or with
 * `auth.allowAnonymous` on a closed network); with device tokens, reads need a token too unless
 * `auth.anonymousReads`. Tokens are compared in constant time.
 */
export function installBearerAuth(app: FastifyInstance, auth: Readonly<GatewayConfig['auth']>): void {
  const isAdmin = secretMatcher(auth.adminTokens);
  const isDevice = secretMatcher(auth.tokens);
  const openWrites = auth.tokens.length === 0;
  const check = (request: FastifyRequest, reply: FastifyReply): void => {
    const need = accessOf(request);
    if (need === 'public' || need === 'monitoring') return;
    if (openWrites && need !== 'admin') return;
    if (need === 'read' && auth.anonymousReads) return;
    const match = /^Bearer[ \t]+([^ \t].*)$/i.exec(request.headers.authorization ?? '');
    if (!match) {
      if (need === 'admin' && auth.adminTokens.length === 0) {
        throw new HttpError(403, 'this operation needs an admin token, and none is configured (auth.adminTokens)');
      }
      reply.header('WWW-Authenticate', 'Bearer');
      throw new HttpError(401, 'missing bearer token (Authorization: Bearer <token>)', 'AUTH_MISSING');
    }
    const token = (match[1] as string).trim();
    if (isAdmin(token)) return;
    if (isDevice(token)) {
      if (need !== 'admin') return;
      throw new HttpError(403, 'this operation needs an admin token (auth.adminTokens)', 'AUTH_FORBIDDEN');
    }
    reply.header('WWW-Authenticate', 'Bearer error="invalid_token"');
    throw new HttpError(401, 'invalid bearer token', 'AUTH_INVALID');
  };
  // A callback hook, not an async one: it runs on every request, and a promise per request showed in profiles.
  app.addHook('onRequest', (request, reply, done) => {
    try {
      check(request, reply);
      done();
    } catch (err) {
      done(err as Error);
    }
  });
}

/** What an operator must hear at every start: open writes off loopback, a monitoring API nobody can use. */
export function warnAboutAccess(config: Readonly<GatewayConfig>, log: Logger): void {
  if (config.auth.tokens.length === 0 && !isLoopback(config.http.host)) {
    log.warn(
      { host: config.http.host },
      'ANONYMOUS ACCESS: auth.allowAnonymous is on and no tokens are set; anyone who can reach this port can add events and register devices',
    );
  } else if (config.auth.tokens.length === 0) {
    log.warn(
      { host: config.http.host },
      'the write API is open: no auth.tokens, so any process on this machine can add events and register devices',
    );
  }
  if (config.monitoring.enabled && config.monitoring.credentials.length === 0) {
    log.warn('the monitoring API has no credentials (monitoring.credentials): every /infra call answers 401');
  }
}
