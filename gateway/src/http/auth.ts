import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { HttpError } from './errors.js';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Bearer-token check on write endpoints when tokens are configured. Digests make every comparison the same
 * length, and every token is compared, so timing says nothing about how close a guess was.
 */
export function installBearerAuth(app: FastifyInstance, tokens: readonly string[]): void {
  if (tokens.length === 0) return;
  const expected = tokens.map(digest);
  app.addHook('onRequest', async (request, reply) => {
    if (!WRITE_METHODS.has(request.method)) return;
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match) {
      reply.header('WWW-Authenticate', 'Bearer');
      throw new HttpError(401, 'missing bearer token (Authorization: Bearer <token>)', 'AUTH_MISSING');
    }
    const given = digest((match[1] as string).trim());
    let ok = false;
    for (const e of expected) ok = timingSafeEqual(e, given) || ok;
    if (!ok) {
      reply.header('WWW-Authenticate', 'Bearer error="invalid_token"');
      throw new HttpError(401, 'invalid bearer token', 'AUTH_INVALID');
    }
  });
}
