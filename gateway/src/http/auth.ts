import { HttpError, secretMatcher } from '@hvac-edge/shared';
import type { FastifyInstance } from 'fastify';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Bearer-token check on write endpoints when tokens are configured.
 */
export function installBearerAuth(app: FastifyInstance, tokens: readonly string[]): void {
  if (tokens.length === 0) return;
  const matches = secretMatcher(tokens);
  app.addHook('onRequest', async (request, reply) => {
    // The monitoring API (/infra/...) has its own credential header, as its spec defines.
    if (!WRITE_METHODS.has(request.method) || request.url.startsWith('/infra/')) return;
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match) {
      reply.header('WWW-Authenticate', 'Bearer');
      throw new HttpError(401, 'missing bearer token (Authorization: Bearer <token>)', 'AUTH_MISSING');
    }
    if (!matches((match[1] as string).trim())) {
      reply.header('WWW-Authenticate', 'Bearer error="invalid_token"');
      throw new HttpError(401, 'invalid bearer token', 'AUTH_INVALID');
    }
  });
}
